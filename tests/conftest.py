import http.client
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from waitress.adjustments import Adjustments
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from django_desktop_shell import runtime
from django_desktop_shell.process import site
from django_desktop_shell.process.server import BodyGuard, ServerThread, bind_loopback, guarded_channel
from django_desktop_shell.settings import host_settings
from django_desktop_shell.testing import DesktopClient

ROOT = Path(__file__).resolve().parent.parent
# The sites the shell's contract is tested on: each is a project folder with its own launcher.py.
SITES = {"notedesk": ROOT, "polls": ROOT / "examples" / "polls"}
# A project laid out as many are, for the packaging tests: split settings, an ImageField, templates
# in a top-level folder (tests/packaging/cookbook/README.md).
COOKBOOK = ROOT / "tests" / "packaging" / "cookbook"
CHROMIUM = "/usr/bin/chromium"
# The desktop's Host (server mode has no DESKTOP_PORT: its clients use Django's testserver).
HOST = f"127.0.0.1:{getattr(settings, 'DESKTOP_PORT', 0)}"


@pytest.fixture
def anonymous_client():
    """A client on the right Host that has not opened the launch URL."""
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def client():
    """A client holding this launch's session cookie, as the app's window does."""
    return DesktopClient()


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
    # -noreset: by default the server resets each time its last client leaves, and a client
    # connecting meanwhile (a screenshot between two windows) is refused.
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"],
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


@pytest.fixture(scope="session")
def wayland_env(tmp_path_factory, app_env):
    """app_env on a Wayland compositor (weston, headless) instead of X: GNOME's and KDE's default
    session. Its socket is in a runtime folder of its own."""
    if not shutil.which("weston"):
        pytest.fail("weston is not installed: run `make test`, which installs it")
    runtime_dir = tmp_path_factory.mktemp("wayland-runtime")
    runtime_dir.chmod(0o700)
    env = {key: value for key, value in app_env.items() if key != "DISPLAY"}
    env |= {"XDG_RUNTIME_DIR": str(runtime_dir), "WAYLAND_DISPLAY": "wayland-tests", "GDK_BACKEND": "wayland"}
    weston = subprocess.Popen(["weston", "--backend=headless-backend.so", "--socket=wayland-tests", "--use-pixman",
                               "--width=1280", "--height=800", "--idle-time=0"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (runtime_dir / "wayland-tests").exists():
        if weston.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"weston did not start (exit code {weston.poll()})")
        time.sleep(0.05)
    yield env
    weston.terminate()
    weston.wait(5)


@pytest.fixture
def polls_copy(tmp_path):
    """examples/polls, to change the way a developer might."""
    project = tmp_path / "polls"
    shutil.copytree(SITES["polls"], project, ignore=shutil.ignore_patterns("db.sqlite3", "__pycache__"))
    return project


def launcher_command(*args: str, site: str = "notedesk") -> list[str]:
    return [sys.executable, str(SITES[site] / "launcher.py"), *args]


def hangup_as_a_session_gives_it() -> None:
    """A Popen preexec_fn, for a launch a test hangs up on (SIGHUP, a logout): the signal's default,
    not the test run's. Under `nohup make test` every child inherited it ignored, and a launch then
    took itself for one started with nohup, which outlives a hangup."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def project_whose_settings_do_not_import(folder: Path) -> Path:
    """A project, Ledger, whose settings resolve a folder that is not there, strictly, as
    cookiecutter-django's resolve their own file (a build that left it out); its launcher.py."""
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nversion = "1"\n\n[tool.desktop-shell]\nname = "Ledger"\n'
                                           'app-id = "org.example.Ledger"\nsettings = "ledger_settings"\n')
    (folder / "ledger_settings.py").write_text(
        "from pathlib import Path\n\nBASE_DIR = Path(__file__).parent.joinpath('config').resolve(strict=True)\n")
    (folder / "launcher.py").write_text("from pathlib import Path\n\nfrom django_desktop_shell.process import launcher\n\n"
                                        "launcher.run_and_exit(Path(__file__).resolve().parent)\n")
    return folder / "launcher.py"


def start_headless(tmp_path, env, *args, data_dir=None):
    return start_site_headless("notedesk", data_dir or tmp_path / "data", env, *args)


def start_site_headless(site, data_dir, env, *args):
    process = subprocess.Popen(
        launcher_command("--headless", "--data-dir", str(data_dir), *args, site=site),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    line = process.stdout.readline()
    assert line.startswith("READY "), f"expected READY, got {line!r}; stderr: {process.stderr.read() if process.poll() is not None else ''}"
    return process, line.split(" ", 1)[1].strip()


class LoopbackConnection(http.client.HTTPConnection):
    """Connects to 127.0.0.1 whatever the host name: a browser resolves every name under
    .localhost to the loopback address itself (RFC 6761); this system's resolver may not."""

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)


