"""POST /api/notes/<id>/attachments/, DELETE /api/notes/<id>/attachments/<id>/ and
GET /api/attachments/<id>/, and how attachment files reach the disk."""

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from embedded_site.notes.attachments import display_name, remove_partial_files, save_attachment
from embedded_site.notes.models import Attachment

MB = 1024 * 1024


def stored_files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_an_upload_answers_201_and_the_file_downloads_back(api, make_note, attachments_dir):
    note = make_note()
    response = api.upload(f"/api/notes/{note.pk}/attachments/", "report.pdf", b"%PDF-1.7 content")
    assert response.status_code == 201
    attachment = response.json()
    assert attachment["name"] == "report.pdf"
    assert attachment["size"] == 16
    assert attachment["url"] == f"/api/attachments/{attachment['id']}/"
    download = api.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 content"
    assert api.get(f"/api/notes/{note.pk}/").json()["attachments"] == [attachment]


def test_the_file_is_stored_in_the_data_dir_under_a_generated_name(api, make_note, attachments_dir):
    note = make_note()
    api.upload(f"/api/notes/{note.pk}/attachments/", "../../etc/evil.sh", b"#!/bin/sh")
    [stored] = stored_files(attachments_dir)
    assert len(stored) == 32 and all(char in "0123456789abcdef" for char in stored)
    assert Attachment.objects.get().name == "evil.sh"


