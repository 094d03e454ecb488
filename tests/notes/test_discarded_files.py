"""A file whose attachment is deleted stays while a daily backup of the database may name it, so
that the backup, put back, has its files (tests/reliability/test_data_folder.py puts one back)."""

from datetime import datetime, timezone

import pytest

from django_desktop_shell import database
from embedded_site.notes.attachments import delete_discarded_files
from embedded_site.notes.models import DiscardedFile


def stored_files(folder):
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.desktop  # a server keeps no backups of its own: it deletes the file at once
def test_a_removed_attachment_stays_while_a_backup_that_cannot_be_read_may_name_it(
    api, make_note, attachments_dir, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    damaged = tmp_path / "notedesk-20261201-080000-000000.sqlite3"
    damaged.write_bytes(b"not a database " * 1000)
    monkeypatch.setattr(database, "backups", lambda path: [(datetime(2026, 12, 1, 8, tzinfo=timezone.utc), damaged)])
    note = make_note(title="Receipts")
    attachment = api.upload(f"/api/notes/{note.pk}/attachments/", "scan.pdf", b"%PDF scan").json()
    (stored,) = stored_files(attachments_dir)

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/notes/{note.pk}/attachments/{attachment['id']}/").status_code == 204
    assert api.get(f"/api/notes/{note.pk}/").json()["attachments"] == []
    assert stored_files(attachments_dir) == [stored]
    assert delete_discarded_files() == 0  # the backup is still kept

    monkeypatch.setattr(database, "backups", lambda path: [])  # replaced by newer ones
    assert delete_discarded_files() == 1
    assert stored_files(attachments_dir) == []
    assert not DiscardedFile.objects.exists()


def test_without_backups_an_emptied_trash_deletes_the_files_at_once(
    api, make_note, attachments_dir, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(database, "backups", lambda path: [])
    note = make_note(title="Old")
    api.upload(f"/api/notes/{note.pk}/attachments/", "a.txt", b"a")
    api.delete(f"/api/notes/{note.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete("/api/trash/").json() == {"deleted": 1}
    assert stored_files(attachments_dir) == []
    assert not DiscardedFile.objects.exists()


@pytest.mark.desktop
def test_a_removed_attachment_stays_while_the_days_backup_is_being_made(
    api, make_note, attachments_dir, monkeypatch, django_capture_on_commit_callbacks
):
    # The copy under way may have read the attachment's row before the delete; it is not among
    # the kept backups until it is whole, so they alone cannot say whether it names the file.
    monkeypatch.setattr(database, "backups", lambda path: [])
    monkeypatch.setattr(database, "backup_in_progress", lambda: True)
    note = make_note(title="Receipts")
    attachment = api.upload(f"/api/notes/{note.pk}/attachments/", "scan.pdf", b"%PDF scan").json()
    (stored,) = stored_files(attachments_dir)

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/notes/{note.pk}/attachments/{attachment['id']}/").status_code == 204
    assert stored_files(attachments_dir) == [stored]

    monkeypatch.setattr(database, "backup_in_progress", lambda: False)  # the next launch: no backup names it
    assert delete_discarded_files() == 1
    assert stored_files(attachments_dir) == []
