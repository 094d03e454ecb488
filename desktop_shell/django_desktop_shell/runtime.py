"""What one run of the app is: set by the launcher before Django starts, read by the settings.

The launcher (or a test's settings, through testing.configure) calls configure(); `desktop_settings()` then reads it. A
project whose settings are imported without it (plain `manage.py runserver`, say) is left as it
is: it is not running as a desktop app.
"""

import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django_desktop_shell.identity import Identity


@dataclass(frozen=True)
class Runtime:
    identity: Identity
    data_dir: Path
    port: int = 0  # 0: not serving (a `manage` command)
    dev: bool = False
    browser: bool = False  # serving a browser (--headless, --browser) rather than the app's own window
    testing: bool = False  # a test run (testing.configure): Django's test runner's host and test database are allowed
    # --diagnose: the data folder is read and nothing is written to it; a per-install secret a
    # launch would make there is made for this run alone.
    read_only: bool = False
    # Per-launch secrets: the window (or the holder of the --headless URL) opens /launch/?token=…
    # once, and from then on proves itself with the session cookie.
    launch_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))


current: Runtime | None = None


def configure(runtime: Runtime) -> Runtime:
    global current
    current = runtime
    return runtime


def matches(candidate: str, secret: str) -> bool:
    """Whether `candidate` is the per-launch `secret`, compared in constant time."""
    return hmac.compare_digest(candidate.encode(), secret.encode())
