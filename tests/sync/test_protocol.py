"""The server's sync endpoints as a device meets them (docs/api.md, Sync): the token, bad input,
a replayed push, conflicts, contents by hash."""

import hashlib
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

import pytest

from tests.sync.conftest import server_python


def call(server, method: str, path: str, payload=None, token: str | None = "", body: bytes | None = None):
    """(status, answer) of one request; JSON answers decoded."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if payload is not None:
        body, headers["Content-Type"] = json.dumps(payload).encode(), "application/json"
    request = urllib.request.Request(f"{server.url}/api/sync/v1/{path}", data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw, kind = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    return status, json.loads(raw) if kind.startswith("application/json") else raw


def a_note(**fields) -> dict:
    return {
        "uid": str(uuid.uuid4()), "title": "A note", "body": "text", "tags": ["work"], "pinned": False,
        "version": 1, "created": "2026-12-01T10:00:00+00:00", "updated": "2026-12-01T10:00:00+00:00",
        "trashed_at": None, "attachments": [], "revisions": [], **fields,
    }


@pytest.fixture
def token(sync_server):
    return sync_server.new_device("script")


def test_a_request_without_a_valid_token_is_refused_with_the_reason(sync_server, token):
    status, answer = call(sync_server, "GET", "changes/?since=0", token=None)
    assert (status, answer["error"]) == (401, "Sync needs a device token: send it as `Authorization: Bearer <token>`.")
    status, answer = call(sync_server, "GET", "changes/?since=0", token="ndt_not-a-token")
    assert status == 401 and "unknown or was revoked" in answer["error"]
    sync_server.revoke("script")
    assert call(sync_server, "GET", "changes/?since=0", token=token)[0] == 401


def test_a_replayed_push_changes_nothing_and_is_answered_the_same(sync_server, token):
    push = {"protocol": 1, "changes": [{"change_id": "device-1:1", "base_version": None, "note": a_note()}]}
    first = call(sync_server, "POST", "changes/", push, token)
    again = call(sync_server, "POST", "changes/", push, token)
    assert first == again
    assert first[1]["results"][0]["status"] == "applied"
    pulled = call(sync_server, "GET", "changes/?since=0", token=token)[1]
    assert [(note["title"], note["version"]) for note in pulled["changes"]] == [("A note", 1)]


def test_a_push_based_on_an_old_version_is_a_conflict_with_the_current_note(sync_server, token):
    note = a_note()
    call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:1", "base_version": None, "note": note}]}, token)
    edited = {**note, "body": "edited on a"}
    answer = call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:2", "base_version": 1, "note": edited}]}, token)[1]
    assert answer["results"][0] == {"uid": note["uid"], "status": "applied", "version": 2, "revisions": []}
    stale = {**note, "body": "edited on b"}
    result = call(sync_server, "POST", "changes/", {"changes": [{"change_id": "b:1", "base_version": 1, "note": stale}]}, token)[1]["results"][0]
    assert (result["status"], result["current"]["body"], result["current"]["version"]) == ("conflict", "edited on a", 2)


def test_an_applied_change_keeps_the_devices_version_when_it_is_ahead(sync_server, token):
    """A device's version moves on at each save there; the server's answer must not set it back,
    or the device's open editor would meet its next save as a conflict."""
    note = a_note()
    call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:1", "base_version": None, "note": note}]}, token)
    saved_five_times = {**note, "body": "saved five times on a", "version": 6}
    answer = call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:6", "base_version": 1, "note": saved_five_times}]}, token)[1]
    assert answer["results"][0]["version"] == 6
    behind = {**note, "body": "saved once more on a", "version": 3}
    answer = call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:7", "base_version": 6, "note": behind}]}, token)[1]
    assert answer["results"][0]["version"] == 7


def test_a_version_no_database_can_store_is_refused(sync_server, token):
    status, answer = call(sync_server, "POST", "changes/", {"changes": [
        {"change_id": "a:1", "base_version": None, "note": a_note(version=2**31)},
    ]}, token)
    assert status == 400 and answer["error"].startswith("change 1: version:")
    assert call(sync_server, "GET", "changes/?since=0", token=token)[1]["changes"] == []


def test_a_change_that_is_not_valid_is_refused_whole(sync_server, token):
    good, bad = a_note(), a_note(tags="work")
    status, answer = call(sync_server, "POST", "changes/", {"changes": [
        {"change_id": "a:1", "base_version": None, "note": good},
        {"change_id": "a:2", "base_version": None, "note": bad},
    ]}, token)
    assert status == 400 and answer["error"].startswith("change 2: tags:")
    assert call(sync_server, "GET", "changes/?since=0", token=token)[1]["changes"] == []


