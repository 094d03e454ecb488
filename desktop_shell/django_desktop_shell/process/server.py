"""The Django site served by waitress on a loopback socket, in a daemon thread."""

import errno
import heapq
import http.client
import itertools
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import waitress
from waitress import wasyncore
from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import Error

from django_desktop_shell.files import write_file
from django_desktop_shell.process.errors import StartupError, see_the_log

LOOPBACK = "127.0.0.1"
# Below the ephemeral ports of Linux (32768–60999), Windows and macOS (49152–65535).
HOME_PORTS = range(20000, 32768)
HOME_PORT_FILE = "last_port"  # the name it has had since before it was a home port
# The most a request's line and headers may take (waitress's default is 256 KB): the window's and
# a browser's are a few KB. A connection without the session can make the server hold this much.
MAX_HEADER_BYTES = 64 * 1024
# waitress's own error answers (PlainErrorTask): plain text that nothing may sniff, frame or run.
PLAIN_ERROR_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Referrer-Policy", "same-origin"),
)
WSAEADDRINUSE = 10048
# An error escaping waitress's loop this often is not a passing one: the thread gives up.
LOOP_FAILURES_ALLOWED = 10
LOOP_FAILURE_WINDOW_S = 10.0
# A request that waited this long for a server thread is logged, with what held every thread.
WAIT_FOR_A_THREAD_LOGGED_S = 1.0
# The server's threads, unless the site's DESKTOP_SERVER_THREADS says otherwise (docs/performance.md: 1, 2, 4, 8).
DEFAULT_THREADS = 4
# A streamed answer's chunks are sent together once they make HELD_BYTES, or once the first of
# them has waited HELD_S (OneWriteTask).
HELD_BYTES = 64 * 1024
HELD_S = 0.002
# How long they wait to be tried again while their page reads nothing (a download's save dialog can
# be open for minutes, and the thread should not wake 500 times a second meanwhile).
HELD_RETRY_S = 0.05
logger = logging.getLogger(__name__)
FAILING_HEALTH_CHECK_INTERVAL = 0.5  # seconds
# The longest a stop waits for the requests still running (a long poll holds one to the end).
STOP_WAIT_S = 1.5


def bind_loopback(port: int) -> socket.socket:
    """Bind 127.0.0.1:port (0: any free port) before Django starts, so its settings know the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name == "nt":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    else:
        # Lets a restart reuse a port whose old connections linger in TIME_WAIT. On POSIX it
        # never lets two servers listen on one port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE or getattr(error, "winerror", None) == WSAEADDRINUSE:
            raise StartupError(
                f"Port {port} on {LOOPBACK} is already in use. Choose another with --port, or leave it out to pick a free one."
            ) from None
        raise StartupError(f"Cannot listen on {LOOPBACK}:{port}: {error.strerror}.") from None
    return sock


def origin_of(sock: socket.socket) -> str:
    return f"http://{LOOPBACK}:{sock.getsockname()[1]}"


def bind_for(data_dir: Path, requested_port: int) -> socket.socket:
    """Bind the requested port; without one, the app's home port: the page's storage, where it
    keeps the edits it has not saved yet, belongs to its origin, port included, so every launch
    uses the port the first one chose (kept in the data folder). While another program holds it,
    a launch takes any free port and leaves the home port as it is."""
    if requested_port:
        return bind_loopback(requested_port)
    home_port = home_port_of(data_dir)
    if home_port is not None:
        try:
            return bind_loopback(home_port)
        except (OSError, StartupError) as error:
            sock = bind_loopback(0)
            logger.warning("The app's own port %d is taken (%s): this launch uses port %d. Edits its page had not "
                           "saved are kept for that port and come back at a launch on it.", home_port, error,
                           sock.getsockname()[1])
            return sock
    sock = bind_new_home_port()
    write_file(data_dir / HOME_PORT_FILE, str(sock.getsockname()[1]).encode())
    return sock


def home_port_of(data_dir: Path) -> int | None:
    """The port the data folder's first launch chose, which every launch uses while it is free."""
    try:
        return int((data_dir / HOME_PORT_FILE).read_text())
    except (OSError, ValueError):
        return None


def bind_new_home_port() -> socket.socket:
    """A free port below those the OS hands outgoing connections, so that another program's
    connection is unlikely to be holding it at a later launch."""
    for port in random.sample(HOME_PORTS, 20):
        try:
            return bind_loopback(port)
        except (OSError, StartupError):
            continue
    return bind_loopback(0)


