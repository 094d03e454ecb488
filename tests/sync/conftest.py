"""Two devices and a server (docs/sync.md): each device is the real launcher in --headless mode
on a data folder of its own; the server is Notedesk's server mode on the PostgreSQL cluster the
suite starts. A device's notes are read from its SQLite file, the server's through the sync
protocol itself, and compared by uid, version and a hash of everything a note holds."""

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

import pytest

from tests.postgres import start_cluster, stop_cluster
from tests.reliability.conftest import NotedeskProcess, notedesk, poll  # noqa: F401 (the fixture)
from tests.sync.canned_server import CannedServer
from tests.sync.certificates import Authority
from tests.sync.proxy import CuttingProxy

SYNC_WAIT = 60
ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 60


class Device:
    """A desktop Notedesk, driven through its JSON API as its window would."""

    def __init__(self, process: NotedeskProcess, name: str):
        self.process, self.name = process, name
        self.api = process.client(timeout=90)

    def connect(self, server_url: str, token: str) -> dict:
        answer = self.api.send_json("POST", "/api/sync/connection/", {"server_url": server_url, "token": token})
        assert answer.status == 200, answer.body
        return answer.json()

    def disconnect(self) -> dict:
        answer = self.api.request("DELETE", "/api/sync/connection/")
        assert answer.status == 200, answer.body
        return answer.json()

    def sync(self) -> dict:
        """A round now, answered once it ended: the sidebar's state after it."""
        answer = self.api.request("POST", f"/api/sync/now/?wait={SYNC_WAIT}")
        assert answer.status == 200, answer.body
        return answer.json()

    def status(self) -> dict:
        return self.api.request("GET", "/api/sync/status/").json()

    def create(self, title: str, body: str = "text", **fields) -> dict:
        answer = self.api.send_json("POST", "/api/notes/", {"title": title, "body": body, **fields})
        assert answer.status in (200, 201), answer.body
        return answer.json()

    def note(self, uid: str) -> dict | None:
        row = self.sql("SELECT id FROM notes_note WHERE uid = ?", uid.replace("-", ""))
        if not row:
            return None
        return self.api.request("GET", f"/api/notes/{row[0][0]}/").json()

    def edit(self, uid: str, **fields) -> dict:
        note = self.note(uid)
        answer = self.api.send_json("PATCH", f"/api/notes/{note['id']}/", {"version": note["version"], **fields})
        assert answer.status == 200, answer.body
        return answer.json()

    def trash(self, uid: str) -> None:
        assert self.api.request("DELETE", f"/api/notes/{self.note(uid)['id']}/").status == 200

    def restore(self, uid: str) -> None:
        assert self.api.request("POST", f"/api/notes/{self.note(uid)['id']}/restore/").status == 200

    def purge(self, uid: str) -> None:
        assert self.api.request("DELETE", f"/api/notes/{self.note(uid)['id']}/?purge=1").status == 204

    def attach(self, uid: str, name: str, content: bytes) -> None:
        assert self.api.upload(f"/api/notes/{self.note(uid)['id']}/attachments/", name, content).status == 201

    def sql(self, query: str, *params) -> list[tuple]:
        connection = sqlite3.connect(self.process.database, timeout=10)
        try:
            return connection.execute(query, params).fetchall()
        finally:
            connection.close()

    def notes(self) -> dict[str, tuple[int, str]]:
        """Every note here: uid → (version, content hash)."""
        found = {}
        for note_id, uid, version, title, body, pinned, trashed in self.sql(
            "SELECT id, uid, version, title, body, pinned, trashed_at IS NOT NULL FROM notes_note"
        ):
            tags = [row[0] for row in self.sql(
                "SELECT t.name FROM notes_tag t JOIN notes_note_tags nt ON nt.tag_id = t.id WHERE nt.note_id = ?", note_id)]
            attachments = self.sql("SELECT sha256, name FROM notes_attachment WHERE note_id = ?", note_id)
            revisions = [row[0] for row in self.sql("SELECT uid FROM notes_revision WHERE note_id = ?", note_id)]
            found[dashed(uid)] = (version, content_hash(title, body, tags, bool(pinned), bool(trashed), attachments, revisions))
        return found


def dashed(uid: str) -> str:
    return f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:]}" if "-" not in uid else uid