@pytest.mark.parametrize(
    "client_name, shown",
    [
        ("C:\\Users\\me\\photo.png", "photo.png"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("tab\tand\nnewline.txt", "tabandnewline.txt"),
        ("..", "attachment"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_the_shown_name_has_no_folders_or_control_characters(client_name, shown):
    assert display_name(client_name) == shown


def test_an_uploaded_name_keeps_the_characters_a_browser_escapes_in_form_data(api, make_note, attachments_dir):
    """Chromium, Firefox and WebKit send `"`, CR and LF as %22, %0D and %0A (the HTML standard's
    multipart/form-data encoding); a % of the name itself is sent as it is."""
    note = make_note()
    as_sent = 'weird name ü 🎉 <>:%22|?*%0D%0A 100%.png'
    response = api.upload(f"/api/notes/{note.pk}/attachments/", as_sent, b"\x89PNG")
    assert response.json()["name"] == 'weird name ü 🎉 <>:"|?* 100%.png'
    assert Attachment.objects.get().name == 'weird name ü 🎉 <>:"|?* 100%.png'


def test_a_declared_content_length_over_the_limit_is_413_before_reading_and_stores_nothing(
    api, make_note, attachments_dir
):
    note = make_note()
    response = api.upload(f"/api/notes/{note.pk}/attachments/", "small.txt", b"tiny", CONTENT_LENGTH=str(26 * MB))
    assert response.status_code == 413
    assert response.json()["error"] == "The file is larger than the limit of 25.0\xa0MB."
    assert not Attachment.objects.exists()
    assert stored_files(attachments_dir) == []


def test_a_file_of_25_mb_and_one_byte_is_413_and_stores_nothing(api, make_note, attachments_dir, tmp_path):
    note = make_note()
    response = api.upload(f"/api/notes/{note.pk}/attachments/", "big.bin", b"\0" * (25 * MB + 1))
    assert response.status_code == 413
    assert not Attachment.objects.exists()
    assert stored_files(attachments_dir) == []


def test_the_limit_holds_while_streaming_when_the_declared_length_is_within_the_margin(
    api, make_note, attachments_dir, settings
):
    settings.NOTEDESK_MAX_ATTACHMENT_SIZE = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # the partial file spools to a temporary file
    note = make_note()
    response = api.upload(f"/api/notes/{note.pk}/attachments/", "just-over.bin", b"x" * 1001)
    assert response.status_code == 413
    assert not Attachment.objects.exists()
    assert stored_files(attachments_dir) == []
    assert api.upload(f"/api/notes/{note.pk}/attachments/", "at-limit.bin", b"x" * 1000).status_code == 201


def test_the_limit_counts_every_file_of_the_request(api, make_note, attachments_dir, settings):
    settings.NOTEDESK_MAX_ATTACHMENT_SIZE = 1000
    note = make_note()
    files = {name: SimpleUploadedFile(name, b"x" * 600) for name in ("file", "other")}
    response = api.client.post(f"/api/notes/{note.pk}/attachments/", files, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 413
    assert stored_files(attachments_dir) == []


def test_an_upload_of_more_files_than_django_takes_at_once_is_400_saying_how_many(api, make_note, attachments_dir, settings):
    """It said "The upload could not be read. Send it as multipart/form-data.", which it was."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = {f"file{number}": SimpleUploadedFile(f"photo{number}.jpg", b"x") for number in range(3)}
    response = api.client.post(f"/api/notes/{make_note().pk}/attachments/", files, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert response.json() == {"error": "The upload holds more files than the 2 one upload may hold. Send them in "
                                        "smaller groups."}
    assert stored_files(attachments_dir) == []


def test_an_upload_without_a_file_is_400_naming_the_field(api, make_note):
    note = make_note()
    response = api.client.post(f"/api/notes/{note.pk}/attachments/", {}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert response.json()["fields"] == {"file": ["This field is required."]}


def test_an_upload_that_is_not_multipart_is_400(api, make_note):
    note = make_note()
    response = api.client.post(
        f"/api/notes/{note.pk}/attachments/",
        b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["😀" * 240 + ".png", "𠀀" * 250 + ".txt"])
def test_a_file_name_too_long_for_a_part_header_is_400_saying_so(api, make_note, attachments_dir, name):
    """Django reads at most 1 KB of headers per part: a name of 250 characters of 4 bytes each in
    UTF-8 (emoji, CJK extension B) passes it."""
    response = api.upload(f"/api/notes/{make_note().pk}/attachments/", name, b"x")
    assert response.status_code == 400
    assert response.json()["error"] == (
        "The file's name is too long to upload: with it, the headers of its part of the upload pass 1024 bytes. "
        "Rename the file with a shorter name and try again."
    )
    assert stored_files(attachments_dir) == []


def test_an_upload_to_a_missing_note_is_404_and_stores_nothing(api, attachments_dir):
    assert api.upload("/api/notes/4040/attachments/", "a.txt", b"a").status_code == 404
    assert stored_files(attachments_dir) == []


def test_an_upload_without_the_csrf_token_is_403(csrf_client, db, make_note, attachments_dir):
    note = make_note()
    path = f"/api/notes/{note.pk}/attachments/"
    response = csrf_client.post(path, {"file": SimpleUploadedFile("a.txt", b"a")}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 403
    assert stored_files(attachments_dir) == []
    token = str(csrf_client.get("/").context["csrf_token"])
    response = csrf_client.post(
        path, {"file": SimpleUploadedFile("a.txt", b"a")}, HTTP_X_CSRFTOKEN=token, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "name, content_type, disposition",
    [
        ("photo.PNG", "image/png", 'inline; filename="photo.PNG"'),
        ("scan.pdf", "application/pdf", 'inline; filename="scan.pdf"'),
        ("readme.txt", "text/plain; charset=utf-8", 'inline; filename="readme.txt"'),
        ("page.html", "application/octet-stream", 'attachment; filename="page.html"'),
        ("drawing.svg", "application/octet-stream", 'attachment; filename="drawing.svg"'),
        ("tool.exe", "application/octet-stream", 'attachment; filename="tool.exe"'),
        ('say "hi".bin', "application/octet-stream", 'attachment; filename="say \\"hi\\".bin"'),
        ("naïve résumé.doc", "application/octet-stream", "attachment; filename*=utf-8''na%C3%AFve%20r%C3%A9sum%C3%A9.doc"),
    ],
)
def test_a_download_has_a_safe_type_and_disposition(api, make_note, name, content_type, disposition):
    note = make_note()
    url = api.upload(f"/api/notes/{note.pk}/attachments/", name, b"<script>alert(1)</script>").json()["url"]
    response = api.get(url)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_video_attachment_seeked_to_the_middle_gets_the_part_it_asks_for(api, make_note):
    """A player seeks by asking for the bytes from there on; the whole file came back from its
    start, as Django's FileResponse sends it to every request."""
    video = bytes(range(256)) * 8
    url = api.upload(f"/api/notes/{make_note().pk}/attachments/", "first steps.webm", video).json()["url"]
    response = api.client.get(url, HTTP_RANGE="bytes=1024-")  # as the player asks: not AJAX
    assert response.status_code == 206
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Range"] == "bytes 1024-2047/2048"
    assert b"".join(response.streaming_content) == video[1024:]


def test_a_missing_attachment_is_404(api):
    assert api.get("/api/attachments/4040/").status_code == 404


def test_an_attachment_whose_file_is_gone_is_404(api, make_note, attachments_dir):
    note = make_note()
    url = api.upload(f"/api/notes/{note.pk}/attachments/", "a.txt", b"a").json()["url"]
    for path in attachments_dir.iterdir():
        path.unlink()
    assert api.get(url).status_code == 404


def test_purging_a_note_deletes_its_attachment_files(api, make_note, attachments_dir, django_capture_on_commit_callbacks):
    note = make_note()
    kept = make_note()
    api.upload(f"/api/notes/{note.pk}/attachments/", "a.txt", b"a")
    api.upload(f"/api/notes/{note.pk}/attachments/", "b.txt", b"b")
    api.upload(f"/api/notes/{kept.pk}/attachments/", "c.txt", b"c")
    kept_file = Attachment.objects.get(note=kept).file.name
    note.trashed_at = datetime.now(timezone.utc)
    note.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/notes/{note.pk}/?purge=1").status_code == 204
    assert stored_files(attachments_dir) == [kept_file]
    assert list(Attachment.objects.values_list("name", flat=True)) == ["c.txt"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="names fsynced descriptors through /proc")
def test_an_upload_is_fsynced_and_so_is_its_folder_before_its_row_is_committed(
    api, make_note, attachments_dir, monkeypatch
):
    note = make_note()
    synced = []  # (what was fsynced, its size if a file, how many attachment rows there were then)
    real_fsync = os.fsync

    def recording_fsync(fd):
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        synced.append((path, None if path.is_dir() else path.stat().st_size, Attachment.objects.count()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    content = os.urandom(300_000)
    assert api.upload(f"/api/notes/{note.pk}/attachments/", "photo.jpg", content).status_code == 201
    [(file, file_size, rows_then), (folder, _, rows_later)] = synced
    assert (file.parent, file_size, rows_then) == (attachments_dir, len(content), 0)
    assert (folder, rows_later) == (attachments_dir, 0)
    assert (attachments_dir / Attachment.objects.get().file.name).read_bytes() == content


def test_a_write_cut_short_leaves_neither_a_file_nor_a_row(make_note, attachments_dir):
    def chunks_then_a_failing_disk():
        yield b"first part"
        raise OSError(5, "Input/output error")

    with pytest.raises(OSError):
        save_attachment(make_note(), "cut.bin", chunks_then_a_failing_disk())
    assert stored_files(attachments_dir) == []
    assert not Attachment.objects.exists()


def test_at_start_writes_cut_short_are_removed_and_whole_files_kept_even_without_a_row(api, make_note, attachments_dir):
    note = make_note()
    kept = api.upload(f"/api/notes/{note.pk}/attachments/", "kept.txt", b"kept").json()
    unnamed = "0123456789abcdef0123456789abcdef"  # a row never committed, or a database put back from a backup
    (attachments_dir / unnamed).write_bytes(b"a whole file")
    (attachments_dir / ".partial-x1y2").write_bytes(b"half a fi")
    assert remove_partial_files() == 1
    assert stored_files(attachments_dir) == sorted([Attachment.objects.get().file.name, unnamed])
    assert b"".join(api.get(kept["url"]).streaming_content) == b"kept"


def test_removing_an_attachment_answers_204_and_deletes_its_row_and_file(
    api, make_note, attachments_dir, django_capture_on_commit_callbacks
):
    note = make_note()
    removed = api.upload(f"/api/notes/{note.pk}/attachments/", "old.pdf", b"old").json()
    kept = api.upload(f"/api/notes/{note.pk}/attachments/", "new.pdf", b"new").json()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/notes/{note.pk}/attachments/{removed['id']}/")
    assert response.status_code == 204
    assert api.get(f"/api/notes/{note.pk}/").json()["attachments"] == [kept]
    assert api.get(removed["url"]).status_code == 404
    assert stored_files(attachments_dir) == [Attachment.objects.get().file.name]


def test_removing_a_missing_attachment_or_another_notes_is_a_json_404_and_removes_nothing(
    api, make_note, attachments_dir
):
    note, other = make_note(), make_note()
    theirs = api.upload(f"/api/notes/{other.pk}/attachments/", "theirs.txt", b"theirs").json()
    for note_id, attachment_id in ((note.pk, theirs["id"]), (note.pk, 4040), (2**63, theirs["id"])):
        response = api.delete(f"/api/notes/{note_id}/attachments/{attachment_id}/")
        assert response.status_code == 404
        assert response.json()["error"].startswith(f"Note {note_id} has no attachment")
    assert b"".join(api.get(theirs["url"]).streaming_content) == b"theirs"


def test_removing_an_attachment_without_the_csrf_token_is_403(csrf_client, db, make_note, attachments_dir):
    note = make_note()
    token = str(csrf_client.get("/").context["csrf_token"])
    attachment = csrf_client.post(
        f"/api/notes/{note.pk}/attachments/", {"file": SimpleUploadedFile("a.txt", b"a")},
        HTTP_X_CSRFTOKEN=token, HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    ).json()
    path = f"/api/notes/{note.pk}/attachments/{attachment['id']}/"
    assert csrf_client.delete(path, HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 403
    assert Attachment.objects.filter(pk=attachment["id"]).exists()
    assert csrf_client.delete(path, HTTP_X_CSRFTOKEN=token, HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code == 204
