"""Files opened from outside become notes (embedded_site/open_with), through the shell's
django_desktop_shell.opening: title, exact body, the same file opening its note again, and each
kind of bad file refused with a clear sentence, leaving nothing behind."""

import json
import os
import threading
import time
import zipfile
from contextlib import suppress
from unittest import mock

import pytest

from django_desktop_shell import opening
from embedded_site.notes.models import Note
from embedded_site.open_with.models import OpenedFile
from embedded_site.open_with.text_files import MAX_FILE_BYTES, title_of

pytestmark = pytest.mark.django_db


def write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_markdown_file_becomes_a_note_titled_by_its_first_heading_with_its_body_exact(tmp_path):
    body = "Intro line\r\n\n## Groceries ##\n\n- milk  \n- eggs\t\n\n\n"
    path = write(tmp_path, "list.md", body.encode())
    detail = opening.open_files([path])
    assert detail["messages"] == []
    [note] = detail["notes"]
    assert (note["title"], note["body"]) == ("Groceries", body)
    assert OpenedFile.objects.get().path == str(path)


@pytest.mark.parametrize(("body", "title"), [
    ("Title\n=====\n\ntext", "Title"),
    ("```\n# not a heading\n```\n# Real one", "Real one"),
    ("no heading at all\n", "notes"),
    ("#hashtag is not a heading\n", "notes"),
    ("    # indented code\n", "notes"),
    ("---\ntitle: From the front matter\ntags: [a]\n---\n# A heading\n", "From the front matter"),
    ("---\nupdated: 2024-01-01\n---\nA line, not the front matter's underline\n", "notes"),
    ("\ufeff# Saved with a byte order mark\n", "Saved with a byte order mark"),
])
def test_the_title_is_the_first_heading_else_the_file_name(tmp_path, body, title):
    assert title_of(body, tmp_path / "notes.md") == title


def test_the_same_path_and_content_opens_the_existing_note_and_a_change_makes_a_new_one(tmp_path):
    path = write(tmp_path, "a.txt", b"first")
    first = opening.open_files([path])["notes"][0]
    again = opening.open_files([path])
    assert again["notes"][0]["id"] == first["id"]
    assert "opened before" in again["messages"][0]["text"]
    path.write_bytes(b"second")
    assert opening.open_files([path])["notes"][0]["id"] != first["id"]
    assert Note.objects.count() == 2


def test_several_files_at_once_each_become_a_note_and_the_bad_ones_say_why(tmp_path):
    good = [write(tmp_path, f"n{number}.md", f"# Note {number}\n".encode()) for number in range(3)]
    detail = opening.open_files([*good, tmp_path / "gone.md"])
    assert [note["title"] for note in detail["notes"]] == ["Note 0", "Note 1", "Note 2"]
    assert detail["messages"] == [{"kind": "error", "text": f"“gone.md” was not found: {tmp_path / 'gone.md'}"}]


def refused(path):
    before = (Note.objects.count(), OpenedFile.objects.count())
    detail = opening.open_files([path])
    assert detail["notes"] == [] and (Note.objects.count(), OpenedFile.objects.count()) == before
    [message] = detail["messages"]
    assert message["kind"] == "error"
    return message["text"]


