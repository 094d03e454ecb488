"""Soak: many mixed API requests from 8 concurrent clients against a real Notedesk process.

`make test` runs NOTEDESK_SOAK_REQUESTS=1600 (the default here); `make soak` runs 20,000. Every
answer must be the one expected (no 5xx, no "database is locked"), and afterwards each client
finds every write it was acknowledged exactly as it made it.
"""

import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from embedded_site.notes import search_query
from tests.reliability.conftest import ApiClient, new_uid

SOAK_REQUESTS = int(os.environ.get("NOTEDESK_SOAK_REQUESTS", "1600"))
CLIENTS = 8
# A bound, not a performance figure: a loop still running at this point has hung.
SOAK_DEADLINE_S = max(300.0, SOAK_REQUESTS / 10)
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november".split()
OPERATIONS = {  # kind: weight
    "list": 20, "search": 18, "read": 12, "tags": 5, "create": 12, "edit": 15, "pin": 3,
    "upload": 5, "download": 4, "trash_restore": 2, "preview": 2, "export": 2,
}


@dataclass
class SoakClient:
    """One of the concurrent clients: its own connection, its own notes, its own record."""

    index: int
    api: ApiClient
    requests: int
    rng: random.Random = field(init=False)
    notes: dict = field(default_factory=dict)  # id -> the note as last acknowledged
    attachments: dict = field(default_factory=dict)  # url -> the bytes uploaded
    counts: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)

    def __post_init__(self):
        self.rng = random.Random(self.index)

    def run(self, deadline: float) -> None:
        kinds, weights = zip(*OPERATIONS.items())
        for _ in range(self.requests):
            if time.monotonic() > deadline:
                self.failures.append("stopped at the deadline")
                return
            kind = self.rng.choices(kinds, weights)[0]
            if kind in ("read", "edit", "pin", "upload", "trash_restore") and not self.notes:
                kind = "create"
            if kind == "download" and not self.attachments:
                kind = "list"
            try:
                getattr(self, kind)()
            except Exception as error:  # a broken connection, a timeout: a failure like any other
                self.failures.append(f"{kind}: {error!r}")
            self.counts[kind] += 1

    def expect(self, kind: str, answer, status: int):
        if answer.status != status or b"database is locked" in answer.body:
            self.failures.append(f"{kind}: {answer.status} {answer.body[:300]!r}")
            return None
        return answer

    def text(self, words: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=words)) + f" client{self.index}"

    def list(self):
        query = self.rng.choice(["", "?pinned=1", "?limit=200", "?offset=20&limit=20", "?trashed=1"])
        self.expect("list", self.api.request("GET", f"/api/notes/{query}"), 200)

    def search(self):
        words = " ".join(self.rng.sample(WORDS, self.rng.randint(1, 2)))[: self.rng.randint(2, 12)]
        self.expect("search", self.api.request("GET", f"/api/notes/?q={words.replace(' ', '+')}"), 200)

    def read(self):
        note_id = self.rng.choice(list(self.notes))
        self.expect("read", self.api.request("GET", f"/api/notes/{note_id}/"), 200)

    def tags(self):
        self.expect("tags", self.api.request("GET", "/api/tags/"), 200)

    def create(self):
        fields = {"uid": new_uid(), "title": self.text(3), "body": self.text(40), "tags": self.rng.sample(WORDS, 2)}
        answer = self.expect("create", self.api.send_json("POST", "/api/notes/", fields), 201)
        if answer:
            self.notes[answer.json()["id"]] = answer.json()

    def edit(self, changes=None):
        note = self.notes[self.rng.choice(list(self.notes))]
        changes = changes or {"body": self.text(self.rng.randint(5, 200))}
        answer = self.expect(
            "edit", self.api.send_json("PATCH", f"/api/notes/{note['id']}/", {**changes, "version": note["version"]}), 200
        )
        if answer:
            self.notes[note["id"]] = answer.json()

    def pin(self):
        note = self.notes[self.rng.choice(list(self.notes))]
        self.edit({"pinned": not note["pinned"], "tags": self.rng.sample(WORDS, 3)})

    def upload(self):
        note_id = self.rng.choice(list(self.notes))
        content = self.rng.randbytes(self.rng.randint(1, 64 * 1024))
        answer = self.expect("upload", self.api.upload(f"/api/notes/{note_id}/attachments/", "data.bin", content), 201)
        if answer:
            self.attachments[answer.json()["url"]] = content

    def download(self):
        url = self.rng.choice(list(self.attachments))
        answer = self.expect("download", self.api.request("GET", url), 200)
        if answer and answer.body != self.attachments[url]:
            self.failures.append(f"download: {url} came back different")

    def trash_restore(self):
        note_id = self.rng.choice(list(self.notes))
        if self.expect("trash", self.api.request("DELETE", f"/api/notes/{note_id}/"), 200):
            answer = self.expect("restore", self.api.request("POST", f"/api/notes/{note_id}/restore/"), 200)
            if answer:
                self.notes[note_id] = answer.json()

    def preview(self):
        self.expect("preview", self.api.send_json("POST", "/api/preview/", {"body": "# " + self.text(20)}), 200)

    def export(self):
        self.expect("export", self.api.request("GET", "/api/export/?format=json"), 200)

    def check_everything_acknowledged_is_there(self) -> None:
        for note_id, acknowledged in self.notes.items():
            answer = self.api.request("GET", f"/api/notes/{note_id}/")
            stored = answer.json() if answer.status == 200 else {}
            for key in ("title", "body", "tags", "pinned", "version"):
                if stored.get(key) != acknowledged[key]:
                    self.failures.append(f"note {note_id}: {key} is {stored.get(key)!r}, acknowledged {acknowledged[key]!r}")


