"""The server thread the launcher runs Django in: it starts, answers and stops cleanly."""

import http.client
import logging
import socket
import threading
import time

import pytest

from django_desktop_shell.process import server as server_module
from django_desktop_shell.process.server import (
    CHUNKED_BODY, HOME_PORTS, LOOPBACK, ShellChannel, ServerThread, bind_for, bind_loopback,
)
from tests.conftest import environ_the_body_guard_gets


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


def streamed(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return iter([b"first ", b"second ", b"third"])


def no_content(environ, start_response):
    start_response("204 No Content", [])
    return [b"ignored"]


@pytest.fixture
def server():
    running = ServerThread(hello, bind_loopback(0)).start()
    running.wait_until_ready("/", {})
    yield running
    running.stop()


def server_error(environ, start_response):
    start_response("500 Internal Server Error", [("Content-Type", "text/plain"), ("Content-Length", "4")])
    return [b"oops"]


def test_a_health_check_that_answers_500_says_where_its_traceback_is(tmp_path):
    """A site middleware that failed on every request stopped the launch with "The app's server did
    not become ready within 15 s (it answered 500).", and nothing said why or where to look."""
    log = logging.FileHandler(tmp_path / "app.log")
    logging.getLogger().handlers.insert(0, log)  # the launcher's own, ahead of the tests'
    running = ServerThread(server_error, bind_loopback(0)).start()
    try:
        with pytest.raises(server_module.StartupError) as refused:
            running.wait_until_ready("/", {}, timeout=1)
    finally:
        running.stop()
        logging.getLogger().removeHandler(log)
        log.close()
    assert str(refused.value) == (f"The app's server did not become ready within 1 s (it answered 500). "
                                  f"The log, {tmp_path / 'app.log'}, says why.")


def test_a_health_check_that_answers_500_is_not_asked_again_every_few_milliseconds():
    """Django logs each 500 with its traceback: asked again every 10 ms for 15 s, a failing
    middleware's 500 traceback filled the log's four rotated files within one launch, and the log
    kept nothing from before it."""
    asked = []

    def failing(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return server_error(environ, start_response)

    running = ServerThread(failing, bind_loopback(0)).start()
    try:
        with pytest.raises(server_module.StartupError):
            running.wait_until_ready("/", {}, timeout=1)
    finally:
        running.stop()
    assert 1 <= len(asked) <= 3


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_stop_closes_the_port_and_ends_the_thread(server):
    server.stop()
    assert not server.thread.is_alive()
    assert refuses_connections(server.port)


def test_stop_succeeds_when_the_loop_runs_it_before_its_wake_up_byte_is_written(server):
    """waitress wakes its loop with a byte in a pipe, and every answer sent leaves one there: the
    loop can run the stop request before stop() itself has written. Seen as a launcher exiting 1
    with "Bad file descriptor" on SIGTERM right after serving a page."""
    trigger = server.server.trigger
    write_wake_up_byte = trigger._physical_pull

    def loop_runs_the_request_first():
        write_wake_up_byte()  # as an answer sent just before would have
        deadline = time.monotonic() + 5
        while trigger.thunks and time.monotonic() < deadline:
            time.sleep(0.001)
        assert not trigger.thunks, "the loop never ran the stop request"
        write_wake_up_byte()

    trigger._physical_pull = loop_runs_the_request_first
    server.stop()
    assert not server.thread.is_alive()
    assert refuses_connections(server.port)


def test_stop_while_a_client_holds_a_half_read_answer(server):
    client = socket.create_connection(("127.0.0.1", server.port))
    client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert client.recv(8) == b"HTTP/1.1"
    server.stop()
    client.close()
    assert not server.thread.is_alive()
    assert refuses_connections(server.port)


@pytest.fixture
def writes(monkeypatch) -> list[bytes]:
    """What the server writes to its sockets, a write at a time."""
    written = []
    send = ShellChannel.send

    def recorded(channel, data, do_close=True):
        written.append(bytes(data))
        return send(channel, data, do_close)

    monkeypatch.setattr(ShellChannel, "send", recorded)
    return written


def test_a_small_answer_leaves_in_one_write(server, writes):
    """waitress wrote an answer's headers and its body apart: two packets, and two wake-ups of
    the client, for every small answer."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    for _ in range(2):  # and the connection still serves the next request
        connection.request("GET", "/")
        assert connection.getresponse().read() == b"hello"
    connection.close()
    assert len(writes) == 2
    assert all(write.startswith(b"HTTP/1.1 200 OK\r\n") and write.endswith(b"\r\n\r\nhello") for write in writes)


ROWS = 200_000


def csv_rows(environ, start_response):
    """Django's own example of a large CSV export: a StreamingHttpResponse of one row a chunk."""
    start_response("200 OK", [("Content-Type", "text/csv")])
    return (f"{number},name {number},Zürich\r\n".encode() for number in range(ROWS))


def test_an_answer_streamed_a_row_at_a_time_leaves_in_large_writes(writes):
    """waitress sent each chunk of a streamed answer in a write and a packet of its own, its loop
    woken for each: a 200,000-row CSV export took 5.6 s, 0.7 s of it making the rows (made 1,000
    rows a chunk, it took 0.23 s)."""
    running = ServerThread(csv_rows, bind_loopback(0)).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        connection.request("GET", "/")
        body = connection.getresponse().read()
        connection.close()
    finally:
        running.stop()
    assert body == b"".join(csv_rows({}, lambda *args: None))
    assert len(writes) < len(body) // (16 * 1024)


def answers_sent_together(port: int, count: int, last_words: bytes) -> bytes:
    """count GET requests sent at once on one connection, and what comes back until the last
    answer's last_words have."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * count)
        answers = b""
        while answers.count(last_words) < count:
            part = client.recv(65536)
            assert part, f"the connection closed after {answers.count(last_words)} answers of {count}"
            answers += part
    return answers


def csv_written_row_by_row(environ, start_response):
    """Django's "Outputting CSV" example: csv.writer on an HttpResponse, a part a row, its length known."""
    rows = [b"name,price\r\n", b"Green tea,4.50\r\n", b"Espresso,18.90\r\n"]
    start_response("200 OK", [("Content-Type", "text/csv"), ("Content-Length", str(sum(map(len, rows))))])
    return rows


def test_an_answer_of_known_length_in_several_parts_is_sent_whole_on_a_connection_kept_open(caplog):
    """An admin action's CSV written row by row: the log said "application returned too few bytes
    (32) for specified Content-Length (141)", as if the download were cut short, and the connection
    was closed after it; the parts held back were sent after waitress had counted them missing."""
    running = ServerThread(csv_written_row_by_row, bind_loopback(0)).start()
    try:
        with caplog.at_level(logging.WARNING):
            answers = answers_sent_together(running.port, 2, b"Espresso,18.90")
    finally:
        running.stop()
    assert answers.count(b"name,price\r\nGreen tea,4.50\r\nEspresso,18.90\r\n") == 2
    assert not [record.getMessage() for record in caplog.records if "too few bytes" in record.getMessage()]


def test_a_chunk_followed_by_a_wait_leaves_at_once():
    """A page's event stream: an event, then nothing until the job's next step."""
    next_step = threading.Event()

    def events(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/event-stream")])
        yield b": connected\n\n"
        yield b"data: started\n\n"
        next_step.wait(30)
        yield b"data: done\n\n"

    running = ServerThread(events, bind_loopback(0)).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        connection.request("GET", "/")
        response = connection.getresponse()
        received = b""
        while len(received) < len(b": connected\n\ndata: started\n\n"):
            received += response.read1()
        assert received == b": connected\n\ndata: started\n\n"
        next_step.set()
        assert response.read() == b"data: done\n\n"
        connection.close()
    finally:
        next_step.set()
        running.stop()


def test_an_answer_its_page_does_not_read_holds_back_no_other_page_s_events():
    """The web view reads nothing of a download while its save dialog is open: a streamed export
    then waits for it, and another page's event stream must not."""
    next_step = threading.Event()

    def events():
        yield b": connected\n\n"
        yield b"data: started\n\n"
        next_step.wait(30)

    def site(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        if environ["PATH_INFO"] == "/export":
            return (b"x" * 1000 for _ in range(100_000))  # 100 MB, a part at a time
        return events()

    running = ServerThread(site, bind_loopback(0)).start()
    try:
        export = socket.create_connection(("127.0.0.1", running.port), timeout=5)
        export.sendall(f"GET /export HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n\r\n".encode())
        time.sleep(1)  # the export fills what the server holds for it, and waits
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        connection.request("GET", "/events")
        response = connection.getresponse()
        received = b""
        while len(received) < len(b": connected\n\ndata: started\n\n"):
            received += response.read1()  # before: a timeout
        assert received == b": connected\n\ndata: started\n\n"
        next_step.set()
        connection.close()
        export.close()
    finally:
        next_step.set()
        running.stop()


@pytest.mark.parametrize("app, method, status, body", [
    (streamed, "GET", 200, b"first second third"),  # no length: sent in chunks
    (no_content, "GET", 204, b""),  # a body HTTP forbids is left out
    (hello, "HEAD", 200, b""),
])
def test_answers_whose_body_is_chunked_or_left_out_arrive_whole(app, method, status, body):
    running = ServerThread(app, bind_loopback(0)).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        for _ in range(2):
            connection.request(method, "/")
            response = connection.getresponse()
            assert (response.status, response.read()) == (status, body)
        connection.close()
    finally:
        running.stop()


def test_a_head_of_a_file_download_reads_none_of_the_file():
    """A HEAD of a FileResponse (a page asking a download's size first) read the whole file to
    drop it: 2.6 s for a 1.5 GB one."""
    parts_read = []

    def large_file(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", "1572864000")])
        return (parts_read.append(number) or b"x" * 8192 for number in range(192_000))

    running = ServerThread(large_file, bind_loopback(0)).start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        connection.request("HEAD", "/")
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Length"), response.read()) == (200, "1572864000", b"")
        connection.close()
    finally:
        running.stop()
    assert parts_read == []


def test_every_launch_uses_the_home_port_and_one_that_finds_it_taken_leaves_it_for_the_next(tmp_path):
    first = bind_for(tmp_path, 0)
    home = first.getsockname()[1]
    assert home in HOME_PORTS  # below the ports outgoing connections are given
    first.close()
    again = bind_for(tmp_path, 0)
    assert again.getsockname()[1] == home
    again.listen()
    # Another program listens on it (the socket above): this launch goes elsewhere...
    elsewhere = bind_for(tmp_path, 0)
    assert elsewhere.getsockname()[1] != home
    again.close()
    elsewhere.close()
    # ...and the next one is home again, where the page's unsaved edits are kept.
    back = bind_for(tmp_path, 0)
    assert back.getsockname()[1] == home
    back.close()


@pytest.mark.parametrize("framing, chunked", [("Transfer-Encoding: chunked", True), ("Content-Length: 5", False)])
def test_the_body_guard_is_told_a_body_is_chunked(framing, chunked):
    """waitress's parser keeps no Transfer-Encoding header: a guard that looked for one read a
    stranger's chunked body as none, and had it spooled to disk."""
    environ = environ_the_body_guard_gets(f"POST /api/notes/ HTTP/1.1\nHost: 127.0.0.1\n{framing}")
    assert environ[CHUNKED_BODY] is chunked and "HTTP_TRANSFER_ENCODING" not in environ


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET / HTTP/1.1\r\nHost: x\r\n<script>alert(1)</script>\r\n\r\n", 400),  # waitress echoes the line
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),
])
def test_waitress_s_own_answer_to_a_request_it_cannot_parse_has_the_security_headers(request_bytes, status):
    """It came before Django, text/plain, without nosniff, a frame refusal or a policy: the one
    answer of the app without them."""
    running = ServerThread(hello, bind_loopback(0)).start()
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as client:
            client.sendall(request_bytes)
            answer = http.client.HTTPResponse(client)
            answer.begin()
            assert answer.status == status
            assert answer.getheader("X-Content-Type-Options") == "nosniff"
            assert answer.getheader("X-Frame-Options") == "DENY"
            assert answer.getheader("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'"
    finally:
        running.stop()


class HeldRequests:
    """A site whose /held/<name> requests run until the test releases them, as a long report or a
    long poll does, and whose /stream/<name> answers send a first part and then wait, as an event
    stream does; any other path answers at once."""

    def __init__(self):
        self.releases = {}
        self.started = threading.Semaphore(0)

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path.startswith("/stream/"):
            start_response("200 OK", [("Content-Type", "text/event-stream")])
            return self.stream(path)
        if path.startswith("/held/"):
            self.started.release()
            self.releases.setdefault(path, threading.Event()).wait(30)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [path.encode()]

    def stream(self, path: str):
        yield b"data: first\n\n"
        self.started.release()
        self.releases[path].wait(30)
        yield b"data: last\n\n"

    def hold(self, running: ServerThread, *paths: str) -> list[threading.Thread]:
        for path in paths:
            self.releases[path] = threading.Event()
        requests = [threading.Thread(target=get, args=(running.port, path)) for path in paths]
        for request in requests:
            request.start()
        for _ in paths:
            assert self.started.acquire(timeout=30)
        return requests


def get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().read()
    finally:
        connection.close()


def test_the_site_s_thread_count_serves_a_page_while_long_requests_hold_the_others():
    """A 20 s report and two pages' event streams held all four threads of the server, and every
    other request of the window waited for one of them to end. A site that sets
    DESKTOP_SERVER_THREADS gets that many, also on a server started before the site (a kept start page)."""
    site = HeldRequests()
    running = ServerThread(site, bind_loopback(0), threads=1).start()
    try:
        running.take_site_settings(limit=1024, threads=4)
        held = site.hold(running, "/held/report", "/held/events-1", "/held/events-2")
        assert get(running.port, "/notes/") == b"/notes/"
        for release in site.releases.values():
            release.set()
        for request in held:
            request.join(30)
    finally:
        running.stop()


def test_a_request_that_waited_for_a_thread_is_logged_with_what_held_them(monkeypatch, caplog):
    """With every thread held, the window's next request waited without a word anywhere (waitress's
    own "Task queue depth" warning is silenced as noise): the developer could not tell why."""
    monkeypatch.setattr(server_module, "WAIT_FOR_A_THREAD_LOGGED_S", 0.0)
    site = HeldRequests()
    running = ServerThread(site, bind_loopback(0), threads=2).start()
    try:
        held = site.hold(running, "/held/report", "/held/events")
        waiting = threading.Thread(target=get, args=(running.port, "/notes/"))
        with caplog.at_level(logging.WARNING, logger=server_module.logger.name):
            waiting.start()
            dispatcher = running.server.task_dispatcher
            deadline = time.monotonic() + 30
            while not dispatcher.queue and time.monotonic() < deadline:  # the request is waiting for a thread
                time.sleep(0.01)
            site.releases["/held/report"].set()
            waiting.join(30)
        site.releases["/held/events"].set()
        for request in held:
            request.join(30)
    finally:
        running.stop()
    logged = [record.getMessage() for record in caplog.records if "A request to /notes/ waited" in record.getMessage()]
    assert len(logged) == 1
    assert "for a free server thread: all 2 were busy (still running: /held/events for " in logged[0]
    assert "raise DESKTOP_SERVER_THREADS in the settings" in logged[0]


def test_a_closing_window_waits_for_requests_still_running_but_not_for_a_page_s_event_stream():
    """With an event stream open, every close of the window waited its whole 1.2 s: the stream
    never let the server be quiet. It still waits for a request whose answer has not begun (a
    save the page sent as it was told it is closing)."""
    site = HeldRequests()
    running = ServerThread(site, bind_loopback(0), threads=3).start()
    try:
        stream = threading.Thread(target=get, args=(running.port, "/stream/events"))
        site.releases["/stream/events"] = threading.Event()
        stream.start()
        assert site.started.acquire(timeout=30)
        while not all(channel.streaming for channel, _, _ in list(running.server.task_dispatcher.serving.values())):
            time.sleep(0.01)  # its first event is on its way
        closing = threading.Thread(target=running.wait_until_quiet, args=(0.15, 60.0))
        closing.start()
        closing.join(30)
        assert not closing.is_alive()
        last_save = site.hold(running, "/held/last-save")
        closing = threading.Thread(target=running.wait_until_quiet, args=(0.15, 60.0))
        closing.start()
        closing.join(0.5)
        assert closing.is_alive()  # the save is still running
        site.releases["/held/last-save"].set()
        closing.join(30)
        assert not closing.is_alive()
        site.releases["/stream/events"].set()
        for request in [stream, *last_save]:
            request.join(30)
    finally:
        running.stop()


def test_a_long_poll_can_tell_that_its_page_has_gone():
    """A page reloaded or closed during a long poll left the poll holding its server thread to the
    end of its wait: waitress did not read the connection while it served it, so its
    `waitress.client_disconnected` never said the page had gone."""
    polling, gone = threading.Event(), threading.Event()

    def long_poll(environ, start_response):
        polling.set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not gone.is_set():
            if environ["waitress.client_disconnected"]():
                gone.set()
            time.sleep(0.02)
        start_response("204 No Content", [])
        return []

    running = ServerThread(long_poll, bind_loopback(0), threads=1).start()
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as page:
            page.sendall(b"GET /poll HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert polling.wait(30)
        assert gone.wait(30)
        assert get(running.port, "/after") == b""  # the thread is free for the next request
    finally:
        gone.set()
        running.stop()


def test_a_closing_window_waits_for_a_request_whose_body_is_still_arriving():
    """A save of a whole book (a megabyte) still on its way counted as quiet, and the window closed
    under it: waitress logged "Client disconnected", and the words typed last were lost."""
    running = ServerThread(hello, bind_loopback(0), threads=2).start()
    try:
        with socket.create_connection((LOOPBACK, running.port), timeout=10) as connection:
            connection.sendall(b"PATCH /api/notes/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n")
            connection.sendall(b"x" * 1000)
            while not any(getattr(channel, "request", None) for channel in list(running.server._map.values())):
                time.sleep(0.01)
            closing = threading.Thread(target=running.wait_until_quiet, args=(0.15, 60.0))
            closing.start()
            closing.join(0.5)
            assert closing.is_alive()  # the body is still arriving
            connection.sendall(b"x" * 999_000)
            closing.join(30)
            assert not closing.is_alive()
    finally:
        running.stop()


def test_requests_sent_together_on_one_connection_are_each_answered_without_an_error(caplog):
    """waitress queues a connection again as it ends one of its requests, so that the next may begin
    on another thread first: the server lost track of which thread served what, and answered the
    8-client soak with "Exception when servicing" (KeyError) and dropped connections."""
    running = ServerThread(hello, bind_loopback(0), threads=4).start()
    try:
        with caplog.at_level(logging.ERROR):
            for _ in range(50):
                answers_sent_together(running.port, 8, b"hello")
    finally:
        running.stop()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
