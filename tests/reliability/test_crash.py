"""Crash: `kill -9` a real Notedesk process while writers are busy, restart it on the same data
dir, and find every acknowledged write; SQLite's integrity check must pass after each crash, and
the attachment files must match the rows: no row without its whole file, no partial file left.

`make test` runs NOTEDESK_CRASH_ROUNDS=5 (the default); `make soak` runs 20.
"""

import http.client
import os
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django_desktop_shell.files import TEMPORARY_PREFIX
from tests.reliability.conftest import integrity_problems, new_uid, poll

ROUNDS = int(os.environ.get("NOTEDESK_CRASH_ROUNDS", "5"))
WRITERS = 4
MAX_WRITES_PER_ROUND = 400  # per writer: the kill comes long before


@dataclass
class NoteRecord:
    """What the server acknowledged for one note, and the write in flight when the answer was lost."""

    uid: str
    id: int | None = None
    body: str | None = None  # acknowledged
    version: int = 0
    pending_body: str | None = None  # sent, never answered


@dataclass
class Ledger:
    notes: dict[str, NoteRecord] = field(default_factory=dict)
    attachments: dict[int, bytes] = field(default_factory=dict)  # id -> acknowledged content
    acknowledged: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledge(self) -> None:
        with self.lock:
            self.acknowledged += 1


def write_until_killed(api, ledger: Ledger, notes: list[NoteRecord], rng: random.Random, round_number: int):
    """Create, edit and attach, recording each answer, until the connection breaks."""
    for step in range(MAX_WRITES_PER_ROUND):
        try:
            if not notes or rng.random() < 0.25:
                record = NoteRecord(new_uid())
                record.pending_body = f"{record.uid} round {round_number} step {step} " + "x" * rng.randint(0, 3000)
                notes.append(record)
                ledger.notes[record.uid] = record
                answer = api.send_json("POST", "/api/notes/", {"uid": record.uid, "body": record.pending_body})
                if answer.status != 201:
                    break
                record.id = answer.json()["id"]
            elif step % 10 == 9:
                record = rng.choice([note for note in notes if note.id] or [None])
                if record is None:
                    continue
                content = rng.randbytes(rng.randint(1, 20_000))
                answer = api.upload(f"/api/notes/{record.id}/attachments/", "crash.bin", content)
                if answer.status != 201:
                    break
                ledger.attachments[answer.json()["id"]] = content
                ledger.acknowledge()
                continue
            else:
                record = rng.choice([note for note in notes if note.id] or [None])
                if record is None:
                    continue
                record.pending_body = f"{record.uid} round {round_number} step {step} edited " + "y" * rng.randint(0, 3000)
                answer = api.send_json(
                    "PATCH", f"/api/notes/{record.id}/", {"body": record.pending_body, "version": record.version}
                )
                if answer.status != 200:
                    break
            record.body, record.version, record.pending_body = record.pending_body, answer.json()["version"], None
            ledger.acknowledge()
        except (OSError, http.client.HTTPException):  # killed: what was in flight has no answer
            return
    else:
        return  # never killed: the test says so
    ledger.failures.append(f"{answer.status} {answer.body[:300]!r}")


def all_notes(api) -> dict[str, dict]:
    notes, total = {}, 1
    while len(notes) < total:
        page = api.request("GET", f"/api/notes/?limit=200&offset={len(notes)}").json()
        notes.update((note["uid"], note) for note in page["notes"])
        total = page["total"]
    return notes


def reconcile(api, ledger: Ledger) -> list[str]:
    """Check every acknowledged write against the restarted server, and adopt what each write
    that got no answer left behind (it may or may not have committed). Returns what is wrong."""
    stored = all_notes(api)
    problems = list(ledger.failures)
    for record in ledger.notes.values():
        note = stored.get(record.uid)
        acknowledged = (record.version, record.body)
        if note is None:
            if record.id is not None:
                problems.append(f"note {record.id} is missing")
        elif (note["version"], note["body"]) in (acknowledged, (record.version + 1, record.pending_body)):
            record.id, record.version, record.body = note["id"], note["version"], note["body"]
        else:
            problems.append(f"note {note['id']}: version {note['version']}, acknowledged {record.version}, or its text differs")
        record.pending_body = None
    for attachment_id, content in ledger.attachments.items():
        answer = api.request("GET", f"/api/attachments/{attachment_id}/")
        if (answer.status, answer.body) != (200, content):
            problems.append(f"attachment {attachment_id}: {answer.status}, {len(answer.body)} bytes of {len(content)}")
    for note in stored.values():  # those whose upload got no answer too: whole, or not there at all
        for attachment in note["attachments"]:
            if attachment["id"] not in ledger.attachments:
                answer = api.request("GET", attachment["url"])
                if (answer.status, len(answer.body)) != (200, attachment["size"]):
                    problems.append(f"unacknowledged attachment {attachment['id']}: {answer.status}, {len(answer.body)} bytes")
    return problems


def partial_files(data_dir: Path) -> list[str]:
    """The temporary files of attachment writes cut short. (A whole file without a row is kept: the
    database may have been put back from a backup.)"""
    return [path.name for path in (data_dir / "attachments").glob(f"{TEMPORARY_PREFIX}*")]


def test_kill_9_during_writes_loses_no_acknowledged_write_and_leaves_a_sound_database(notedesk, tmp_path):
    ledger = Ledger()
    rng = random.Random(7)
    writer_notes = [[] for _ in range(WRITERS)]
    for round_number in range(ROUNDS):
        app = notedesk(tmp_path / "data")
        api = app.client()
        assert reconcile(api, ledger) == [], f"after crash {round_number}"
        assert partial_files(app.data_dir) == [], f"left by crash {round_number}, not cleaned up at start"
        api.close()

        target = ledger.acknowledged + rng.randint(20, 80)
        clients = [app.client(timeout=30) for _ in range(WRITERS)]  # above the database's 10 s busy timeout
        writers = [
            threading.Thread(
                target=write_until_killed, args=(clients[i], ledger, writer_notes[i], random.Random(rng.random()), round_number)
            )
            for i in range(WRITERS)
        ]
        for writer in writers:
            writer.start()
        poll(lambda: ledger.acknowledged >= target or not any(w.is_alive() for w in writers), 60, "the writes")
        assert all(writer.is_alive() for writer in writers), f"a writer stopped before the kill: {ledger.failures}"
        app.kill()
        for writer in writers:
            writer.join(30)
        assert not any(writer.is_alive() for writer in writers)
        for client in clients:
            client.close()
        assert integrity_problems(app.database) == [], f"after crash {round_number + 1}"

    app = notedesk(tmp_path / "data")
    api = app.client()
    assert reconcile(api, ledger) == []
    listed = api.request("GET", "/api/notes/?limit=1").json()["total"]
    assert listed == len(all_notes(api)) == sum(1 for record in ledger.notes.values() if record.id is not None)
    print(f"\ncrash: {ROUNDS} rounds, {ledger.acknowledged} acknowledged writes, {len(ledger.notes)} notes, all found")
