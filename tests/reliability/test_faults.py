"""Faults while Notedesk runs: a full disk, a data dir gone read-only, a database locked by
another program, errors in the server's threads. Each gives the client a clear JSON error (503
for the storage faults, docs/reliability.md) and loses nothing that was acknowledged."""

import http.client
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import zipfile

import pytest
from django.http import StreamingHttpResponse

from django_desktop_shell.process.logs import configure_logging
from tests.conftest import ROOT
from tests.reliability.conftest import (
    another_program_holding_the_write_lock, data_dir_with_own_logs, fill_up, integrity_problems,
    make_read_only, multipart, new_uid, poll, unmount,
)

MB = 1024 * 1024


def create(api, body: str, expect: int = 201) -> dict:
    answer = api.send_json("POST", "/api/notes/", {"uid": new_uid(), "title": "Kept", "body": body})
    assert answer.status == expect, answer.body
    return answer.json()


def assert_storage_error(answer, words: str) -> None:
    """A 503 the app's own page can show: JSON, with a sentence naming the problem."""
    assert answer.status == 503, answer.body
    assert answer.content_type.startswith("application/json")
    assert words in answer.json()["error"], answer.json()


def bodies_by_id(api) -> dict[int, str]:
    return {note["id"]: note["body"] for note in api.request("GET", "/api/notes/?limit=200").json()["notes"]}


