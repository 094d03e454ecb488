"""What the reliability tests share: a real Notedesk process on a data dir, a client for its API
(loopback, the launch token, no CSRF), integrity checks of its SQLite file, and the sizes that
`make soak` and `make fuzz` turn up (docs/reliability.md)."""

import http.client
import json
import os
import selectors
import signal
import sqlite3
import subprocess
import time
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, settings

from embedded_site.notes.search_folding import FOLD_FUNCTION, fold
from tests.conftest import launcher_command

# `make test` runs the short profile, derandomized so that a run is repeatable; `make fuzz` the
# long one, with a fresh random seed each time.
settings.register_profile(
    "test", max_examples=25, derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz", max_examples=1000, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "test"))

START_TIMEOUT = 30.0
XHR = {"X-Requested-With": "XMLHttpRequest"}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "notedesk-boundary") -> tuple[bytes, str]:
    """A multipart/form-data body from (field name, file name or None, content) parts."""
    chunks = []
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


class ApiClient:
    """One keep-alive connection to the app on 127.0.0.1, authenticated as a script is: with
    `Authorization: Bearer <launch token>`, which needs no CSRF token."""

    def __init__(self, port: int, token: str, timeout: float = 30.0):
        self.port = port
        self.auth = {"Authorization": f"Bearer {token}", "Host": f"127.0.0.1:{port}"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, *,
                as_given: bool = False) -> Answer:
        """Send with the token and X-Requested-With, or `as_given`: only Host and `headers`."""
        sent = {"Host": self.auth["Host"], **headers} if as_given else {**self.auth, **XHR, **(headers or {})}
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        except Exception:
            self.connection.close()  # the next request opens a fresh connection
            raise

    def send_json(self, method: str, path: str, payload) -> Answer:
        return self.request(method, path, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def upload(self, path: str, name: str, content: bytes) -> Answer:
        body, content_type = multipart([("file", name, content)])
        return self.request("POST", path, body, {"Content-Type": content_type})

    def close(self) -> None:
        self.connection.close()


def new_uid() -> str:
    return str(uuid.uuid4())


class NotedeskProcess:
    """`launcher.py --headless` on a data dir: started, answered, killed or stopped by the test."""

    def __init__(self, data_dir: Path, port: int = 0):
        self.data_dir = data_dir
        self.requested_port = port
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.token = ""
        self.launch_url = ""

    def start(self) -> "NotedeskProcess":
        env = {key: value for key, value in os.environ.items() if not key.startswith("NOTEDESK_")}
        args = ["--headless", "--data-dir", str(self.data_dir)]
        if self.requested_port:
            args += ["--port", str(self.requested_port)]
        self.process = subprocess.Popen(
            launcher_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        line = self.first_line(START_TIMEOUT)
        if not line.startswith("READY "):
            self.process.kill()
            stderr = self.process.stderr.read().decode()  # before kill() closes it
            self.kill()
            pytest.fail(f"expected READY, got {line!r}; stderr: {stderr[-2000:]}")
        self.launch_url = line.split(" ", 1)[1].strip()  # on this install's own host name, for a browser
        url = urlsplit(self.launch_url)
        self.port = url.port
        self.token = parse_qs(url.query)["token"][0]
        return self

    def first_line(self, timeout: float) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                return f"nothing within {timeout:.0f} s"
        return self.process.stdout.readline().decode()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, timeout: float = 30.0) -> ApiClient:
        return ApiClient(self.port, self.token, timeout)

    def kill(self) -> None:
        """kill -9: no clean-up of any kind, as in a crash or a power button held down."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
        self.wait()

    def wait(self) -> None:
        if self.process:
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
            self.process.stdout.close()
            self.process.stderr.close()
            self.process = None

    @property
    def database(self) -> Path:
        return self.data_dir / "notedesk.sqlite3"

    def log_text(self) -> str:
        return "".join(
            path.read_text(errors="replace") for path in sorted((self.data_dir / "logs").glob("notedesk.log*"))
        )


@pytest.fixture
def notedesk(tmp_path):
    """Starts Notedesk processes on data dirs (by default tmp_path/data); stops them all at the end."""
    started: list[NotedeskProcess] = []

    def start(data_dir: Path | None = None, port: int = 0) -> NotedeskProcess:
        app = NotedeskProcess(data_dir or tmp_path / "data", port)
        started.append(app)
        return app.start()

    yield start
    for app in started:
        app.kill()


def integrity_problems(database: Path) -> list[str]:
    """What SQLite finds wrong with the file, the FTS index and the foreign keys; [] if nothing."""
    connection = sqlite3.connect(database, timeout=10)
    connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)  # the indexes' content views use it
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key: {row}" for row in connection.execute("PRAGMA foreign_key_check")]
        for index in ("notes_note_fts", "notes_note_pinned_fts"):
            try:
                connection.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as error:
                problems.append(f"search index {index}: {error}")
        connection.commit()
    finally:
        connection.close()
    return problems


def poll(condition, timeout: float, what: str, interval: float = 0.02):
    """Wait until condition() is true (and return it), or fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(interval)


def require_root_for_mounts() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small file system (make test runs as root in CI)")


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def unmount(path: Path) -> None:
    """Unmount, lazily if a killed process has not let go yet."""
    if subprocess.run(["mountpoint", "-q", str(path)]).returncode == 0:
        if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
            run("umount", "-l", str(path))


@pytest.fixture
def mounts():
    """mount(…) as the test asks; everything unmounted afterwards, innermost first."""
    mounted: list[Path] = []

    def mount(*args: str, at: Path) -> Path:
        require_root_for_mounts()
        at.mkdir(parents=True, exist_ok=True)
        run("mount", *args, str(at))
        mounted.append(at)
        return at

    yield mount
    for path in reversed(mounted):
        unmount(path)


def data_dir_with_own_logs(disk: Path, logs: Path, mount) -> Path:
    """A data dir on `disk` whose logs/ folder is a bind mount of `logs`: when the disk fills up or
    goes read-only, the log still takes what the server says about it."""
    data_dir = disk / "data"
    (data_dir / "logs").mkdir(parents=True, mode=0o700)
    logs.mkdir(mode=0o700, exist_ok=True)
    mount("--bind", str(logs), at=data_dir / "logs")
    return data_dir


def fill_up(disk: Path) -> Path:
    """Write one file until the file system has no byte left; returns it (delete it to free the space)."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as file:
        for block in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    file.write(b"\0" * block)
            except OSError as error:
                assert error.errno == 28, error
    return filler


LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


@contextmanager
def another_program_holding_the_write_lock(database: Path):
    """A second process with a write transaction open on the database until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.communicate("", timeout=10)


def make_read_only(mount_point: Path) -> None:
    """What the kernel does to an ext4 file system mounted errors=remount-ro when the disk fails:
    it goes read-only at once, files held open for writing included."""
    device = subprocess.run(["findmnt", "-no", "SOURCE", str(mount_point)], capture_output=True, text=True).stdout
    Path(f"/sys/fs/ext4/{Path(device.strip()).name}/trigger_fs_error").write_text("notedesk reliability test")


@pytest.fixture
def ext4_disk(mounts, tmp_path):
    """A small ext4 file system mounted like a USB disk set to go read-only on errors."""
    image = tmp_path / "disk.ext4"
    with open(image, "wb") as file:
        file.truncate(32 * 1024 * 1024)
    run("mkfs.ext4", "-q", "-F", str(image))
    return mounts("-o", "loop,errors=remount-ro", str(image), at=tmp_path / "disk"), image