class LoopbackHandler(urllib.request.HTTPHandler):
    def http_open(self, request):
        return self.do_open(LoopbackConnection, request)


def browser_opener():
    """urllib as a browser: cookies kept, and names under .localhost reached on 127.0.0.1."""
    return urllib.request.build_opener(LoopbackHandler, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def exit_code_within(process, seconds):
    """The launcher ends itself within 3 s of a stop signal (its watchdog); the tests allow more,
    for a machine whose cores are all busy (make stress --load)."""
    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"the launcher did not exit within {seconds} s")


def assert_exits_cleanly_within(process, seconds):
    code = exit_code_within(process, seconds)
    assert code == 0, f"the launcher exited with {code}; stderr: {process.stderr.read() if process.stderr else ''}"


@pytest.fixture(scope="session")
def app_env(display):
    """The environment a launched Notedesk process gets in tests."""
    env = dict(os.environ)
    env["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"
    # Classic scrollbars: with overlay ones, the same page settled on either of two screens
    # (anti-aliasing at the edges of the note list's tag chips), 5 launches in 12.
    env["GTK_OVERLAY_SCROLLING"] = "0"
    env.pop("NOTEDESK_DATA_DIR", None)
    env.pop("NOTEDESK_PORT", None)
    return env


def homeless_env(app_env: dict, tmp_path) -> dict:
    """The launch's environment for a user with no HOME and no entry in the password database."""
    (tmp_path / "homeless").mkdir()
    (tmp_path / "homeless" / "sitecustomize.py").write_text(
        "import pwd\n\n"
        "def getpwuid(uid):\n"
        "    raise KeyError(f'getpwuid(): uid not found: {uid}')\n\n"
        "pwd.getpwuid = getpwuid\n")
    env = {name: value for name, value in app_env.items() if name not in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "homeless"), app_env.get("PYTHONPATH", "")])
    return env


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def environ_the_body_guard_gets(head: str) -> dict:
    """The environ the server's parser gives a BodyGuard's refusal for a request with these
    headers (lines joined by \n)."""
    given = []
    guard = BodyGuard(limit=1024, refusal=lambda environ: given.append(environ), unkept=lambda environ, error: None)
    parser = guarded_channel(guard).parser_class(Adjustments())
    parser.received(head.replace("\n", "\r\n").encode() + b"\r\n\r\n")
    [environ] = given
    return environ


class LiveApp:
    """The site served by the launcher's own ServerThread on a free loopback port."""

    def __init__(self, port_settings):
        self.sock = bind_loopback(0)
        self.port = self.sock.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        for name, value in host_settings(replace(runtime.current, port=self.port)).items():
            setattr(port_settings, name, value)
        self.wsgi_app = WSGIHandler()
        self.server = None
        self.start()

    def start(self):
        self.server = ServerThread(self.wsgi_app, self.sock, body_guard=site.body_guard()).start()
        self.server.wait_until_ready("/_desktop/health", self.auth_headers)

    def stop(self):
        self.server.stop()
        self.sock = None

    def restart(self):
        self.sock = bind_loopback(self.port)
        self.start()

    @property
    def auth_headers(self):
        return {"Authorization": f"Bearer {settings.DESKTOP_LAUNCH_TOKEN}"}

    def launch_url(self, next_path="/"):
        return f"{self.origin}/launch/?{urlencode({'token': settings.DESKTOP_LAUNCH_TOKEN, 'next': next_path})}"


@pytest.fixture
def live_app(transactional_db, settings):
    app = LiveApp(settings)
    yield app
    if app.sock:
        app.stop()


@pytest.fixture
def local_owner_made(transactional_db):
    """As at a launch (the notes app's start-up work, on database_ready), Notedesk's local owner
    exists before the first request: a GET only reads it, inside its read-only snapshot."""
    from embedded_site.notes.owners import local_owner

    local_owner()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_app):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# tests/server/ is of server mode only (make test-server): its apps are not installed on the desktop.
# tests/sync/ (desktops syncing with a server on PostgreSQL) runs only when named: make test-server does.
collect_ignore = ["sync"] + ([] if getattr(settings, "NOTEDESK_SERVER", False) else ["server"])

if getattr(settings, "NOTEDESK_SERVER", False):
    # Server mode (make test-server): its cluster and its logged-in clients replace the desktop's.
    from tests.server_mode import (  # noqa: F401
        anonymous_client,
        client,
        csrf_client,
        django_db_modify_db_settings,
        postgres_cluster,
        server_user,
    )


def pytest_collection_modifyitems(config, items):
    """In server mode, the tests of what only a desktop has (marked `desktop`) do not run."""
    if getattr(settings, "NOTEDESK_SERVER", False):
        skip = pytest.mark.skip(reason="desktop only: this run is of server mode")
        for item in items:
            if "desktop" in item.keywords:
                item.add_marker(skip)
