"""A real update repository for the tests: keys made in a temp folder, releases made by the
shell's release command, served by a real HTTP server on 127.0.0.1 that can misbehave."""

import contextlib
import hashlib
import http.server
import threading
import time
from pathlib import Path

from django_desktop_shell.updates import keys, platform_tag, release

PYPROJECT = """[project]
version = "{version}"

[tool.desktop-shell]
name = "Upd App"
app-id = "org.example.UpdApp"
settings = "x.settings"
update-url = "{url}"
"""
SLUG = "upd-app"


def make_project(folder: Path, version: str = "1.0.0", url: str = "http://127.0.0.1:9/updates") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(PYPROJECT.format(version=version, url=url), encoding="utf-8")
    return folder


def make_keys(root: Path) -> tuple[Path, Path]:
    """A project with its trusted root, and the keystore beside it (never inside)."""
    project = make_project(root / "project")
    keystore, _root_file = keys.make_keys(project, root / "keystore")
    return project, keystore


def make_bundle(folder: Path, version: str, executable: str = "#!/bin/sh\nexit 0\n", size: int = 300_000) -> Path:
    """A stand-in one-folder bundle: an executable and a payload that changes a little per version."""
    (folder / "_internal").mkdir(parents=True, exist_ok=True)
    (folder / SLUG).write_text(executable, encoding="utf-8")
    (folder / SLUG).chmod(0o755)
    payload = bytearray(b"".join(hashlib.sha256(str(block).encode()).digest() for block in range(size // 32 + 1))[:size])
    payload[1000:1000 + len(version)] = version.encode()
    (folder / "_internal" / "payload.bin").write_bytes(bytes(payload))
    (folder / "_internal" / "VERSION").write_text(version, encoding="utf-8")
    return folder


def publish(project: Path, keystore: Path, served: Path, bundle: Path, version: str, **options) -> Path:
    return release.release(project, served.parent, keystore=keystore, repository=served, bundle=bundle, version=version, **options)


def tree(folder: Path) -> dict:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


class RepositoryServer:
    """http.server on 127.0.0.1 serving `root`, with Range support and faults to order:
    cut_after (bytes of a target, then the connection drops), pause_at (bytes of a target, then
    `paused` is set and the rest waits for `go_on`), drip (a byte every this many seconds, for the
    paths holding drip_in), requests (what was asked)."""

    def __init__(self, root: Path):
        self.root = root
        self.cut_after: int | None = None
        self.pause_at: int | None = None
        self.paused = threading.Event()
        self.go_on = threading.Event()
        self.requests: list[tuple[str, str]] = []
        self.drip: float | None = None
        self.drip_in = "/"
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range", "")))
                path = (server.root / self.path.lstrip("/")).resolve()
                if not path.is_relative_to(server.root.resolve()) or not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                start = 0
                if self.headers.get("Range", "").startswith("bytes="):
                    start = int(self.headers["Range"][6:].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.cut_after is not None and "/targets/" in self.path:
                    self.wfile.write(body[: server.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if server.drip is not None and server.drip_in in self.path:
                    with contextlib.suppress(OSError):  # the client hung up
                        for byte in body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(server.drip)
                    return
                if server.pause_at is not None and "/targets/" in self.path:
                    self.wfile.write(body[: server.pause_at])
                    self.wfile.flush()
                    server.paused.set()
                    server.go_on.wait(60)
                    body = body[server.pause_at:]
                self.wfile.write(body)

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def platform_folder(served: Path) -> Path:
    return served / platform_tag()