def test_a_full_disk_answers_503_saying_so_keeps_what_was_saved_and_recovers(notedesk, mounts, tmp_path):
    disk = mounts("-t", "tmpfs", "-o", "size=8m", "tmpfs", at=tmp_path / "disk")
    app = notedesk(data_dir_with_own_logs(disk, tmp_path / "logs", mounts))
    api = app.client()
    saved = create(api, "written before the disk filled up")
    filler = fill_up(disk)

    big = "x" * 900_000  # more than the WAL file has room for, so SQLite must grow it
    assert_storage_error(api.send_json("POST", "/api/notes/", {"uid": new_uid(), "body": big}), "disk")
    edit = api.send_json("PATCH", f"/api/notes/{saved['id']}/", {"body": big, "version": saved["version"]})
    assert_storage_error(edit, "disk")
    upload = api.upload(f"/api/notes/{saved['id']}/attachments/", "photo.png", b"\x89PNG" * (MB // 4))
    assert_storage_error(upload, "disk")
    assert list((app.data_dir / "attachments").glob("*")) == [], "a partial attachment file takes up the disk"
    assert bodies_by_id(api) == {saved["id"]: "written before the disk filled up"}  # reading still works
    assert "disk" in app.log_text() and "full" in app.log_text()

    filler.unlink()
    after = create(api, big)
    assert api.upload(f"/api/notes/{saved['id']}/attachments/", "photo.png", b"png").status == 201
    app.stop()
    assert integrity_problems(app.database) == []
    api = notedesk(app.data_dir).client()
    assert bodies_by_id(api) == {saved["id"]: "written before the disk filled up", after["id"]: big}


def finished_job(api, job: dict) -> dict:
    def finished():
        latest = api.request("GET", f"/api/jobs/{job['id']}/").json()
        return latest if latest["state"] != "running" else None

    return poll(finished, 30, f"the {job['kind']} job")


def test_on_a_nearly_full_disk_an_open_app_s_days_copy_waits_for_room_then_is_made(mounts, tmp_path):
    # An app left open looks every ten minutes whether the day's copy is due: on a disk without
    # room for it, each look's copy took the disk's last bytes until it failed, and the app's
    # saves meanwhile were refused.
    disk = mounts("-t", "tmpfs", "-o", "size=16m", "tmpfs", at=tmp_path / "disk")
    script = textwrap.dedent(f"""
        import logging, sys, time
        from datetime import datetime, timedelta, timezone
        from pathlib import Path
        from django_desktop_shell import database, runtime
        from django_desktop_shell.identity import load
        from django_desktop_shell.process import paths, site
        data = Path({str(disk / "data")!r}); paths.prepare_data_dir(data)
        site.configure(runtime.Runtime(identity=load(Path({str(ROOT)!r})), data_dir=data))
        logging.getLogger("django_desktop_shell").addHandler(logging.StreamHandler(sys.stdout))
        notes = data / "notedesk.sqlite3"
        database.prepare_database()
        copy = database.backup_database(notes)
        copy.rename(copy.with_name(f"notedesk-{{datetime.now(timezone.utc) - timedelta(days=1, minutes=1):%Y%m%d-%H%M%S-%f}}.sqlite3"))
        database.fold_write_ahead_logs()
        from tests.reliability.conftest import fill_up  # it sets up the tests' own settings if imported first
        filler = fill_up(Path({str(disk)!r}))
        database.BACKUP_LOOK_EVERY_S = 0.05
        database.DayWatch.start()  # the app open, the day past
        time.sleep(1)
        print("copies on the full disk:", len(database.backups(notes)))
        filler.unlink()
        deadline = time.monotonic() + 30
        while (len(database.backups(notes)) < 2 or database.backup_in_progress()) and time.monotonic() < deadline:
            time.sleep(0.05)
        print("copies once there is room:", len(database.backups(notes)))
        database.fold_write_ahead_logs()
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == [
        "The day's backup waits for room on the disk: a copy of the database would take the last of it, and the app's "
        "saves would be refused while it was made",
        "copies on the full disk: 1",
        "copies once there is room: 2",
    ], result.stderr


def test_an_export_on_a_full_disk_fails_saying_the_disk_is_full_and_where_and_leaves_no_file(notedesk, mounts, tmp_path):
    disk = mounts("-t", "tmpfs", "-o", "size=8m", "tmpfs", at=tmp_path / "disk")
    app = notedesk(data_dir_with_own_logs(disk, tmp_path / "logs", mounts))
    api = app.client()
    note = create(api, "with a photo")
    photo = os.urandom(2 * MB)  # does not compress: the zip needs as much room
    assert api.upload(f"/api/notes/{note['id']}/attachments/", "photo.jpg", photo).status == 201
    exports = app.data_dir / "exports"
    filler = fill_up(disk)

    for export_format in ("json", "markdown"):
        job = api.send_json("POST", "/api/jobs/export/", {"format": export_format, "destination": "download"}).json()
        failed = finished_job(api, job)
        assert failed["state"] == "failed"
        assert failed["error"].startswith(f"The disk is full: there is no room for the export in {exports}.")
        assert list(exports.iterdir()) == [], "a partial export takes up the disk"

    filler.unlink()
    done = finished_job(api, api.send_json("POST", "/api/jobs/export/", {"format": "markdown", "destination": "download"}).json())
    exported = zipfile.ZipFile(io.BytesIO(api.request("GET", f"/api/jobs/{done['id']}/file/").body))
    assert exported.read("Kept/photo.jpg") == photo


def markdown_export_with(name: str, content: bytes) -> bytes:
    uid = new_uid()
    note = (
        f'---\ntitle: "Scans"\ntags: []\npinned: false\nuid: "{uid}"\ncreated: "2025-01-01T00:00:00+00:00"\n'
        f'updated: "2025-01-01T00:00:00+00:00"\nattachments: {json.dumps([{"name": name, "file": f"scans/{name}"}])}\n---\n'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scans.md", note)
        archive.writestr(f"scans/{name}", content)
    return buffer.getvalue()


def test_an_import_on_a_full_disk_fails_saying_the_disk_is_full_and_where_and_leaves_nothing_half_written(
    notedesk, mounts, tmp_path
):
    disk = mounts("-t", "tmpfs", "-o", "size=8m", "tmpfs", at=tmp_path / "disk")
    app = notedesk(data_dir_with_own_logs(disk, tmp_path / "logs", mounts))
    api = app.client()
    scan = b"\0" * (3 * MB)  # a few KB in the zip, 3 MB once imported
    body, content_type = multipart([("file", "notes.zip", markdown_export_with("scan.tiff", scan))])
    filler = fill_up(disk)
    os.truncate(filler, filler.stat().st_size - MB)  # room for the upload, not for the scan

    job = api.request("POST", "/api/jobs/import/", body, {"Content-Type": content_type}).json()
    failed = finished_job(api, job)
    assert failed["state"] == "failed"
    assert failed["error"].startswith(f"The disk that holds your notes ({app.data_dir}) is full")
    assert list((app.data_dir / "attachments").iterdir()) == [], "a partial attachment takes up the disk"
    assert list((app.data_dir / "imports").iterdir()) == []
    assert api.request("GET", "/api/notes/").json()["total"] == 0, "half an import: the note without its file"

    filler.unlink()
    job = api.request("POST", "/api/jobs/import/", body, {"Content-Type": content_type}).json()
    assert finished_job(api, job)["result"] == {"created": 1, "updated": 0, "unchanged": 0, "attachments": 1, "tags": []}
    [note] = api.request("GET", "/api/notes/").json()["notes"]
    assert api.request("GET", note["attachments"][0]["url"]).body == scan


def test_a_data_dir_gone_read_only_answers_503_saying_so_and_keeps_what_was_saved(notedesk, mounts, ext4_disk, tmp_path):
    disk, image = ext4_disk
    app = notedesk(data_dir_with_own_logs(disk, tmp_path / "logs", mounts))
    api = app.client()
    saved = [create(api, f"saved {number}") for number in range(3)]
    make_read_only(disk)

    edit = api.send_json("PATCH", f"/api/notes/{saved[0]['id']}/", {"body": "lost?", "version": saved[0]["version"]})
    assert_storage_error(edit, "read-only")
    assert_storage_error(api.send_json("POST", "/api/notes/", {"body": "new"}), "read-only")
    assert_storage_error(api.upload(f"/api/notes/{saved[0]['id']}/attachments/", "a.txt", b"text"), "read-only")
    assert "read-only" in app.log_text()

    app.stop()
    unmount(disk)
    subprocess.run(["e2fsck", "-fy", str(image)], capture_output=True, timeout=60)  # as after a real disk error
    mounts("-o", "loop", str(image), at=disk)
    assert integrity_problems(app.database) == []
    api = notedesk(app.data_dir).client()
    assert bodies_by_id(api) == {note["id"]: note["body"] for note in saved}


def test_a_database_locked_by_another_program_answers_503_after_the_timeout_and_reads_go_on(notedesk):
    app = notedesk()
    api = app.client()
    saved = create(api, "before the lock")
    with another_program_holding_the_write_lock(app.database):
        assert api.request("GET", f"/api/notes/{saved['id']}/").status == 200  # WAL: readers never wait
        edit = api.send_json("PATCH", f"/api/notes/{saved['id']}/", {"body": "after", "version": saved["version"]})
        assert_storage_error(edit, "Another program")  # after the 10 s busy timeout
    assert "Another program" in app.log_text()
    edit = api.send_json("PATCH", f"/api/notes/{saved['id']}/", {"body": "after", "version": saved["version"]})
    assert edit.status == 200
    assert bodies_by_id(api) == {saved["id"]: "after"}


def test_a_data_folder_deleted_while_running_answers_503_saying_so_not_a_disk_error(notedesk):
    app = notedesk()
    api = app.client()
    saved = create(api, "before the folder went")
    shutil.rmtree(app.data_dir)  # a clean-up of the home folder, a sync client removing it
    edit = api.send_json("PATCH", f"/api/notes/{saved['id']}/", {"body": "after", "version": saved["version"]})
    assert_storage_error(edit, "The database file was moved or deleted while Notedesk was running")
    assert "put its data folder back" in edit.json()["error"]


class FailsOnce:
    """A dispatcher in waitress's loop that raises out of the loop once (a bug there), then leaves."""

    def __init__(self, loop_map):
        self.loop_map = loop_map
        self.loop_map[-1] = self

    def readable(self):
        del self.loop_map[-1]
        raise RuntimeError("a bug in the server loop")

    writable = readable


def test_an_error_escaping_the_server_loop_is_logged_and_serving_goes_on(live_app, caplog):
    with caplog.at_level(logging.ERROR):
        FailsOnce(live_app.server.server._map)
        live_app.server.server.trigger.pull_trigger()  # wake the loop so that it meets the bug now
        poll(lambda: "a bug in the server loop" in caplog.text, 10, "logging the error")
    connection = http.client.HTTPConnection("127.0.0.1", live_app.port, timeout=5)
    connection.request("GET", "/_desktop/health", headers=live_app.auth_headers)
    assert connection.getresponse().status == 200


def test_an_error_in_a_request_thread_is_logged_and_the_next_requests_are_served(live_app, caplog, monkeypatch):
    """An error that escapes Django (here, in the answer's body as it is sent) reaches waitress,
    which logs it and drops that one connection."""
    def breaks_while_sending():
        yield b"{"
        raise RuntimeError("the body broke while sending")

    with caplog.at_level(logging.ERROR):
        monkeypatch.setattr(live_app.wsgi_app, "get_response", lambda request: StreamingHttpResponse(breaks_while_sending()))
        connection = http.client.HTTPConnection("127.0.0.1", live_app.port, timeout=5)
        with pytest.raises((http.client.HTTPException, OSError)):
            connection.request("GET", "/_desktop/health", headers=live_app.auth_headers)
            connection.getresponse().read()
        monkeypatch.undo()
        poll(lambda: "the body broke while sending" in caplog.text, 10, "logging the error")
    connection = http.client.HTTPConnection("127.0.0.1", live_app.port, timeout=5)
    connection.request("GET", "/_desktop/health", headers=live_app.auth_headers)
    assert connection.getresponse().status == 200


def test_an_uncaught_error_in_any_thread_reaches_the_log_file(tmp_path):
    root = logging.getLogger()
    handlers, level, hook = root.handlers[:], root.level, threading.excepthook
    try:
        log_file = configure_logging(tmp_path, "notedesk", dev=False)
        thread = threading.Thread(target=lambda: 1 / 0, name="notedesk-doomed")
        thread.start()
        thread.join()
        for handler in root.handlers:
            handler.flush()
        text = log_file.read_text()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level, threading.excepthook = handlers, level, hook
    assert "notedesk-doomed" in text and "ZeroDivisionError" in text and "Traceback" in text