def test_mixed_requests_from_8_clients_get_no_5xx_no_lock_errors_and_lose_nothing(notedesk):
    app = notedesk()
    share, extra = divmod(SOAK_REQUESTS, CLIENTS)
    clients = [SoakClient(index, app.client(), share + (index < extra)) for index in range(CLIENTS)]
    deadline = time.monotonic() + SOAK_DEADLINE_S
    threads = [threading.Thread(target=client.run, args=(deadline,)) for client in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SOAK_DEADLINE_S + 30)
    elapsed = time.perf_counter() - started
    for client in clients:
        client.check_everything_acknowledged_is_there()
        client.api.close()

    counts = sum((client.counts for client in clients), Counter())
    failures = [failure for client in clients for failure in client.failures]
    print(
        f"\nsoak: {sum(counts.values())} requests from {CLIENTS} clients in {elapsed:.1f} s "
        f"({sum(counts.values()) / elapsed:.0f} requests/s); {dict(sorted(counts.items()))}; failures: {len(failures)}"
    )
    assert not any(thread.is_alive() for thread in threads), "a client is still running"
    assert failures == []
    assert sum(counts.values()) == SOAK_REQUESTS
    log = app.log_text()
    assert "database is locked" not in log
    assert " ERROR " not in log and "Traceback" not in log, log[-3000:]


def test_a_search_answers_from_one_snapshot_when_a_save_lands_in_the_middle(live_app, monkeypatch):
    """Found by the soak: a search reads the ranking and snippets, then the notes, in separate
    queries, and a save committed in between made it fail (500) on a note that no longer matched."""
    token = live_app.auth_headers["Authorization"].split()[1]
    searcher, editor = ApiClient(live_app.port, token), ApiClient(live_app.port, token)
    note = searcher.send_json("POST", "/api/notes/", {"title": "Zoo", "body": "zebra stripes"}).json()
    rank = search_query.ranked

    def rank_then_let_another_client_save(*args, **kwargs):
        ranked = rank(*args, **kwargs)
        answer = editor.send_json("PATCH", f"/api/notes/{note['id']}/", {"body": "plain", "version": note["version"]})
        assert answer.status == 200
        return ranked

    monkeypatch.setattr(search_query, "ranked", rank_then_let_another_client_save)
    answer = searcher.request("GET", "/api/notes/?q=zebra")
    assert answer.status == 200, answer.body
    assert editor.request("GET", f"/api/notes/{note['id']}/").json()["body"] == "plain"  # the save did land
    assert [(found["body"], found["snippet"]) for found in answer.json()["notes"]] == [("zebra stripes", "<mark>zebra</mark> stripes")]
    searcher.close()
    editor.close()
