"""DELETE /api/trash/: every note in the trash deleted for good, with its attachment files."""

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from embedded_site.notes.models import Attachment, Note
from tests.conftest import LoopbackConnection, exit_code_within, start_headless
from tests.notes.conftest import check_search_index

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def stored_files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def trash(note):
    note.trashed_at = datetime.now(timezone.utc)
    note.save()


def test_emptying_the_trash_deletes_only_the_trashed_notes_and_their_files(
    api, make_note, attachments_dir, django_capture_on_commit_callbacks
):
    trashed = [make_note(title="zebra one", body="stripes"), make_note(title="zebra two", tags=["old"])]
    live = make_note(title="zebra kept", body="still here", tags=["old"])
    for note in (*trashed, live):
        api.upload(f"/api/notes/{note.pk}/attachments/", "file.txt", f"bytes of {note.pk}".encode())
    live_file = Attachment.objects.get(note=live).file.name
    for note in trashed:
        trash(note)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete("/api/trash/")
    assert response.status_code == 200
    assert response.json() == {"deleted": 2}

    assert list(Note.objects.values_list("pk", flat=True)) == [live.pk]
    assert stored_files(attachments_dir) == [live_file]
    assert list(Attachment.objects.values_list("note_id", flat=True)) == [live.pk]
    untouched = api.get(f"/api/notes/{live.pk}/").json()
    assert (untouched["body"], untouched["version"], untouched["tags"]) == ("still here", 1, ["old"])
    assert b"".join(api.get(untouched["attachments"][0]["url"]).streaming_content) == f"bytes of {live.pk}".encode()
    assert api.get("/api/notes/", {"trashed": 1}).json() == {"notes": [], "total": 0}


def test_the_search_index_follows(api, make_note, django_capture_on_commit_callbacks):
    make_note(title="zebra gone", body="stripes", trashed_at=datetime.now(timezone.utc))
    make_note(title="zebra kept")
    with django_capture_on_commit_callbacks(execute=True):
        api.delete("/api/trash/")
    check_search_index()
    for trashed in ("0", "1"):
        found = api.get("/api/notes/", {"q": "zebra", "trashed": trashed}).json()
        assert [note["title"] for note in found["notes"]] == (["zebra kept"] if trashed == "0" else [])
    assert api.get("/api/notes/", {"q": "stripes", "trashed": "1"}).json()["total"] == 0


def test_an_empty_trash_deletes_nothing(api, make_note):
    make_note(title="live")
    response = api.delete("/api/trash/")
    assert (response.status_code, response.json()) == (200, {"deleted": 0})
    assert Note.objects.count() == 1


def test_emptying_the_trash_needs_the_csrf_token(csrf_client, db, make_note):
    make_note(title="trashed", trashed_at=datetime.now(timezone.utc))
    response = csrf_client.delete("/api/trash/", **XHR)
    assert response.status_code == 403
    assert "error" in response.json()
    assert Note.objects.count() == 1
    token = str(csrf_client.get("/").context["csrf_token"])
    response = csrf_client.delete("/api/trash/", HTTP_X_CSRFTOKEN=token, **XHR)
    assert (response.status_code, response.json()) == (200, {"deleted": 1})


def test_other_methods_are_405_json_and_delete_nothing(api, make_note):
    make_note(title="trashed", trashed_at=datetime.now(timezone.utc))
    for response in (api.get("/api/trash/"), api.post("/api/trash/")):
        assert response.status_code == 405
        assert response["Allow"] == "DELETE"
        assert "DELETE" in response.json()["error"]
    assert Note.objects.count() == 1


@pytest.mark.desktop  # a launch, and SQLite's FTS5 indexes
def test_a_note_deleted_for_good_leaves_no_word_in_the_data_folder(tmp_path, app_env):
    # An outside trial: after Empty trash, the deleted note's words were still in notedesk.sqlite3,
    # in the search index's pages (each word with its place in the note, so the text could be read back).
    process, url = start_headless(tmp_path, app_env)
    data_dir = tmp_path / "data"
    try:
        parts = urlsplit(url)
        token = parse_qs(parts.query)["token"][0]

        def call(method, path, payload=None):
            connection = LoopbackConnection(parts.hostname, parts.port, timeout=30)
            connection.request(method, path, json.dumps(payload) if payload is not None else None, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json", **{"X-Requested-With": "XMLHttpRequest"}})
            response = connection.getresponse()
            body = response.read()
            assert response.status < 300, (method, path, response.status, body)
            return json.loads(body) if body else None

        kept = call("POST", "/api/notes/", {"title": "Diary", "body": "walked the zebrakept dog"})
        secret = call("POST", "/api/notes/", {"title": "Health", "body": "the quokkasecret diagnosis, in confidence"})
        for number in range(3):
            call("PATCH", f"/api/notes/{secret['id']}/", {"body": f"quokkasecret edit {number}", "version": secret["version"] + number})
        second = call("POST", "/api/notes/", {"title": "Passwords", "body": "quokkasecret again"})
        call("DELETE", f"/api/notes/{secret['id']}/")
        assert call("DELETE", "/api/trash/") == {"deleted": 1}
        call("DELETE", f"/api/notes/{second['id']}/")
        call("DELETE", f"/api/notes/{second['id']}/?purge=1")  # while the first purge's words are being forgotten

        def files_holding(word):
            holding = []
            for path in data_dir.rglob("*"):
                try:
                    if path.is_file() and "backups" not in path.parts and word in path.read_bytes():
                        holding.append(path.relative_to(data_dir))
                except FileNotFoundError:  # a temporary file (a backup's, a log's) gone since the listing
                    pass
            return holding

        deadline = time.monotonic() + 60
        while files_holding(b"quokkasecret") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert files_holding(b"quokkasecret") == []
        assert [note["title"] for note in call("GET", "/api/notes/?q=zebrakept")["notes"]] == [kept["title"]]
    finally:
        process.terminate()
        exit_code_within(process, 10)
    assert files_holding(b"quokkasecret") == []
    assert Path("notedesk.sqlite3") in files_holding(b"zebrakept")
