"""Testing a project under the desktop defaults, with Django's test runner or pytest-django.

In the project's test settings module (tests/settings.py, say), before its settings are imported:

    from django_desktop_shell import testing
    testing.configure(Path(__file__).resolve().parent.parent)  # the folder with pyproject.toml
    from mysite.settings import *

and in the tests, a client that reaches the app as its window does (`client_class = DesktopClient`
in a TestCase; a `client` fixture returning `DesktopClient()` for pytest-django). Everything the
shell adds stays on: the Host check, the launch gate, CSRF, the security headers.
"""

import atexit
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client

from django_desktop_shell import identity, runtime

TEST_PORT = 8765  # any port: nothing listens on it unless a test serves the app there itself


def configure(project_dir: Path | str, port: int = TEST_PORT) -> runtime.Runtime:
    """The run a launch would set up, on a throwaway data folder, for a test run: the desktop
    checks then allow what Django's test runner adds (the host `testserver`, a test database
    outside the data folder). The data folder is removed when the test run's process ends."""
    data_dir = Path(tempfile.mkdtemp(prefix="desktop-shell-test-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    return runtime.configure(runtime.Runtime(
        identity=identity.load(Path(project_dir)), data_dir=data_dir, port=port, testing=True,
    ))


class DesktopClient(Client):
    """Django's test client on the app's own address, holding the launch's session as the window
    does. CSRF is checked only if it is made with `enforce_csrf_checks=True`, as for Client. Under
    settings that are not a desktop run's (the project's own, without configure()), it is Django's
    Client as it is, so that one test suite runs both ways."""

    def __init__(self, *args, **defaults):
        if not hasattr(settings, "DESKTOP_SESSION_HOST"):
            super().__init__(*args, **defaults)
            return
        defaults.setdefault("HTTP_HOST", settings.DESKTOP_SESSION_HOST)
        super().__init__(*args, **defaults)
        launched = self.get(f"/launch/?{urlencode({'token': settings.DESKTOP_LAUNCH_TOKEN})}")
        if settings.DESKTOP_SESSION_COOKIE not in launched.cookies:
            raise RuntimeError(f"The launch URL answered {launched.status_code}, without the session: is "
                               "django_desktop_shell.testing.configure() called before the settings are imported?")
