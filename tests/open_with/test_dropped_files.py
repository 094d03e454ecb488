"""Files dropped onto the editor in the window: the page names them, the shell gives the paths it
recorded for the drop, the server reads each file itself, the 25 MB limit holds."""

import json
import os

import pytest

from django_desktop_shell import native
from django_desktop_shell.process.drops import DroppedFiles
from django_desktop_shell.process.native_dialogs import WindowNativeFunctions
from embedded_site.notes.models import Attachment, Note
from embedded_site.notes.owners import local_owner
from tests.notes.conftest import XHR

pytestmark = pytest.mark.django_db


@pytest.fixture
def dropped(monkeypatch):
    drops = DroppedFiles()
    monkeypatch.setattr(native, "functions", WindowNativeFunctions(window=None, dropped=drops))
    return drops


def drop(client, note_id, names):
    response = client.post(f"/api/notes/{note_id}/attachments/dropped/", json.dumps({"names": names}),
                           content_type="application/json", **XHR)
    return response.status_code, response.json()


def test_dropped_files_are_attached_under_their_real_names_read_by_the_server(client, dropped, tmp_path):
    note = Note.objects.create(owner=local_owner(), title="n")
    (tmp_path / "report 2026.pdf").write_bytes(b"%PDF-1.4 content")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    dropped.record([tmp_path / "report 2026.pdf", tmp_path / "photo.png"])
    status, answer = drop(client, note.pk, ["report 2026.pdf", "photo.png", "from-a-web-page.jpg"])
    assert status == 200
    assert [attachment["name"] for attachment in answer["attachments"]] == ["report 2026.pdf", "photo.png"]
    assert answer["unmatched"] == ["from-a-web-page.jpg"] and answer["messages"] == []
    stored = Attachment.objects.get(name="report 2026.pdf")
    assert stored.file.read() == b"%PDF-1.4 content" and stored.size == 16
    # Each dropped path is given once: claiming it again gets nothing.
    assert drop(client, note.pk, ["photo.png"])[1]["unmatched"] == ["photo.png"]


def test_a_page_cannot_name_a_path_it_was_not_given(client, dropped, tmp_path):
    note = Note.objects.create(owner=local_owner(), title="n")
    dropped.record([tmp_path / "a.txt"])
    for names in (["/etc/passwd"], ["../a.txt"], ["passwd"]):
        assert drop(client, note.pk, names)[1]["unmatched"] == names
    assert Attachment.objects.count() == 0


def test_over_the_limit_a_folder_an_unreadable_file_and_a_vanished_one_each_say_why(client, dropped, tmp_path, settings,
                                                                                    monkeypatch):
    settings.NOTEDESK_MAX_ATTACHMENT_SIZE = 1000

    open_as_root = os.open

    def open_as_a_user(path, flags, *mode):  # the tests run as root too, who reads a mode-0 file
        if os.path.basename(path) == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return open_as_root(path, flags, *mode)

    monkeypatch.setattr(os, "open", open_as_a_user)
    note = Note.objects.create(owner=local_owner(), title="n")
    (tmp_path / "big.bin").write_bytes(b"x" * 1001)
    (tmp_path / "folder").mkdir()
    (tmp_path / "locked.txt").write_bytes(b"x")
    (tmp_path / "fine.txt").write_bytes(b"fine")
    names = ["big.bin", "folder", "locked.txt", "gone.txt", "fine.txt"]
    dropped.record([tmp_path / name for name in names])
    folder = Attachment.file.field.storage.location
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    status, answer = drop(client, note.pk, names)
    assert status == 200
    assert [attachment["name"] for attachment in answer["attachments"]] == ["fine.txt"]
    expected = [
        "“big.bin” is 1001\xa0bytes: larger than the limit of 1000\xa0bytes for an attachment. It was not attached.",
        "“folder” is a folder: only files can be attached.",
        "“locked.txt” could not be read: Permission denied.",
        f"“gone.txt” was not found: {tmp_path / 'gone.txt'}",
    ]
    assert answer["messages"] == expected
    assert Attachment.objects.count() == 1
    assert set(os.listdir(folder)) - before == {Attachment.objects.get().file.name}  # nothing half-written left


def test_the_real_limit_is_25_mb_and_the_refusal_says_so(client, dropped, tmp_path):
    note = Note.objects.create(owner=local_owner(), title="n")
    with open(tmp_path / "huge.iso", "wb") as file:
        file.truncate(25 * 1024 * 1024 + 1)
    dropped.record([tmp_path / "huge.iso"])
    assert drop(client, note.pk, ["huge.iso"])[1]["messages"] == [
        "“huge.iso” is 25.0\xa0MB: larger than the limit of 25.0\xa0MB for an attachment. It was not attached."]


def test_outside_the_window_and_on_a_trashed_note_dropping_is_refused(client, dropped, monkeypatch):
    note = Note.objects.create(owner=local_owner(), title="n", trashed_at="2026-01-01T00:00:00Z")
    assert drop(client, note.pk, ["a"])[0] == 409
    monkeypatch.setattr(native, "functions", None)
    assert drop(client, Note.objects.create(owner=local_owner(), title="m").pk, ["a"])[0] == 409
    assert drop(client, 1, [])[0] == 400


def open_dropped(client, names):
    response = client.post("/api/notes/dropped/", json.dumps({"names": names}), content_type="application/json", **XHR)
    return response.status_code, response.json()


def test_files_dropped_onto_the_list_open_as_notes_as_from_the_command_line(client, dropped, tmp_path):
    # Dropped onto the list, a file did nothing in the window (WebKit's own drop was refused).
    (tmp_path / "Trip plan.md").write_text("# Lisbon in May\n\n- tickets\n", encoding="utf-8")
    (tmp_path / "Photos").mkdir()
    dropped.record([tmp_path / "Trip plan.md", tmp_path / "Photos"])
    status, answer = open_dropped(client, ["Trip plan.md", "Photos", "from-a-web-page.txt"])
    assert status == 200
    assert [(note["title"], note["body"]) for note in answer["notes"]] == [("Lisbon in May", "# Lisbon in May\n\n- tickets\n")]
    assert [message["text"] for message in answer["messages"]] == ["“Photos” is a folder: open a text or Markdown file."]
    assert answer["unmatched"] == ["from-a-web-page.txt"] and answer["imports"] == []
    assert Note.objects.get().title == "Lisbon in May"
    # Dropped again, unchanged: the same note, not a second one.
    dropped.record([tmp_path / "Trip plan.md"])
    assert open_dropped(client, ["Trip plan.md"])[1]["notes"][0]["id"] == answer["notes"][0]["id"]
    assert Note.objects.count() == 1


def test_files_dropped_outside_the_window_are_refused_saying_how_else(client, monkeypatch):
    monkeypatch.setattr(native, "functions", None)
    status, answer = open_dropped(client, ["notes.md"])
    assert status == 409 and answer["error"] == "Only the app's window gives the paths of dropped files: upload them instead."
    assert open_dropped(client, [])[0] == 400
