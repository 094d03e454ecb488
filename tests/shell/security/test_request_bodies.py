"""Request bodies are bounded before they are buffered: waitress reads a whole body before the
app sees the request, so a body without the session, or over the site's limit, is refused from
its headers alone, before a byte of it is read."""

import json
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import exit_code_within, start_headless
from tests.reliability.conftest import mounts  # noqa: F401 (the fixture)

HUNDRED_MB = 100 * 1024 * 1024
CONNECTIONS_AT_ONCE = 100  # waitress's connection_limit


def send_headers(port: int, head: str) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
    return connection


def read_answer(connection: socket.socket) -> tuple[str, dict, bytes]:
    """The whole answer, up to the server closing the connection."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body


def post_as_the_app(live_app, size: int) -> tuple[str, dict, bytes]:
    """A body of `size` bytes posted to the import with the launch token, as the app's own page."""
    connection = send_headers(live_app.port, post_head(live_app.port, f"Content-Length: {size}",
                                                       f"Authorization: {live_app.auth_headers['Authorization']}",
                                                       path="/api/import/"))
    with connection:
        connection.sendall(b"x" * size)
        return read_answer(connection)


def post_head(port: int, *headers: str, path: str = "/api/notes/") -> str:
    return "\n".join([f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "X-Requested-With: XMLHttpRequest",
                      "Content-Type: application/json", *headers, ""])


@pytest.mark.parametrize("framing", [f"Content-Length: {HUNDRED_MB}", "Transfer-Encoding: chunked"])
def test_a_body_without_the_session_is_refused_before_a_byte_of_it_is_sent(live_app, framing):
    connection = send_headers(live_app.port, post_head(live_app.port, framing))
    with connection:
        status, headers, body = read_answer(connection)  # before the fix: a timeout, waiting for 100 MB
    assert status == "HTTP/1.1 403 Forbidden"
    assert json.loads(body) == {"error": "Open Notedesk from its own window to use it."}
    assert headers["Connection"] == "close"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_a_body_without_the_session_gets_no_100_continue(live_app):
    connection = send_headers(live_app.port, post_head(live_app.port, "Content-Length: 10", "Expect: 100-continue"))
    with connection:
        status, _, _ = read_answer(connection)
    assert status == "HTTP/1.1 403 Forbidden"


def test_a_body_declared_over_the_site_s_limit_is_413_and_dropped_unkept_for_the_app_s_own_page(live_app, settings):
    """The app's own page gets the answer whole: its body is read and dropped, not kept, and only
    then answered (a browser still sending when the connection closes reports a network error)."""
    settings.DESKTOP_MAX_REQUEST_BODY = 1024 * 1024
    too_large = settings.DESKTOP_MAX_REQUEST_BODY + 1
    status, headers, body = post_as_the_app(live_app, too_large)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert json.loads(body) == {"error": "The request is larger than 1.0\xa0MB, the most Notedesk takes."}
    assert headers["Connection"] == "close"


def test_a_form_over_the_site_s_limit_is_a_page_offering_to_go_back_to_the_form(live_app, settings):
    """An upload form sent with too large a file showed a 413 page whose one link led to the start
    page: the form, to choose a smaller file, was out of reach in a window with no Back button."""
    settings.DESKTOP_MAX_REQUEST_BODY = 1024
    form_page = f"http://127.0.0.1:{live_app.port}/notes/import/"
    head = "\n".join([f"POST /api/import/ HTTP/1.1", f"Host: 127.0.0.1:{live_app.port}", "Accept: text/html",
                      "Content-Type: multipart/form-data; boundary=x", "Content-Length: 2048", f"Referer: {form_page}",
                      f"Authorization: {live_app.auth_headers['Authorization']}", ""])
    with send_headers(live_app.port, head) as connection:
        connection.sendall(b"x" * 2048)
        status, headers, body = read_answer(connection)
    assert status == "HTTP/1.1 413 Request Entity Too Large" and headers["Content-Type"].startswith("text/html")
    assert b'<a href="/notes/import/">Go back</a>' in body


def test_a_body_the_temporary_folder_cannot_hold_is_answered_saying_so_and_leaves_nothing_there(
        live_app, settings, mounts, tmp_path, monkeypatch):
    """The server keeps a body in the system's temporary folder while it comes: /tmp, on Fedora, Arch
    or Debian 13 a tmpfs of half the memory. A 600 MB upload, under the site's limit, with 400 MB free
    there failed in the page as a network error, and the log said only "uncaptured python exception,
    closing channel … No space left on device"."""
    folder = mounts("-t", "tmpfs", "-o", "size=2m", "tmpfs", at=tmp_path / "tmp")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    settings.DESKTOP_MAX_REQUEST_BODY = 8 * 1024 * 1024
    status, headers, body = post_as_the_app(live_app, 4 * 1024 * 1024)
    assert status == "HTTP/1.1 503 Service Unavailable"
    assert json.loads(body) == {"error": f"The upload could not be received: the folder for temporary files, {folder}, "
                                         "could not hold it (No space left on device). Free some space there and try again."}
    assert headers["X-Content-Type-Options"] == "nosniff"
    emptied = os.statvfs(folder)
    assert list(folder.iterdir()) == [] and emptied.f_bfree == emptied.f_blocks