def content_hash(title, body, tags, pinned, trashed, attachments, revision_uids) -> str:
    content = [title, body, sorted(tags), pinned, trashed, sorted(map(list, attachments)),
               sorted(dashed(uid) for uid in revision_uids)]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def server_notes(server_url: str, token: str) -> dict[str, tuple[int, str]]:
    """Every note on the server, as the protocol pulls it from the start: uid → (version, hash)."""
    found, cursor = {}, 0
    while True:
        request = urllib.request.Request(
            f"{server_url}/api/sync/v1/changes/?since={cursor}&limit=500", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        for note in answer["changes"]:
            if note.get("purged"):
                found.pop(note["uid"], None)
                continue
            found[note["uid"]] = (note["version"], content_hash(
                note["title"], note["body"], note["tags"], note["pinned"], note["trashed_at"] is not None,
                [(item["sha256"], item["name"]) for item in note["attachments"]],
                [revision["uid"] for revision in note["revisions"]],
            ))
        cursor = answer["cursor"]
        if not answer["more"]:
            return found


@pytest.fixture(scope="session")
def sync_postgres():
    """The suite's PostgreSQL (tests/postgres.py), with the server's tables migrated once into a
    template database that each test's server copies."""
    # Directly under /tmp: as root, the cluster runs as `nobody`, who must reach its folder.
    folder = Path(tempfile.mkdtemp(prefix="notedesk-sync-pg-", dir="/tmp"))
    cluster = PostgresCluster(folder, start_cluster(folder).rsplit("/", 1)[0])
    try:
        cluster.create_database("sync_template")
        server_python(cluster.environment("sync_template", folder / "template-data"), "-m", "django", "migrate", "--no-input")
        yield cluster
    finally:
        stop_cluster(folder)
        shutil.rmtree(folder, ignore_errors=True)


class PostgresCluster:
    def __init__(self, folder: Path, url_base: str):
        self.folder, self.url_base = folder, url_base
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]

    def create_database(self, name: str, template: str | None = None) -> None:
        command = [str(self.bin / "createdb"), f"--host={self.folder}", "--username=notedesk", name]
        subprocess.run(command + ([f"--template={template}"] if template else []), check=True, capture_output=True)

    def run(self, program: str, *args: str) -> None:
        subprocess.run([str(self.bin / program), *args], check=True, capture_output=True)

    def environment(self, database: str, data_dir: Path, port: int = 0) -> dict:
        data_dir.mkdir(parents=True, exist_ok=True)
        return {
            **{key: value for key, value in os.environ.items() if not key.startswith(("NOTEDESK_", "DJANGO_"))},
            "DJANGO_SETTINGS_MODULE": "embedded_site.server_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "desktop_shell"), str(ROOT)]),
            "DATABASE_URL": f"{self.url_base}/{database}",
            "SECRET_KEY": "sync-tests-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "NOTEDESK_DATA_DIR": str(data_dir),
            "NOTEDESK_HTTPS": "0",  # plain HTTP on loopback, between the test's processes
            "NOTEDESK_LOG_LEVEL": "WARNING",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }


def server_python(environment: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, *args], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if done.returncode:
        pytest.fail(f"{args} failed: {done.stderr[-3000:]}")
    return done.stdout


class SyncServer:
    """Notedesk's server mode (python -m embedded_site.serve) on a database of its own, with one
    person, whose devices the test creates and revokes."""

    def __init__(self, cluster: PostgresCluster, folder: Path):
        self.cluster, database = cluster, "sync_" + uuid.uuid4().hex[:12]
        cluster.create_database(database, template="sync_template")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.environment = cluster.environment(database, folder, self.port)
        self.log = folder / "server.log"
        self.process: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "SyncServer":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "embedded_site.serve"], env=self.environment, cwd=ROOT, stdout=log, stderr=log
            )
        poll(self.answers, SERVER_START_TIMEOUT, "the server answering")
        return self

    def answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"the server stopped: {self.log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{self.url}/api/sync/v1/changes/?since=0", timeout=5)
        except urllib.error.HTTPError as error:
            return error.code == 401
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)
        self.process = None

    def back_up(self, dump: Path) -> None:
        """The server's database dumped to `dump`, as docs/server.md backs one up."""
        self.cluster.run("pg_dump", "--format=custom", f"--file={dump}", self.environment["DATABASE_URL"])

    def restore(self, dump: Path) -> None:
        """The server's database restored from `dump`, as docs/server.md restores one."""
        self.stop()
        self.cluster.run("pg_restore", "--clean", f"--dbname={self.environment['DATABASE_URL']}", str(dump))
        self.start()

    @contextmanager
    def note_locked(self, uid: str):
        """The server's row of the note locked, as a push applying a change to it holds it: pushes
        of the same note wait until the block ends, in the order they arrived."""
        with psycopg.connect(self.environment["DATABASE_URL"]) as database, database.transaction():
            assert database.execute("SELECT id FROM notes_note WHERE uid = %s FOR UPDATE", [uid]).fetchall()
            yield

    def requests_waiting_for_a_lock(self) -> int:
        with psycopg.connect(self.environment["DATABASE_URL"]) as database:
            return database.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()[0]

    def new_device(self, name: str, person: str = "person") -> str:
        """A device of one of the server's people (by default its one person), and its token."""
        self.tokens[name] = server_python(self.environment, "-c", (
            "import django; django.setup()\n"
            "from django.contrib.auth import get_user_model\n"
            "from embedded_site.devices.tokens import new_device\n"
            f"person, _ = get_user_model().objects.get_or_create(username={person!r})\n"
            f"print(new_device(person, {name!r})[1])"
        )).strip()
        return self.tokens[name]

    def revoke(self, name: str) -> None:
        server_python(self.environment, "-c", (
            "import django; django.setup()\n"
            "from embedded_site.devices.tokens import device_for_token, revoke\n"
            f"device = device_for_token({self.tokens[name]!r})\n"
            "revoke(device.owner, device.pk)"
        ))


@pytest.fixture
def sync_server(sync_postgres, tmp_path):
    server = SyncServer(sync_postgres, tmp_path / "server").start()
    yield server
    server.stop()


@pytest.fixture
def proxy(sync_server):
    proxy = CuttingProxy(sync_server.port)
    yield proxy
    proxy.close()


@pytest.fixture
def devices(notedesk, tmp_path):
    """Two devices, A and B, each on a data folder of its own."""
    return [Device(notedesk(tmp_path / name), name) for name in ("A", "B")]


@pytest.fixture
def canned():
    """Starts stand-in servers (CannedServer: `canned(answer)`, or over HTTPS `canned(answer, certificate)`)."""
    servers = []

    def start(answer, *args, **kwargs) -> CannedServer:
        servers.append(CannedServer(answer, *args, **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def authority(tmp_path):
    """A certificate authority of one's own, as a self-hoster makes for a private server."""
    (tmp_path / "pki").mkdir()
    return Authority(tmp_path / "pki")