def without_head_bodies(app):
    """HTTP forbids a body in the answer to HEAD, and a client reusing the connection would read
    one as the next answer. Django leaves dropping it to the server, and waitress sends what it
    gets (or, given no Content-Length, chunks an empty body): so the body is dropped here, and its
    length given as a GET would have it. The body is read for its length only when the answer does
    not say it: a FileResponse's does, and a HEAD of a 1.5 GB download read the file (2.6 s)."""

    def application(environ, start_response):
        if environ["REQUEST_METHOD"] != "HEAD":
            return app(environ, start_response)
        answer = []
        body = app(environ, lambda status, headers, exc_info=None: answer.append((status, headers, exc_info)))
        try:
            # An app may call start_response at its body's first part (PEP 3333), so not yet here.
            declared = answer and any(name.lower() == "content-length" for name, _ in answer[-1][1])
            length = None if declared else sum(len(part) for part in body)
        finally:
            if hasattr(body, "close"):
                body.close()
        status, headers, exc_info = answer[-1]
        if length is not None:
            headers = [*headers, ("Content-Length", str(length))]
        start_response(status, headers, exc_info)
        return []

    return application


# A WSGI status line, headers and body.
Answer = tuple[str, list[tuple[str, str]], bytes]
# In the environ a BodyGuard's refusal gets: whether the body is chunked, so of a length no header
# says. waitress's parser takes Transfer-Encoding out of the headers it keeps.
CHUNKED_BODY = "django_desktop_shell.chunked_body"


@dataclass(frozen=True)
class BodyGuard:
    """What a request's body may be, decided from its headers before a byte of the body is kept.

    waitress reads a whole body (into memory, then a temporary file past 512 KB) before the app
    sees the request, so a check in the app comes after the cost. `limit` is the largest body read
    at all. `refusal`, given the WSGI environ of a request that has a body (without it), returns
    the answer to send instead, or None; and whether the sender is admitted (the app's own page).
    A stranger's connection is closed after the answer, its body unread. An admitted sender's body
    is read and dropped, never kept, and then answered: a browser that is still sending when the
    connection closes reports a network error, not the answer."""

    limit: int
    refusal: Callable[[dict], tuple[Answer, bool] | None]
    # The answer to a body whose spool, a temporary file, could not take it (a full disk), given
    # the environ and the error; the rest of the body is read and dropped, and the spool deleted.
    unkept: Callable[[dict, OSError], Answer]


class RefusedBody(Error):
    """A request answered from its headers: waitress sends the answer and closes the connection,
    so an unread body is never taken as a next request."""

    def __init__(self, answer: Answer):
        super().__init__(answer[2])
        self.answer = answer

    def to_response(self, ident=None) -> Answer:
        return self.answer


class OneWriteTask(WSGITask):
    """waitress sends an answer's status line and headers, then each part of its body, each in a
    write of its own to the socket: a small answer went out as two packets, which cost the server
    a system call and the client a second wake-up (an eighth of the server's CPU time on a small
    JSON answer at 8 clients, docs/performance.md). Here the headers go out with the body's first
    part.

    The parts after it are held and sent together (HELD_BYTES, HELD_S): a streamed CSV export of
    one row a part, Django's own example, went out a row a packet, the server's loop woken for
    each, and 200,000 rows took 5.6 s, 0.7 s of it making them."""

    def __init__(self, channel, request):
        super().__init__(channel, request)
        self.holding = threading.Lock()
        self.held: list[bytes] = []
        self.held_size = 0

    def write(self, data):
        if not data:
            return super().write(data)
        if not self.wrote_header:
            with self.channel.writes_joined():
                super().write(data)
            self.channel.streaming = True
            return
        if not self.channel.connected:  # as waitress's own write: the app hears at once that the page has gone
            raise ClientDisconnected
        with self.holding:
            self.held.append(data)
            self.held_size += len(data)
            # An answer of known length goes once it is all there: waitress counts what was written
            # as its app's iteration ends, and closes the connection on an answer it finds short.
            whole = self.content_length is not None and self.content_bytes_written + self.held_size >= self.content_length
            if self.held_size < HELD_BYTES and not whole:
                if len(self.held) == 1:
                    held_parts.send_later(self)
                return
        self.send_held()

    def send_held(self) -> None:
        with self.holding:  # kept while they are written: parts the app writes meanwhile go after them
            self.write_held()

    def send_held_unless_busy(self) -> float | None:
        """send_held for HeldParts' thread, which serves every answer and so must not wait: not for
        the task's own thread, nor for a page that reads nothing (the web view, while a download's
        save dialog is open), whose answer already holds as much as waitress lets a write add to.
        None once sent; else how long to wait before trying again."""
        if not self.holding.acquire(blocking=False):
            return HELD_S
        try:
            if self.channel.total_outbufs_len > self.channel.adj.outbuf_high_watermark:
                return HELD_RETRY_S
            self.write_held()
            return None
        finally:
            self.holding.release()

    def write_held(self) -> None:
        if self.held:
            parts, self.held, self.held_size = self.held, [], 0
            super().write(b"".join(parts))

    def finish(self):
        self.send_held()
        super().finish()