def test_contents_travel_by_hash_and_are_checked_on_arrival(sync_server, token):
    content = b"attached bytes"
    sha256 = hashlib.sha256(content).hexdigest()
    assert call(sync_server, "POST", "contents/missing/", {"sha256": [sha256]}, token)[1]["missing"] == [sha256]
    note = a_note(attachments=[{"sha256": sha256, "name": "a.txt", "size": len(content), "created": "2026-12-01T10:00:00+00:00"}])
    status, answer = call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:1", "base_version": None, "note": note}]}, token)
    assert status == 409 and "has not arrived" in answer["error"]
    status, answer = call(sync_server, "PUT", f"contents/{sha256}/", token=token, body=b"other bytes")
    assert status == 400 and "does not match" in answer["error"]
    assert call(sync_server, "GET", f"contents/{sha256}/", token=token)[0] == 404
    assert call(sync_server, "PUT", f"contents/{sha256}/", token=token, body=content)[0] == 201
    assert call(sync_server, "POST", "contents/missing/", {"sha256": [sha256]}, token)[1]["missing"] == []
    assert call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:1", "base_version": None, "note": note}]}, token)[0] == 200
    assert call(sync_server, "GET", f"contents/{sha256}/", token=token) == (200, content)


def test_a_content_larger_than_an_attachment_may_be_is_refused(sync_server, token):
    content = b"x" * (25 * 1024 * 1024 + 1)
    status, answer = call(sync_server, "PUT", f"contents/{hashlib.sha256(content).hexdigest()}/", token=token, body=content)
    assert status == 413 and "at most 25 MB" in answer["error"]


def test_a_cursor_never_skips_a_change_pushed_meanwhile(sync_server, token):
    """Two devices push notes one at a time while a third pulls: it sees every one of them. Each
    change takes its number from its owner's counter and holds that row until it commits, so a
    change cannot commit with a number below a cursor already handed out."""
    other = sync_server.new_device("other")
    pushed: list[str] = []

    def push_notes(device_token: str, prefix: str) -> None:
        for number in range(25):
            note = a_note(title=f"{prefix} {number}")
            change = {"change_id": f"{prefix}:{number}", "base_version": None, "note": note}
            assert call(sync_server, "POST", "changes/", {"changes": [change]}, device_token)[0] == 200
            pushed.append(note["uid"])

    pushers = [threading.Thread(target=push_notes, args=args) for args in ((token, "a"), (other, "b"))]
    for pusher in pushers:
        pusher.start()
    seen, cursor = set(), 0
    while True:
        # Only a pull that began after the last push was answered may end the loop: one that began
        # before can miss that push although its answer arrives once the pushers have finished.
        pushes_answered = not any(pusher.is_alive() for pusher in pushers)
        answer = call(sync_server, "GET", f"changes/?since={cursor}", token=token)[1]
        seen |= {change["uid"] for change in answer["changes"]}
        cursor = answer["cursor"]
        if pushes_answered and not answer["changes"]:
            break
    assert seen == set(pushed) and len(pushed) == 50


def test_a_device_whose_change_numbers_went_back_is_told_to_start_afresh_and_nothing_is_applied(sync_server, token):
    """Its data folder was restored from an older copy: its change ids would repeat ones applied."""
    client = {"id": "c0ffee", "last_seq": 7}
    pushed = call(sync_server, "POST", "changes/", {"client": client, "changes": [
        {"change_id": "c0ffee:7:aa", "base_version": None, "note": a_note(title="Before the copy")}]}, token)
    assert pushed[0] == 200
    status, answer = call(sync_server, "POST", "changes/", {"client": {**client, "last_seq": 5}, "changes": [
        {"change_id": "c0ffee:5:bb", "base_version": None, "note": a_note(title="From the restored copy")}]}, token)
    assert (status, answer["start_afresh"]) == (409, True) and "restored from an older copy" in answer["error"]
    titles = [note["title"] for note in call(sync_server, "GET", "changes/?since=0", token=token)[1]["changes"]]
    assert titles == ["Before the copy"]
    assert call(sync_server, "POST", "changes/", {"client": {"id": "c0ffee", "last_seq": "7"}, "changes": []}, token)[0] == 400


