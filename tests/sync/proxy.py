"""A TCP proxy between a device and the server that can cut a connection in the middle of an
answer, after `cut_after` bytes of it have reached the device, or hold the answers back, the
device waiting for them (tests/sync/test_failures.py)."""

import socket
import threading


class CuttingProxy:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut_after: int | None = None  # for the next answers, until set back to None
        self.holding = False  # answers are read from the server and never passed on
        self.cuts = 0
        self.requests: list[str] = []  # the first line of each request that passed
        # A request whose first line holds `pause_on` waits, once `paused` is set, until `go_on` is.
        self.pause_on: str | None = None
        self.paused, self.go_on = threading.Event(), threading.Event()
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self.pipe, args=(client, upstream, None, True), daemon=True).start()
            answers = (upstream, client, self.cut_after, False, self.holding)
            threading.Thread(target=self.pipe, args=answers, daemon=True).start()

    def pipe(self, source: socket.socket, sink: socket.socket, cut_after: int | None, requests: bool = False,
             holding: bool = False) -> None:
        sent = 0
        try:
            while chunk := source.recv(65536):
                if holding:
                    continue
                if requests and sent == 0:
                    self.requests.append(chunk.split(b"\r\n", 1)[0].decode("latin-1"))
                    if self.pause_on and self.pause_on in self.requests[-1]:
                        self.paused.set()
                        self.go_on.wait(60)
                if cut_after is not None and sent + len(chunk) >= cut_after:
                    sink.sendall(chunk[: cut_after - sent])
                    self.cuts += 1
                    break
                sink.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def close(self) -> None:
        self.running = False
        self.listener.close()