class HeldParts:
    """The thread that sends the parts a streamed answer holds once the first has waited HELD_S: an
    event stream's event, followed by a wait for the job's next step, leaves within HELD_S."""

    def __init__(self):
        self.due: list[tuple[float, int, OneWriteTask]] = []  # a heap, by when
        self.order = itertools.count()  # breaks ties, which tasks cannot
        self.changed = threading.Condition()
        self.thread: threading.Thread | None = None

    def send_later(self, task: OneWriteTask, delay: float = HELD_S) -> None:
        with self.changed:
            heapq.heappush(self.due, (time.monotonic() + delay, next(self.order), task))
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="desktop-held-parts", daemon=True)
                self.thread.start()
            self.changed.notify()

    def run(self) -> None:
        while True:
            with self.changed:
                while not self.due or (wait := self.due[0][0] - time.monotonic()) > 0:
                    self.changed.wait(wait if self.due else None)
                task = heapq.heappop(self.due)[2]
            with suppress(ClientDisconnected):  # the page has gone: its app hears so at its next write
                if (again_in := task.send_held_unless_busy()) is not None:
                    self.send_later(task, again_in)


held_parts = HeldParts()


class PlainErrorTask(ErrorTask):
    """waitress's own answer to a request it cannot parse (a malformed header line, a 400 that
    quotes the line; headers over MAX_HEADER_BYTES, a 431), made before Django sees the request:
    with the headers every other answer of the app has, so that no browser sniffs it as another
    type, frames it or runs anything in it. A body guard's refusal (RefusedBody) has them already."""

    def execute(self):
        _, headers, _ = self.request.error.to_response(self.channel.server.adj.ident)
        present = {name.lower() for name, _ in headers}
        self.response_headers.extend(header for header in PLAIN_ERROR_HEADERS if header[0].lower() not in present)
        super().execute()


class Dispatcher(ThreadedTaskDispatcher):
    """waitress's pool of server threads, which notes when each request begins to wait for one and
    what each thread is serving: with every thread held (a long report, an event stream per page,
    a long poll), the next request waits, and the window with it, until one is free."""

    def __init__(self, threads_setting: str):
        super().__init__()
        self.threads_setting = threads_setting  # what the log tells the developer to raise
        # By server thread: a channel with more requests queues itself again at the end of its
        # service, so that its next one may begin on another thread before this one has ended.
        self.serving: dict[int, tuple["ShellChannel", str, float]] = {}  # each set or taken in one call, under the GIL

    def add_task(self, task):
        task.queued_at = time.monotonic()
        super().add_task(task)

    def begin_serving(self, channel: "ShellChannel", path: str) -> None:
        now = time.monotonic()
        waited = now - channel.queued_at
        if waited >= WAIT_FOR_A_THREAD_LOGGED_S:
            held_by = sorted(list(self.serving.values()), key=lambda held: held[2])
            logger.warning(
                "A request to %s waited %.1f s for a free server thread: all %d were busy (still running: %s). "
                "An event stream or a long poll holds one for as long as it lasts: if these are expected, raise %s",
                path, waited, len(self.threads),
                ", ".join(f"{held_path} for {now - since:.1f} s" for _, held_path, since in held_by) or "none",
                self.threads_setting)
        self.serving[threading.get_ident()] = (channel, path, now)