def test_bad_files_are_refused_with_a_clear_message_and_nothing_imported(tmp_path):
    assert refused(tmp_path / "missing.md") == f"“missing.md” was not found: {tmp_path / 'missing.md'}"
    (tmp_path / "folder.md").mkdir()
    assert refused(tmp_path / "folder.md") == "“folder.md” is a folder: open a text or Markdown file."
    big = write(tmp_path, "big.md", b"a" * (MAX_FILE_BYTES + 1))
    assert refused(big) == "“big.md” is 1.0 MB: too large to open as a note (the limit is 1 MB)."
    binary = write(tmp_path, "photo.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert refused(binary) == "“photo.md” is not a text file: only text and Markdown files open as notes."
    os.mkfifo(tmp_path / "pipe.md")
    assert refused(tmp_path / "pipe.md") == "“pipe.md” is not a regular file: open a text or Markdown file."
    locked = write(tmp_path, "locked.md", b"secret")
    locked.chmod(0)
    if os.geteuid() != 0:  # root reads it anyway
        assert refused(locked) == "“locked.md” could not be read: Permission denied."


def test_invalid_utf8_opens_with_replacement_characters_and_says_so(tmp_path):
    path = write(tmp_path, "latin1.txt", "café au lait".encode("latin-1"))
    detail = opening.open_files([path])
    assert detail["notes"][0]["body"] == "caf\ufffd au lait"
    assert detail["messages"] == [{"kind": "warning", "text": "“latin1.txt” is not valid UTF-8: it was opened with � in "
                                                              "place of the bytes that could not be read."}]


def test_a_failure_while_recording_the_file_leaves_no_note(tmp_path):
    path = write(tmp_path, "a.md", b"# A")
    with mock.patch.object(OpenedFile.objects, "create", side_effect=RuntimeError("disk gone")):
        detail = opening.open_files([path])
    assert "went wrong" in detail["messages"][0]["text"]
    assert Note.objects.count() == 0 and OpenedFile.objects.count() == 0


def test_a_trashed_note_is_not_reopened_the_file_becomes_a_new_one(tmp_path):
    path = write(tmp_path, "a.md", b"# A")
    first = opening.open_files([path])["notes"][0]
    Note.objects.filter(pk=first["id"]).update(trashed_at="2026-01-01T00:00:00Z")
    assert opening.open_files([path])["notes"][0]["id"] != first["id"]


def finished(job_payload: dict) -> dict:
    from embedded_site.notes import jobs

    deadline = time.monotonic() + 10
    while (payload := jobs.jobs[job_payload["id"]].payload())["state"] == "running":
        assert time.monotonic() < deadline, "the import never finished"
        time.sleep(0.02)
    return payload


@pytest.mark.django_db(transaction=True)
def test_a_file_that_holds_notes_is_imported_not_opened_as_a_note_of_its_text(tmp_path):
    """An Evernote export, Notedesk's JSON export or a zip of Markdown notes, opened with the app
    (from a terminal, or dropped on the window): its notes are imported, as its Import button
    would, and the file stays where it was."""
    enex = write(tmp_path, "Notebook.enex", b"<en-export><note><title>From Evernote</title>"
                                            b"<content>&lt;en-note&gt;Hi&lt;/en-note&gt;</content></note></en-export>")
    export = write(tmp_path, "notedesk.json", json.dumps({"format": "notedesk-notes", "version": 3, "notes": [
        {"uid": "0a46ec72-6fe4-43aa-b825-271a92d856f9", "title": "From Notedesk", "body": "", "tags": [],
         "pinned": False, "created": "2025-01-01T00:00:00+00:00", "updated": "2025-01-01T00:00:00+00:00"}]}).encode())
    vault = tmp_path / "vault.zip"
    with zipfile.ZipFile(vault, "w") as archive:
        archive.writestr("Vault/From Obsidian.md", "Text")
    settings_file = write(tmp_path, "settings.json", b'{"theme": "dark"}')
    detail = opening.open_files([enex, export, vault, settings_file])
    assert [note["title"] for note in detail["notes"]] == ["settings"]  # another JSON file is a text, as before
    assert [finished(job)["result"]["created"] for job in detail["imports"]] == [1, 1, 1]
    assert sorted(Note.objects.values_list("title", flat=True)) == [
        "From Evernote", "From Notedesk", "From Obsidian", "settings"]
    assert enex.exists() and export.exists() and vault.exists()


@pytest.mark.django_db(transaction=True)
def test_a_standard_notes_backup_opened_with_the_app_is_imported(tmp_path):
    backup = {"version": "004", "items": [
        {"uuid": "0a46ec72-6fe4-43aa-b825-271a92d856fa", "content_type": "Note", "created_at": "2025-01-01T00:00:00.000Z",
         "updated_at": "2025-01-01T00:00:00.000Z", "content": {"title": "From Standard Notes", "text": "Hi", "references": []}}]}
    text = write(tmp_path, "Standard Notes Backup and Import File.txt", json.dumps(backup, indent=2).encode())
    plain = write(tmp_path, "list.txt", b"Milk\nBread\n")
    detail = opening.open_files([text, plain])
    assert [note["title"] for note in detail["notes"]] == ["list"]  # another text file is a note, as before
    assert [finished(job)["result"]["created"] for job in detail["imports"]] == [1]
    assert Note.objects.get(title="From Standard Notes").body == "Hi"


@pytest.mark.django_db(transaction=True)
def test_a_joplin_jex_file_opened_with_the_app_is_imported(tmp_path):
    import io
    import tarfile

    from tests.notes.test_foreign_import import joplin_raw_export

    jex = tmp_path / "Joplin.jex"
    with zipfile.ZipFile(io.BytesIO(joplin_raw_export())) as raw, tarfile.open(jex, "w") as archive:
        for info in raw.infolist():
            content = raw.read(info)
            member = tarfile.TarInfo(info.filename.removeprefix("export/"))
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    detail = opening.open_files([jex])
    assert detail["notes"] == []
    assert [finished(job)["result"]["created"] for job in detail["imports"]] == [3]
    assert jex.exists()


@pytest.mark.parametrize("name", ["pipe.txt", "pipe.json", "pipe.enex", "pipe.md"])
def test_a_fifo_given_as_a_file_is_refused_at_once_and_the_next_file_still_opens(tmp_path, name):
    """A FIFO named like an export was opened to read its first bytes, which waited for a writer
    forever, and every file given to the app after it waited behind it."""
    os.mkfifo(tmp_path / name)
    hung_open_let_go = threading.Timer(3, let_go, [tmp_path / name])
    hung_open_let_go.start()
    started = time.monotonic()
    detail = opening.open_files([tmp_path / name, write(tmp_path, "next.md", b"# Next")])
    hung_open_let_go.cancel()
    assert time.monotonic() - started < 3
    assert detail["messages"] == [{"kind": "error", "text": f"“{name}” is not a regular file: open a text or Markdown file."}]
    assert detail["imports"] == [] and [note["title"] for note in detail["notes"]] == ["Next"]


def let_go(fifo):
    """Open the FIFO's other end, so that a read waiting on it ends (and with it the test)."""
    with suppress(OSError):  # no one is waiting
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["takeout-20261207.tgz", "takeout-20261207.tar.gz"])
def test_a_takeout_tgz_opened_with_the_app_or_dropped_on_it_is_imported(tmp_path, name):
    from tests.notes.test_notion_keep_import import keep_takeout, tgz

    takeout = write(tmp_path, name, tgz(keep_takeout()))
    detail = opening.open_files([takeout])
    assert detail["notes"] == [] and detail.get("messages", []) == []
    assert [finished(job)["result"]["created"] for job in detail["imports"]] == [3]
    assert takeout.exists()


@pytest.mark.django_db(transaction=True)
def test_the_parts_of_a_takeout_dropped_together_are_imported_as_one_a_note_s_picture_from_another_part_with_it(tmp_path):
    from embedded_site.notes.models import Attachment
    from tests.notes.test_notion_keep_import import takeout_in_parts

    first, second = takeout_in_parts(tmp_path)
    notes_file = write(tmp_path, "plan.md", b"# Plan\n")
    detail = opening.open_files([first, notes_file, second])
    assert len(detail["imports"]) == 1  # one import of both parts, not one of each
    result = finished(detail["imports"][0])["result"]
    assert (result["created"], result["attachments"]) == (3, 1)
    assert Attachment.objects.get().note.title == "Idea"
    assert [note["title"] for note in detail["notes"]] == ["Plan"]  # the other file opens as it did