@pytest.mark.parametrize(("field", "change"), [
    ("client", {"client": {"id": "c0ffee", "last_seq": 2**64}}),
    ("change 1: base_version", {"base_version": 2**64}),
])
def test_a_number_no_database_can_store_is_a_400_and_nothing_is_applied(sync_server, token, field, change):
    """Until this, a client's last_seq past PostgreSQL's bigint was a 500 ("Something went wrong
    on our side"), and a base_version past any version was taken as one."""
    status, answer = call(sync_server, "POST", "changes/", {"client": change.get("client"), "changes": [
        {"change_id": "c0ffee:1:aa", "base_version": change.get("base_version"), "note": a_note()}]}, token)
    assert status == 400 and answer["error"].startswith(f"{field}: ")
    assert call(sync_server, "GET", "changes/?since=0", token=token)[1]["changes"] == []


def test_the_servers_log_says_which_device_was_refused_and_why_without_the_notes_text(sync_server, token):
    """Until this, the log said "Bad Request: /api/sync/v1/changes/" and "Unauthorized: …": not
    whose device, nor why, so the host could not tell why someone's laptop stopped syncing."""
    secret_title = "Diary entry nobody else reads"
    call(sync_server, "POST", "changes/", {"changes": [
        {"change_id": "a:1", "base_version": None, "note": a_note(title=secret_title, pinned="yes")}]}, token)
    sync_server.revoke("script")
    call(sync_server, "GET", "changes/?since=0", token=token)
    call(sync_server, "GET", "changes/?since=0", token="ndt_never-made")
    log = sync_server.log.read_text()
    assert re.search(r"Sync refused POST /api/sync/v1/changes/ from device \d+ \('script' of person\): 400 change 1: pinned:", log)
    assert re.search(r"with the token of device \d+ \('script' of person\), revoked 20", log)
    assert "with a token this server never made." in log
    assert secret_title not in log and token not in log


def test_a_device_of_another_protocol_version_is_told_which_this_server_speaks_and_nothing_is_applied(sync_server, token):
    """A newer Notedesk on a device, the server not yet updated: until this, its requests to
    /api/sync/v2/ were a bare "not found", and a v2 push to v1's address was applied as v1."""
    request = urllib.request.Request(f"{sync_server.url}/api/sync/v2/changes/?since=0", headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    answer = json.loads(refused.value.read())
    assert (refused.value.code, answer["protocol"]) == (404, 1)
    assert answer["error"].startswith("This server speaks sync protocol version 1, and this device version 2: update Notedesk")
    status, answer = call(sync_server, "POST", "changes/", {"protocol": 2, "changes": [
        {"change_id": "a:1", "base_version": None, "note": a_note()}]}, token)
    assert status == 400 and "version 2" in answer["error"]
    status, answer = call(sync_server, "POST", "changes/", {"protocol": True, "changes": [
        {"change_id": "a:2", "base_version": None, "note": a_note()}]}, token)
    assert (status, answer["error"]) == (400, "protocol: must be a version number; this server speaks version 1. Nothing was applied.")
    assert call(sync_server, "GET", "changes/?since=0", token=token)[1]["changes"] == []
    assert call(sync_server, "GET", "nowhere/", token=token)[0] == 404


def test_a_note_trashed_on_a_device_whose_clock_is_months_behind_stays_in_the_server_s_trash_for_its_days(sync_server, token):
    # The device dated its trash months ago, and the server's upkeep, counting 30 days from that,
    # deleted the note for good at once, on every device.
    note = a_note(title="Trashed on the slow clock", trashed_at="2026-03-01T10:00:00+00:00")
    before_the_push = datetime.now(timezone.utc)
    answer = call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:1", "base_version": None, "note": note}]}, token)[1]
    assert answer["results"][0]["status"] == "applied"
    purged = server_python(sync_server.environment, "-c", (
        "import django; django.setup()\n"
        "from embedded_site.notes.trash import purge_expired_trash\n"
        "print(purge_expired_trash())"
    )).strip()
    assert purged == "0"
    [pulled] = call(sync_server, "GET", "changes/?since=0", token=token)[1]["changes"]
    assert pulled["title"] == "Trashed on the slow clock"
    assert datetime.fromisoformat(pulled["trashed_at"]) >= before_the_push  # counted from when the server had it

    pinned = {**note, "pinned": True, "version": 2, "trashed_at": "2026-03-01T10:00:00+00:00"}
    call(sync_server, "POST", "changes/", {"changes": [{"change_id": "a:2", "base_version": 1, "note": pinned}]}, token)
    [again] = call(sync_server, "GET", "changes/?since=0", token=token)[1]["changes"]
    assert (again["pinned"], again["trashed_at"]) == (True, pulled["trashed_at"])  # its time here kept