class ShellChannel(HTTPChannel):
    task_class = OneWriteTask
    error_task_class = PlainErrorTask
    joined: list[bytes] | None = None  # while a task's writes are being joined: what they wrote
    queued_at = 0.0  # when its request was handed to the server's threads (Dispatcher.add_task)
    streaming = False  # the answer being served has sent its headers and a first part, more to come

    def service(self):
        self.streaming = False
        dispatcher = self.server.task_dispatcher
        # A request waitress could not parse has no path: it answers it with an error.
        dispatcher.begin_serving(self, getattr(self.requests[0], "path", "(unreadable)"))
        try:
            super().service()
        finally:
            del dispatcher.serving[threading.get_ident()]

    @contextmanager
    def writes_joined(self):
        self.joined = []
        try:
            yield
        finally:
            parts, self.joined = self.joined, None
        super().write_soon(b"".join(parts))

    def write_soon(self, data):
        if self.joined is None:
            return super().write_soon(data)
        self.joined.append(data)
        return len(data)


def guarded_channel(guard: BodyGuard) -> type[HTTPChannel]:
    class GuardedParser(HTTPRequestParser):
        dropping = 0  # bytes of a refused body still to read and drop

        def received(self, data):
            if self.dropping:
                dropped = min(len(data), self.dropping)
                self.dropping -= dropped
                self.completed = not self.dropping
                return dropped
            try:
                consumed = super().received(data)
            except OSError as error:  # from the body's spool, and so of a body admitted and within the limit
                return self.refuse_unkept(data, error)
            if self.dropping:  # refused from the headers just parsed: not complete until the body is dropped
                self.completed = False
            return consumed

        def refuse_unkept(self, data: bytes, error: OSError) -> int:
            # The part that failed is not yet taken off what remains. A chunked body's length is
            # unknown: only this part is dropped, and its connection closes after the answer.
            unread = getattr(self.body_rcv, "remain", len(data))
            with suppress(OSError):  # closing flushes what it holds, which fails as the write did: it closes all the same
                self.body_rcv.getbuf().close()  # its temporary file, and the room it took
            self.body_rcv = None
            self.error = RefusedBody(guard.unkept(self.environ(), error))
            consumed = min(len(data), unread)
            self.dropping = unread - consumed
            self.completed = not self.dropping
            return consumed

        def parse_header(self, header_plus):
            super().parse_header(header_plus)
            if not (self.chunked or self.content_length):
                return
            refused = guard.refusal(self.environ())
            if refused:
                answer, admitted = refused
                self.error = RefusedBody(answer)
                self.completed = True
                self.dropping = self.content_length if admitted else 0
                # No body to keep, and no "100 Continue" asking for one.
                self.body_rcv, self.content_length, self.chunked, self.expect_continue = None, 0, False, False

        def environ(self) -> dict:
            environ = {"REQUEST_METHOD": self.command, "PATH_INFO": self.path, "QUERY_STRING": self.query,
                       CHUNKED_BODY: self.chunked}
            for key, value in self.headers.items():
                environ[key if key in ("CONTENT_LENGTH", "CONTENT_TYPE") else f"HTTP_{key}"] = value
            return environ

    class GuardedChannel(ShellChannel):
        parser_class = GuardedParser

    return GuardedChannel


def create_server(app, *, threads: int, threads_setting: str, **options):
    """waitress's server, on the shell's pool of threads (Dispatcher), which its channels (ShellChannel)
    need. `threads_setting`: where the developer raises `threads`."""
    server = waitress.create_server(app, threads=threads, _dispatcher=Dispatcher(threads_setting), **options)
    server.task_dispatcher.set_thread_count(threads)  # waitress does so only for a dispatcher of its own
    return server


