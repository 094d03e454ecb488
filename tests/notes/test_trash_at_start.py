"""Notes in the trash for more than 30 days are deleted for good when the app starts (the shell's
database_ready signal, which the notes app listens to)."""

from datetime import datetime, timedelta, timezone

import pytest

from django_desktop_shell.process import site

from embedded_site.notes.models import Note

pytestmark = pytest.mark.desktop  # a desktop launch


def test_starting_purges_notes_trashed_more_than_30_days_ago_with_their_files(
    make_note, django_capture_on_commit_callbacks, api, attachments_dir
):
    now = datetime.now(timezone.utc)
    expired = make_note(title="expired")
    api.upload(f"/api/notes/{expired.pk}/attachments/", "photo.png", b"png bytes")  # before it was trashed
    Note.objects.filter(pk=expired.pk).update(trashed_at=now - timedelta(days=30, minutes=1))
    make_note(title="recently trashed", trashed_at=now - timedelta(days=29, hours=23))
    make_note(title="old but kept", created=now - timedelta(days=400), updated=now - timedelta(days=400))
    assert len(list(attachments_dir.iterdir())) == 1
    with django_capture_on_commit_callbacks(execute=True):
        site.start()
    assert sorted(Note.objects.values_list("title", flat=True)) == ["old but kept", "recently trashed"]
    assert list(attachments_dir.iterdir()) == []


def test_starting_removes_what_jobs_of_an_earlier_run_left(db):
    from embedded_site.notes.importing import imports_folder
    from embedded_site.notes.jobs import exports_folder

    (imports_folder() / "tmpab12cd").write_bytes(b"an upload a killed run was importing" * 1000)
    (exports_folder() / "job-1.zip").write_bytes(b"an export never downloaded")
    site.start()
    assert list(imports_folder().iterdir()) == [] and list(exports_folder().iterdir()) == []