def test_a_body_over_the_limit_is_logged_naming_the_setting_that_raises_it(live_app, settings, caplog):
    """A ported project's form takes uploads larger than the default limit (Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE, which runserver never applies to files): the window shows a 413
    page, and the log says which setting to raise, and why the form's own check was not reached."""
    settings.DESKTOP_MAX_REQUEST_BODY = 1024 * 1024
    too_large = settings.DESKTOP_MAX_REQUEST_BODY + 1
    with caplog.at_level("WARNING", logger="django_desktop_shell"):
        status, _, _ = post_as_the_app(live_app, too_large)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    [record] = [record for record in caplog.records if "DESKTOP_MAX_REQUEST_BODY" in record.getMessage()]
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        "Refused POST /api/import/ (413): its body, 1,048,577 bytes, is larger than DESKTOP_MAX_REQUEST_BODY, "
        "1,048,576 bytes. A site that takes larger uploads sets DESKTOP_MAX_REQUEST_BODY in its settings (its "
        "largest upload plus django_desktop_shell.settings.MULTIPART_OVERHEAD); its forms' own size checks never "
        "see a body refused here.")


def test_notedesk_s_largest_body_is_an_import(live_app):
    from django_desktop_shell.settings import MULTIPART_OVERHEAD

    assert settings.DESKTOP_MAX_REQUEST_BODY == settings.NOTEDESK_MAX_IMPORT_SIZE + MULTIPART_OVERHEAD
    assert live_app.server.server.adj.max_request_body_size == settings.DESKTOP_MAX_REQUEST_BODY + 1


def test_a_page_asking_for_html_gets_a_page(live_app):
    head = "\n".join([f"POST /ajax/submit/ HTTP/1.1", f"Host: 127.0.0.1:{live_app.port}", "Content-Length: 5", ""])
    with send_headers(live_app.port, head) as connection:
        status, headers, body = read_answer(connection)
    assert status == "HTTP/1.1 403 Forbidden"
    assert headers["Content-Type"].startswith("text/html") and b"from its own window" in body


def test_the_refused_body_is_never_read_as_a_next_request(live_app):
    """The body of a refused request stays unread, and the connection is closed after the answer:
    a request hidden in it (here one that the launch token admits) is never served."""
    hidden = (f"GET /_desktop/probe/echo?echo=Smuggled HTTP/1.1\r\nHost: 127.0.0.1:{live_app.port}\r\n"
              f"Authorization: {live_app.auth_headers['Authorization']}\r\n\r\n").encode()
    connection = send_headers(live_app.port, post_head(live_app.port, f"Content-Length: {len(hidden)}"))
    with connection:
        connection.sendall(hidden)
        try:
            status, _, body = read_answer(connection)
        except ConnectionResetError:  # closed with the body unread, which can lose the 403 on the way
            status, body = "reset", b""
    assert status in ("HTTP/1.1 403 Forbidden", "reset")
    assert b"Smuggled" not in body  # read_answer reads to the close: a served hidden request would answer here


def test_a_body_with_the_session_and_as_large_as_the_limit_is_read(live_app, settings):
    payload = json.dumps({"title": "Read"}).encode()
    settings.DESKTOP_MAX_REQUEST_BODY = len(payload)
    head = post_head(live_app.port, f"Content-Length: {len(payload)}", "Connection: close",
                     f"Authorization: {live_app.auth_headers['Authorization']}")
    with send_headers(live_app.port, head) as connection:
        connection.sendall(payload)
        status, _, body = read_answer(connection)
    assert status == "HTTP/1.1 201 Created"
    assert json.loads(body)["title"] == "Read"


def test_a_launch_form_is_the_one_body_read_without_the_session(live_app):
    form = f"token={settings.DESKTOP_LAUNCH_TOKEN}&next=%2F".encode()
    head = "\n".join(["POST /launch/ HTTP/1.1", f"Host: 127.0.0.1:{live_app.port}", "Origin: null",
                      "Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(form)}",
                      "Connection: close", ""])
    with send_headers(live_app.port, head) as connection:
        connection.sendall(form)
        status, headers, _ = read_answer(connection)
    assert status == "HTTP/1.1 200 OK"
    session = f"{settings.DESKTOP_SESSION_COOKIE}={settings.DESKTOP_SESSION_TOKEN};"
    assert headers["Set-Cookie"].strip().startswith(session)


@pytest.mark.parametrize("framing", ["Content-Length: 1025", f"Content-Length: {HUNDRED_MB}",
                                     "Transfer-Encoding: chunked"])
def test_a_launch_body_larger_than_a_launch_form_is_refused_unread(live_app, framing):
    head = "\n".join(["POST /launch/ HTTP/1.1", f"Host: 127.0.0.1:{live_app.port}", "X-Requested-With: XMLHttpRequest",
                      "Content-Type: application/x-www-form-urlencoded", framing, ""])
    with send_headers(live_app.port, head) as connection:
        status, headers, body = read_answer(connection)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert json.loads(body) == {"error": "A launch sends only its token: at most 1024 bytes."}
    assert headers["Connection"] == "close"


