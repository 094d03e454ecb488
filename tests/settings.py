"""Settings for pytest-django: Notedesk's real settings, as the shell sets them up for a launch,
on a throwaway data folder and a fixed port."""

import os
import tempfile
from pathlib import Path

from django_desktop_shell import identity, runtime

ROOT = Path(__file__).resolve().parent.parent
runtime.configure(runtime.Runtime(
    identity=identity.load(ROOT), data_dir=Path(tempfile.mkdtemp(prefix="notedesk-test-")), port=8765,
))

from embedded_site.settings import *  # noqa: E402,F403

# A file, not the in-memory default, so the live server's waitress threads share the test DB.
DATABASES["default"]["TEST"] = {"NAME": DESKTOP_DATA_DIR / "test.sqlite3"}  # noqa: F405

# Playwright's sync API keeps an asyncio loop running in the test thread; Django would otherwise
# refuse the test framework's own DB calls (flush, fixtures) from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
