"""Two devices and a server (docs/sync.md): each device is the real launcher in --headless mode
on a data folder of its own; the server is Notedesk's server mode on the PostgreSQL cluster the
suite starts. A device's notes are read from its SQLite file, the server's through the sync
protocol itself, and compared by uid, version and a hash of everything a note holds."""

import hashlib
import json
import sqlite3
import urllib.request

import pytest

from tests.reliability.conftest import NotedeskProcess, notedesk, poll  # noqa: F401 (the fixture)
from tests.sync.proxy import CuttingProxy

SYNC_WAIT = 60


class Device:
    """A desktop Notedesk, driven through its JSON API as its window would."""

    def __init__(self, process: NotedeskProcess, name: str):
        self.process, self.name = process, name
        self.api = process.client(timeout=90)

    def connect(self, server_url: str, token: str) -> dict:
        answer = self.api.send_json("POST", "/api/sync/connection/", {"server_url": server_url, "token": token})
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


@pytest.fixture
def proxy(sync_server):
    proxy = CuttingProxy(sync_server.port)
    yield proxy
    proxy.close()


@pytest.fixture
def devices(notedesk, tmp_path):
    """Two devices, A and B, each on a data folder of its own."""
    return [Device(notedesk(tmp_path / name), name) for name in ("A", "B")]


__all__ = ["Device", "poll", "server_notes"]
