"""The server behind a real nginx, configured with docs/server.md's own block (Behind nginx), over
HTTPS with a certificate of a private authority: a device syncs through it, plain HTTP is sent to
HTTPS once and HTTPS is not redirected again, and a stranger's large upload is refused from its
headers, before nginx keeps its body."""

import http.cookiejar
import os
import re
import shutil
import socket
import ssl
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.reliability.conftest import poll
from tests.sync.conftest import ROOT, Device, SyncServer, server_notes

NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")


def packages_make_installs(target: str) -> set[str]:
    """The Debian packages `make TARGET` installs: its system-… prerequisites' groups of
    build/linux/system-packages.sh."""
    makefile = (ROOT / "Makefile").read_text()
    script = (ROOT / "build" / "linux" / "system-packages.sh").read_text()
    groups = dict(re.findall(r'^\s*\[([\w-]+)\]="([^"]*)"', script, re.M))
    packages = set()
    for prerequisite in re.search(rf"^{target}:(.*)$", makefile, re.M)[1].split():
        if recipe := re.search(rf"^{re.escape(prerequisite)}:\n\t@\$\(SYSTEM_PACKAGES\) (.*)$", makefile, re.M):
            packages.update(package for group in recipe[1].split() for package in groups[group].split())
    return packages


def test_make_test_server_installs_nginx_so_that_ci_runs_these_tests():
    """nginx was installed by hand on the development machine only: on CI's new one (.ci/run),
    every test below was skipped."""
    assert "nginx" in packages_make_installs("test-server")
    assert "postgresql" in packages_make_installs("test-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def documented_block() -> str:
    """The nginx configuration docs/server.md gives."""
    return re.search(r"```nginx\n(.*?)```", (ROOT / "docs" / "server.md").read_text(), re.DOTALL)[1]


class Nginx:
    """nginx in the foreground, on the documented block, with its ports, names and files made local."""

    def __init__(self, folder: Path, upstream_port: int, certificate: Path):
        folder.mkdir()
        self.folder, self.https_port, self.http_port = folder, free_port(), free_port()
        block = (re.sub(r"(ssl_certificate(_key)?\s+)\S+;", rf"\g<1>{certificate};", documented_block())
                 .replace("listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl")
                 .replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
                 .replace("server_name notes.example.org;", "server_name localhost;")
                 .replace("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream_port}"))
        assert str(certificate) in block and str(upstream_port) in block, block
        temporary = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")  # its workers write to the test's folder
            + f"daemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} info;\n"
            f"events {{}}\nhttp {{\naccess_log {folder / 'access.log'};\n{temporary}\n{block}\n}}\n")
        self.process = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        poll(self.listening, 30, "nginx listening")

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https_port}"

    def listening(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"nginx stopped: {(self.folder / 'error.log').read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", self.https_port), timeout=5).close()
        except OSError:
            return False
        return True

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)

    def spooled_bodies(self) -> int:
        return (self.folder / "error.log").read_text().count("a client request body is buffered to a temporary file")


class ServerBehindNginx(SyncServer):
    """The server as docs/server.md runs it: over HTTPS ended by nginx, trusting it as its proxy."""

    front: Nginx

    @property
    def url(self) -> str:
        return self.front.url


@pytest.fixture
def behind_nginx(sync_postgres, tmp_path, authority, monkeypatch):
    if NGINX is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx; make test-server installs it)")
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.certificate))  # this computer trusts the private authority
    server = ServerBehindNginx(sync_postgres, tmp_path / "server")
    server.front = Nginx(tmp_path / "nginx", server.port, authority.sign("localhost"))
    server.environment.update({
        "NOTEDESK_HTTPS": "1", "ALLOWED_HOSTS": "localhost", "CSRF_TRUSTED_ORIGINS": server.front.url,
        "TRUSTED_PROXY": "127.0.0.1", "NOTEDESK_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    })
    try:
        yield server.start()
    finally:
        server.stop()
        server.front.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def test_plain_http_goes_to_https_once_and_https_is_served_secure(behind_nginx):
    """Without TRUSTED_PROXY, HTTPS was redirected to HTTPS for ever (docs/server.md)."""
    opener = urllib.request.build_opener(NoRedirects)
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(f"http://localhost:{behind_nginx.front.http_port}/accounts/login/", timeout=30)
    assert redirected.value.code == 301 and redirected.value.headers["Location"] == "https://localhost/accounts/login/"
    with opener.open(f"{behind_nginx.url}/accounts/login/", timeout=30) as page:
        assert page.status == 200
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "; Secure" in page.headers["Set-Cookie"]


def test_a_strangers_large_upload_through_nginx_is_refused_before_its_body_is_sent(behind_nginx):
    """Until the block said proxy_request_buffering off, nginx waited for the whole body (and kept
    it in a file) before Notedesk could refuse it from its headers."""
    context = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    with socket.create_connection(("127.0.0.1", behind_nginx.front.https_port), timeout=60) as raw, \
            context.wrap_socket(raw, server_hostname="localhost") as connection:
        connection.sendall(b"POST /api/jobs/import/ HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
                           b"Content-Type: application/octet-stream\r\nContent-Length: 100000000\r\n\r\n")
        answer = connection.recv(65536)  # answered though not one byte of the body was sent
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]
    assert b"Log in first" in answer
    assert behind_nginx.front.spooled_bodies() == 0


def test_a_device_syncs_notes_and_attachments_through_nginx(behind_nginx, notedesk, tmp_path):
    token = behind_nginx.new_device("Laptop")
    device = Device(notedesk(tmp_path / "A"), "A")
    for number in range(120):
        note = device.create(f"Note {number}", f"words of note {number}")
    device.attach(note["uid"], "scan.bin", os.urandom(3 * 1024 * 1024))
    device.connect(behind_nginx.url, token)
    assert device.sync()["error"] is None
    assert server_notes(behind_nginx.url, token) == device.notes()

    other = Device(notedesk(tmp_path / "B"), "B")
    other.connect(behind_nginx.url, behind_nginx.new_device("Desktop"))
    assert other.sync()["error"] is None
    assert other.notes() == device.notes()


def test_the_login_limit_counts_the_address_nginx_saw_not_one_the_client_wrote(behind_nginx):
    """$proxy_add_x_forwarded_for appends to the X-Forwarded-For a client sends: the server takes
    the address nginx added, so a client that writes a new one on each try gets no more tries."""
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    login = f"{behind_nginx.url}/accounts/login/"
    page = browser.open(login, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    answers = []
    for attempt in range(21):
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": f"someone{attempt}", "password": "wrong"})
        request = urllib.request.Request(login, data=form.encode(), headers={
            "Referer": login, "X-Forwarded-For": f"198.51.100.{attempt}"})
        try:
            answers.append(browser.open(request, timeout=30).status)
        except urllib.error.HTTPError as error:
            answers.append(error.code)
    assert answers == [200] * 20 + [429]


def test_a_monitoring_system_polls_health_through_nginx_and_on_the_app_s_own_port(behind_nginx):
    """docs/server.md, Monitoring: both answers are the health check's, not a redirect to HTTPS."""
    opener = urllib.request.build_opener(NoRedirects)
    through_nginx = f"{behind_nginx.url}/_desktop/health"
    on_the_machine = urllib.request.Request(f"http://127.0.0.1:{behind_nginx.port}/_desktop/health",
                                            headers={"Host": "localhost"})  # a name ALLOWED_HOSTS has
    for request in (through_nginx, on_the_machine):
        with opener.open(request, timeout=30) as answer:
            assert (answer.status, answer.read()) == (200, b'{"status": "ok"}')
