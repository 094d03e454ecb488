"""A quit (the window closed, Quit, SIGTERM) while a sync round is under way (docs/sync.md,
Failures): the round stops at its next safe point, the process ends within the way out's time
with the write-ahead log folded and empty, and the next launch sends and fetches what the cut
round had not."""

import json
import threading
import time
import uuid

from django_desktop_shell.process.lifecycle import FORCED_EXIT_AFTER_S
from embedded_site.sync.client import PUSH_BATCH
from tests.reliability.conftest import integrity_problems, poll
from tests.sync.canned_server import NOTHING_TO_PULL, json_answer
from tests.sync.conftest import Device

PULLED = 300


def pulled_note(number: int) -> dict:
    words = " ".join(f"word{number}x{index} lorem ipsum dolor" for index in range(2000))  # ~70 KB to index
    return {
        "seq": number, "change_id": "", "uid": str(uuid.uuid4()), "title": f"Pulled {number}", "body": words,
        "tags": ["pulled"], "pinned": False, "version": 1, "created": "2026-12-01T10:00:00+00:00",
        "updated": "2026-12-01T10:00:00+00:00", "trashed_at": None, "attachments": [], "revisions": [],
    }


def quit_and_time(device: Device) -> float:
    """SIGTERM, as the desktop's log-out sends: the seconds until the process has ended."""
    started = time.monotonic()
    device.process.process.terminate()
    device.process.process.wait(30)
    ended = time.monotonic() - started
    device.process.wait()
    return ended


def assert_quit_cleanly(device: Device, seconds: float) -> None:
    log = device.process.log_text()
    assert seconds < FORCED_EXIT_AFTER_S and "Did not stop within" not in log, log[-3000:]
    assert "Could not empty the write-ahead log" not in log, log[-3000:]
    wal = device.process.database.with_name("notedesk.sqlite3-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert integrity_problems(device.process.database) == []


def test_a_quit_while_a_pulled_batch_is_written_rolls_it_back_whole_and_the_next_launch_pulls_it(notedesk, canned, tmp_path):
    """Until this, the quit's fold waited for the batch's transaction, gave up after its time, and
    the process ended with the transaction's pages in notedesk.sqlite3-wal."""
    batch = [pulled_note(number) for number in range(PULLED)]
    answer_now = threading.Event()

    def answer(method, path, body):
        if "since=0&" in path:
            answer_now.wait(60)
            return json_answer({**NOTHING_TO_PULL, "changes": batch, "cursor": PULLED})
        return json_answer(NOTHING_TO_PULL)

    server = canned(answer)
    device = Device(notedesk(tmp_path / "A"), "A")
    device.connect(server.url, "a-device-token")
    poll(lambda: any("since=0&" in path for _, path, _ in server.requests), 30, "the round asking for changes")
    wal = device.process.database.with_name("notedesk.sqlite3-wal")
    written_before = wal.stat().st_mtime_ns
    answer_now.set()
    poll(lambda: wal.stat().st_mtime_ns != written_before, 60, "the pulled batch being written")
    assert_quit_cleanly(device, quit_and_time(device))
    assert device.sql("SELECT count(*) FROM notes_note")[0][0] in (0, PULLED)  # whole or not at all

    device = Device(device.process.start(), "A")
    poll(lambda: device.sql("SELECT count(*) FROM notes_note")[0][0] == PULLED, 120, "the batch pulled again")
    assert device.status()["error"] is None


def test_a_quit_while_the_server_is_slow_to_answer_a_push_ends_in_time_and_the_next_launch_pushes_the_rest(
        notedesk, canned, tmp_path):
    """A round's push waits on a server that answers slowly (a train's wifi): the quit cuts the
    request, and the notes it had not sent, or whose answer never came, are sent at the next launch."""
    device = Device(notedesk(tmp_path / "A"), "A")
    uids = {device.create(f"Written offline {number}")["uid"] for number in range(PUSH_BATCH * 3)}
    pushes: list[list[str]] = []
    slow = threading.Event()
    slow.set()

    def answer(method, path, body):
        if method == "POST" and path.endswith("/changes/"):
            sent = [change["note"]["uid"] for change in json.loads(body)["changes"]]
            pushes.append(sent)
            if slow.is_set() and len(pushes) == 2:
                time.sleep(20)
            return json_answer({"protocol": 1, "results": [
                {"uid": uid, "status": "applied", "version": 1, "revisions": []} for uid in sent]})
        return json_answer(NOTHING_TO_PULL)

    server = canned(answer)
    device.connect(server.url, "a-device-token")
    poll(lambda: len(pushes) == 2, 60, "the round's second push waiting on the server")
    assert_quit_cleanly(device, quit_and_time(device))
    acknowledged = set(pushes[0])
    assert device.sql("SELECT count(*) FROM notes_notechange WHERE seq > acknowledged_seq")[0][0] == len(uids) - len(acknowledged)

    slow.clear()
    pushes.clear()
    device = Device(device.process.start(), "A")
    poll(lambda: device.status()["pending"] == 0, 60, "the rest pushed")
    assert {uid for sent in pushes for uid in sent} == uids - acknowledged
