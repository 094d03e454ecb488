import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
HOST = f"127.0.0.1:{settings.PORT}"


@pytest.fixture
def anonymous_client():
    """A client on the right Host that has not opened the launch URL."""
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def client(anonymous_client):
    """A client holding this launch's session cookie, as the app's window does."""
    response = anonymous_client.get("/launch/", {"token": settings.NOTEDESK_LAUNCH_TOKEN})
    assert response.status_code == 302
    return anonymous_client


@pytest.fixture
def csrf_client(client):
    """A logged-in client that, like a browser, must send the CSRF token with unsafe requests."""
    client.handler.enforce_csrf_checks = True
    return client


@pytest.fixture(scope="session")
def display():
    """An X display for real windows: the session's own, or an Xvfb started for the tests."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is not installed: run `make test`, which installs it")
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=[write_end],
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    os.environ["DISPLAY"] = f":{number}"
    yield os.environ["DISPLAY"]
    xvfb.terminate()
    xvfb.wait(5)
    del os.environ["DISPLAY"]


def launcher_command(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "launcher.py"), *args]


@pytest.fixture
def app_env(display, tmp_path):
    """The environment a launched Notedesk process gets in tests."""
    env = dict(os.environ)
    env["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"
    env.pop("NOTEDESK_DATA_DIR", None)
    env.pop("NOTEDESK_PORT", None)
    return env
