"""A stand-in for a server that answers wrong (tests/sync/test_bad_answers.py): each request is
answered with what `answer(method, path, body)` returns, (status, headers, body); it keeps each
request's method, path and headers. With `certificate` (a PEM file holding the certificate chain
and its key) it answers over HTTPS."""

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NOTHING_TO_PULL = {"protocol": 1, "changes": [], "cursor": 0, "more": False}


def json_answer(payload: dict) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()


class CannedServer:
    def __init__(self, answer, certificate: Path | None = None, host: str = "127.0.0.1"):
        self.answer, self.host, self.scheme = answer, host, "https" if certificate else "http"
        self.requests: list[tuple[str, str, dict]] = []
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate)
            self.http.socket = context.wrap_socket(self.http.socket, server_side=True)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.http.server_address[1]}"

    def handler(self):
        canned = self

        class Handler(BaseHTTPRequestHandler):
            def answer_request(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                canned.requests.append((self.command, self.path, dict(self.headers)))
                status, headers, content = canned.answer(self.command, self.path, body)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(content)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = answer_request

            def log_message(self, *args):
                pass

        return Handler

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