def test_a_launch_body_of_another_type_is_refused_as_any_stranger_s(live_app):
    head = post_head(live_app.port, "Content-Length: 100", path="/launch/")  # JSON
    with send_headers(live_app.port, head) as connection:
        status, _, body = read_answer(connection)
    assert status == "HTTP/1.1 403 Forbidden"
    assert json.loads(body) == {"error": "Open Notedesk from its own window to use it."}


def memory_and_spooled(pid: int) -> tuple[int, int]:
    """The process's resident memory, and the bytes in the unnamed temporary files it holds open
    (waitress spools a body past 512 KB to one)."""
    with open(f"/proc/{pid}/status") as status:
        resident = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
    spooled = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
            if target.startswith(tempfile.gettempdir()) and target.endswith(" (deleted)"):
                spooled += fd.stat().st_size
        except OSError:  # closed meanwhile
            pass
    return resident, spooled


class Sampler(threading.Thread):
    """The most memory and spooled bytes a process holds while it runs."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.running = pid, True
        self.resident, self.spooled = memory_and_spooled(pid)
        self.baseline = self.resident

    def run(self):
        while self.running:
            resident, spooled = memory_and_spooled(self.pid)
            self.resident, self.spooled = max(self.resident, resident), max(self.spooled, spooled)
            time.sleep(0.005)

    def stop(self) -> tuple[int, int]:
        self.running = False
        self.join()
        return self.resident - self.baseline, self.spooled


@pytest.fixture
def headless(tmp_path, app_env):
    process, url = start_headless(tmp_path, app_env)
    yield process, int(url.split(":")[2].split("/")[0])
    process.terminate()
    exit_code_within(process, 5)


def test_what_an_unauthenticated_100_mb_body_makes_the_process_keep(headless):
    """The first figure in docs/security.md: a client without the session streams a 100 MB body
    as fast as it can. Before: the process read all of it into a temporary file, then answered 403.
    Now it answers from the headers and closes; the little the client got to send waits in the
    sockets' kernel buffers, unread."""
    process, port = headless
    sampler = Sampler(process.pid)
    sampler.start()
    connection = send_headers(port, post_head(port, f"Content-Length: {HUNDRED_MB}"))
    sent = 0

    def stream_the_body():
        nonlocal sent
        chunk = b"x" * 65536
        try:
            while sent < HUNDRED_MB:
                sent += connection.send(chunk)
        except OSError:  # the server closed the connection
            pass

    streaming = threading.Thread(target=stream_the_body)
    started = time.monotonic()
    streaming.start()
    try:
        status = read_answer(connection)[0]
    except ConnectionResetError:  # closed with the body unread, which can lose the 403 on the way
        status = "reset"
    answered_after = time.monotonic() - started
    streaming.join(60)
    connection.close()
    grown, spooled = sampler.stop()
    print(f"\n{status} after {answered_after:.3f} s; the client sent {sent / 2**20:.1f} MB; the process spooled "
          f"{spooled / 2**20:.1f} MB and grew by {grown / 2**20:.1f} MB")
    assert status in ("HTTP/1.1 403 Forbidden", "reset")
    assert spooled == 0 and sent < HUNDRED_MB / 4


def test_what_unauthenticated_clients_can_still_make_the_process_hold(headless):
    """The second figure in docs/security.md: every connection waitress takes at once holding
    unfinished headers, as long as they may be. That is what a client without the session can
    still make the process keep."""
    from django_desktop_shell.process.server import MAX_HEADER_BYTES

    process, port = headless
    sampler = Sampler(process.pid)
    sampler.start()
    connections = []
    try:
        for _ in range(CONNECTIONS_AT_ONCE):
            connection = socket.create_connection(("127.0.0.1", port), timeout=10)
            connection.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Fill: ".encode()
                               + b"x" * (MAX_HEADER_BYTES - 100))
            connections.append(connection)
        time.sleep(1)
        grown, spooled = sampler.stop()
    finally:
        for connection in connections:
            connection.close()
    print(f"\n{len(connections)} connections holding {MAX_HEADER_BYTES // 1024} KB of headers each: the process grew "
          f"by {grown / 2**20:.1f} MB, spooled {spooled / 2**20:.1f} MB")
    assert spooled == 0
    assert grown < 3 * CONNECTIONS_AT_ONCE * MAX_HEADER_BYTES


def test_a_site_that_states_no_largest_body_gets_what_django_takes_in_memory():
    from django_desktop_shell.settings import MULTIPART_OVERHEAD, UNLIMITED_BODY, default_max_request_body

    assert default_max_request_body({}) == 2621440 + MULTIPART_OVERHEAD  # Django's 2.5 MB
    assert default_max_request_body({"DATA_UPLOAD_MAX_MEMORY_SIZE": 10_000}) == 10_000 + MULTIPART_OVERHEAD
    assert default_max_request_body({"DATA_UPLOAD_MAX_MEMORY_SIZE": None}) == UNLIMITED_BODY
