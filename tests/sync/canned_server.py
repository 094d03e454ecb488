"""A stand-in for a server that answers wrong (tests/sync/test_bad_answers.py): each request is
answered with what `answer(method, path, body)` returns, (status, headers, body); it keeps each
request's method, path and headers."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CannedServer:
    def __init__(self, answer):
        self.answer = answer
        self.requests: list[tuple[str, str, dict]] = []
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}"

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
