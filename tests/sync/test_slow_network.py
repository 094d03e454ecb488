"""A slow network, as on a train's wifi or a phone's hotspot (docs/sync.md, Failures): a server that
is slow but keeps answering is waited for, one that goes silent is said to be too slow."""

import socket
import threading
import time

import pytest

from embedded_site.sync import client
from tests.sync.conftest import Device, poll


class SlowReader:
    """A stand-in server that reads a request's body at `rate` bytes a second, steadily, and then
    answers 201 with Notedesk's JSON; `silent` makes it read nothing and answer nothing."""

    def __init__(self, rate: int = 0, silent: bool = False):
        self.rate, self.silent = rate, silent
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.received = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        connection, _ = self.listener.accept()
        # A window of a few pieces, as on a slow link: the device's sending waits on the reading.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)
        with connection:
            head = b""
            while b"\r\n\r\n" not in head:
                head += connection.recv(1)
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
            if self.silent:
                time.sleep(10)
                return
            while self.received < length:
                wanted = min(self.received + self.rate // 10, length)
                while self.received < wanted:
                    self.received += len(connection.recv(wanted - self.received))
                time.sleep(0.1)
            answer = b'{"protocol": 1, "sha256": "x"}'
            connection.sendall(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                               b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer))

    def close(self) -> None:
        self.listener.close()


class SilentServer:
    """A stand-in server that takes every connection and never answers, as a proxy that hangs does."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.held: list[socket.socket] = []
        threading.Thread(target=self.hold, daemon=True).start()

    def hold(self) -> None:
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def holds_a_round(self, device: Device) -> bool:
        return bool(self.held)

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


class SilentTLSServer(SilentServer):
    """A stand-in HTTPS server that takes every connection and never answers its TLS handshake."""

    def __init__(self):
        super().__init__()
        self.url = self.url.replace("http://", "https://", 1)


class UnansweredServer:
    """A stand-in server whose connections are never answered, as behind a firewall that drops them:
    its queue of connections is full, so the system drops each new one's opening packet."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=0)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.queued = [socket.socket() for _ in range(3)]
        for connection in self.queued:
            connection.setblocking(False)
            connection.connect_ex(self.listener.getsockname())

    def holds_a_round(self, device: Device) -> bool:
        return device.status()["syncing"]  # and its connecting, a moment later or after Disconnect

    def close(self) -> None:
        for connection in [self.listener, *self.queued]:
            connection.close()


@pytest.fixture
def short_timeout(monkeypatch):
    """The device gives up on a silent server after 2 s rather than 30, so that a test can outlast it."""
    monkeypatch.setattr(client, "TIMEOUT", 2)


def test_an_upload_slower_than_the_timeout_but_never_silent_goes_through(short_timeout):
    """An attachment of a few MB on a link of a few hundred kbit/s takes minutes to send: until
    this, the device gave it 30 s in all, said "cannot be reached: timed out", and began it again
    from the start at the next round, for ever. Then it gave the answer 30 s from the moment the
    last of the body was handed to the system, which takes in hundreds of KB more than a slow
    link carries in that time: the server had it all, and answered, after the device had given up."""
    # 6 s for the whole, never 2 s without progress: more than the buffers on the way take in 2 s,
    # and more of it still in them, once handed over, than is read in 2 s.
    content = b"x" * (9 * 1024 * 1024)
    server = SlowReader(rate=3 * 1024 * 1024 // 2)
    try:
        answer = client.Server(server.url, "token", "client").call("PUT", "contents/x/", body=content)
    finally:
        server.close()
    assert server.received == len(content)
    assert b'"protocol": 1' in answer


def test_a_server_that_stops_answering_is_said_to_be_too_slow_not_unreachable(short_timeout):
    server = SlowReader(silent=True)
    try:
        with pytest.raises(client.SyncFailed) as failed:
            client.Server(server.url, "token", "client").call("PUT", "contents/x/", body=b"x" * (6 * 1024 * 1024))
    finally:
        server.close()
    assert failed.value.reason == "unreachable"
    assert failed.value.message == (
        f"The server at {server.url} did not answer for 2 s: the network is too slow or was cut. "
        "Sync tries again by itself; your changes wait here meanwhile."
    )



@pytest.mark.parametrize("server_kind", [SilentServer, SilentTLSServer, UnansweredServer])
def test_disconnecting_while_a_round_waits_on_a_server_is_done_at_once(server_kind, notedesk, tmp_path):
    """Until this, Disconnect waited for the round's request to give up (30 s), with nothing shown,
    and the window's request for it gave up first (15 s): a request to a server that went silent,
    and later, a round connecting to a server whose network drops the connection (away from the
    office's VPN), and one whose TLS handshake the server never answers."""
    server = server_kind()
    device = Device(notedesk(tmp_path / "A"), "A")
    device.create("Written on the train", "words")
    try:
        device.connect(server.url, "a-device-token")  # a round begins, and waits on the server
        poll(lambda: server.holds_a_round(device), 10, "the round waiting on the server")
        started = time.monotonic()
        state = device.disconnect()
        assert time.monotonic() - started < 5
    finally:
        server.close()
    assert state["connected"] is False and state["pending"] == 1