class ServerThread:
    def __init__(self, app, sock: socket.socket, *, threads: int = DEFAULT_THREADS, launch_path: str = "/",
                 launch_origin: str = "", ident: str = "desktop-shell", body_guard: BodyGuard | None = None):
        self.server = create_server(
            without_head_bodies(app), threads=threads, threads_setting="DESKTOP_SERVER_THREADS in the settings",
            sockets=[sock], ident=ident, clear_untrusted_proxy_headers=True, max_request_header_size=MAX_HEADER_BYTES,
            # The connection is read while its request is served, so that a long poll can ask
            # request.META["waitress.client_disconnected"]() whether its page is still there.
            channel_request_lookahead=1,
            # waitress refuses a body of max_request_body_size bytes or more; a chunked one as it comes.
            **({"max_request_body_size": body_guard.limit + 1} if body_guard else {}),
        )
        self.server.channel_class = guarded_channel(body_guard) if body_guard else ShellChannel
        self.port = sock.getsockname()[1]
        self.origin = origin_of(sock)
        self.launch_url = (launch_origin or self.origin) + launch_path  # carries the launch secret: never log it
        self.thread = threading.Thread(target=self.serve, name="desktop-server", daemon=True)

    def take_site_settings(self, limit: int, threads: int) -> None:
        """The largest body and the number of threads, for a server started before the site that sets
        them (process/start_page.py): waitress reads the limit as each request's body comes."""
        self.server.adj.max_request_body_size = limit + 1
        self.server.task_dispatcher.set_thread_count(threads)

    def serve(self) -> None:
        """waitress's loop. Errors in requests never reach here (waitress answers and logs them);
        one that escapes the loop itself is a bug, but the window must not be left talking to a
        dead server: log it and go on, unless it keeps happening."""
        failures: list[float] = []
        while True:
            try:
                self.server.run()
                return  # stop() emptied the loop's map
            except Exception:
                now = time.monotonic()
                failures = [moment for moment in failures if now - moment < LOOP_FAILURE_WINDOW_S] + [now]
                if len(failures) > LOOP_FAILURES_ALLOWED:
                    logger.critical("The server loop keeps failing; the server stops")
                    raise
                logger.exception("Error in the server loop; serving goes on")

    def start(self) -> "ServerThread":
        self.thread.start()
        return self

    def stop(self, timeout: float = STOP_WAIT_S) -> None:
        """Close the open connections, let the worker threads finish, all within `timeout`, then close
        the listening socket and waitress's trigger: until then this thread and the workers may write to it."""
        deadline = time.monotonic() + timeout
        if self.thread.is_alive():
            self.server.trigger.pull_trigger(self.leave_loop)
            self.thread.join(timeout)
        self.server.task_dispatcher.shutdown(timeout=max(0.0, deadline - time.monotonic()))
        wasyncore.close_all(self.server._map)  # anything the loop did not get to
        self.server.close()

    def leave_loop(self) -> None:
        """Runs on the loop thread, which ends once its map is empty. The listening socket and the
        trigger only leave the map: the loop can run this before pull_trigger has written its
        wake-up byte, and a write to a closed descriptor fails, or lands in whatever file reused
        its number."""
        for channel in list(self.server._map.values()):
            if channel not in (self.server, self.server.trigger):
                channel.close()
        self.server.del_channel()
        self.server.trigger.del_channel()

    def wait_until_quiet(self, quiet_s: float, timeout: float) -> None:
        """Return once no request has waited or run for `quiet_s`, or after `timeout`. An answer
        already streaming (a page's event stream, a download) does not count: it held a closing
        window for the whole timeout; stop() gives it the time it takes to end, as it does any
        request still running."""
        dispatcher = self.server.task_dispatcher
        start = quiet_since = time.monotonic()
        while (now := time.monotonic()) - start < timeout:
            # A request still arriving is one too: a save of a whole book is a megabyte on its way.
            receiving = any(getattr(channel, "request", None) is not None for channel in list(self.server._map.values()))
            busy = receiving or dispatcher.queue or not all(channel.streaming for channel, _, _ in list(dispatcher.serving.values()))
            if busy:
                quiet_since = now
            elif now - quiet_since >= quiet_s:
                return
            time.sleep(0.02)

    def wait_until_ready(self, path: str, headers: dict[str, str], timeout: float = 15.0) -> None:
        """Poll `path` until it answers 200, or give up with a StartupError at the deadline."""
        deadline = time.monotonic() + timeout
        last_problem, failing = "no answer", False
        while time.monotonic() < deadline:
            if not self.thread.is_alive():
                raise StartupError("The app's server stopped while starting. " + see_the_log("The log, {}, says why."))
            connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=1)
            try:
                connection.request("GET", path, headers=headers)
                status = connection.getresponse().status
                if status == 200:
                    return
                last_problem, failing = f"it answered {status}", status >= 500
            except OSError as error:
                last_problem = str(error)
            finally:
                connection.close()
            # Django logs each 500 with its traceback: asked every 10 ms, one launch's filled the log.
            time.sleep(FAILING_HEALTH_CHECK_INTERVAL if failing else 0.01)
        # A 500 is the site's code failing (a middleware, a setting): the log has the traceback.
        why = f" {see_the_log('The log, {}, says why.')}" if failing else ""
        raise StartupError(f"The app's server did not become ready within {timeout:.0f} s ({last_problem}).{why}")
