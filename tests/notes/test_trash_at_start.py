"""Notes in the trash for more than 30 days, on 30 days the app ran, are deleted for good when the
app starts (the shell's database_ready signal, which the notes app listens to); so are revisions
older than they are kept for, in days the app ran too (launch_days.py)."""

from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from django.utils.timezone import localdate

from django_desktop_shell import database
from django_desktop_shell.process import site

from embedded_site.notes import revisions
from embedded_site.notes.models import LaunchDay, Note, Revision
from embedded_site.notes.launch_days import record_launch
from embedded_site.notes.trash import purge_expired_trash_at_launch

pytestmark = pytest.mark.desktop  # a desktop launch


@pytest.fixture(autouse=True)
def backup_stopped_after():
    """A launch (site.start) starts the day's backup in a thread, and the watch for the next day in
    another; the next test must not find a copy under way, which keeps the files of what it deletes,
    nor one the watch starts ten minutes later, in whichever test runs then."""
    yield
    database.BackgroundBackup.stop()
    database.DayWatch.stop()


def test_starting_purges_notes_trashed_more_than_30_days_ago_with_their_files(
    make_note, django_capture_on_commit_callbacks, api, attachments_dir, monkeypatch
):
    # The launch's backup is not under way as the trash is emptied here: with one, the files wait
    # for the next launch (test_discarded_files.py).
    monkeypatch.setattr(database, "backup_in_progress", lambda: False)
    now = datetime.now(timezone.utc)
    expired = make_note(title="expired")
    api.upload(f"/api/notes/{expired.pk}/attachments/", "photo.png", b"png bytes")  # before it was trashed
    Note.objects.filter(pk=expired.pk).update(trashed_at=now - timedelta(days=30, minutes=1))
    make_note(title="recently trashed", trashed_at=now - timedelta(days=29, hours=23))
    make_note(title="old but kept", created=now - timedelta(days=400), updated=now - timedelta(days=400))
    ran_on_days_before(now, 30)
    assert len(list(attachments_dir.iterdir())) == 1
    with django_capture_on_commit_callbacks(execute=True):
        site.start()
    assert sorted(Note.objects.values_list("title", flat=True)) == ["old but kept", "recently trashed"]
    assert list(attachments_dir.iterdir()) == []


def ran_on_days_before(now: datetime, count: int) -> None:
    LaunchDay.objects.bulk_create(LaunchDay(day=localdate(now - timedelta(days=number))) for number in range(1, count + 1))


def launch_on(moment: datetime) -> None:
    """A launch's upkeep (as NotesConfig.tidy_at_start's) with the clock at `moment`, its pruning waited for."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        record_launch()
        purge_expired_trash_at_launch()
        revisions.prune_in_background().join(30)


def titles() -> list[str]:
    return sorted(Note.objects.values_list("title", flat=True))


def test_a_clock_set_a_month_ahead_for_a_day_does_not_empty_the_trash(make_note):
    # The launch on the wrong day purged every note trashed more than 30 days before it, a sync
    # carried that to every device, and the notes were gone when the clock came back.
    now = datetime.now(timezone.utc)
    ran_on_days_before(now, 14)  # every day for two weeks
    make_note(title="trashed last week", trashed_at=now - timedelta(days=7))
    launch_on(now + timedelta(days=40))  # the wrong day
    launch_on(now)  # the clock put right
    assert titles() == ["trashed last week"]
    for day in range(1, 23):  # the wrong day counted as one day the app ran, not forty
        launch_on(now + timedelta(days=day))
    assert titles() == ["trashed last week"]
    launch_on(now + timedelta(days=23, hours=1))  # 30 days by the clock, and 31 days the app ran on
    assert titles() == []


@pytest.mark.django_db(transaction=True)  # the pruning's thread has a connection of its own
def test_a_clock_set_a_year_ahead_for_a_day_keeps_the_notes_history(make_note, settings):
    # That launch pruned every revision kept more than 90 days before the wrong date: all of them.
    settings.NOTEDESK_REVISIONS_KEPT_DAYS = 90
    now = datetime.now(timezone.utc)
    ran_on_days_before(now, 100)
    note = make_note(title="Plan")
    revisions.keep(note.pk, "edit", created=now - timedelta(days=30))
    launch_on(now + timedelta(days=365))
    launch_on(now)
    assert Revision.objects.filter(note=note).count() == 1
    for day in range(1, 61):  # 90 days by the clock, 91 launches
        launch_on(now + timedelta(days=day, hours=1))
    assert not Revision.objects.exists()


def test_a_note_trashed_with_the_clock_a_year_behind_is_not_deleted_when_the_clock_is_put_right(make_note, api):
    # It went to the trash, by its date, a year before: the next launch, with the clock right,
    # deleted it for good, and a sync carried that to every device.
    now = datetime.now(timezone.utc)
    ran_on_days_before(now, 40)
    note = make_note(title="trashed by mistake")
    launch_on(now)
    behind = now - timedelta(days=365)  # a flat battery
    launch_on(behind)
    with mock.patch("django.utils.timezone.now", return_value=behind):
        api.delete(f"/api/notes/{note.pk}/")
    launch_on(now)  # the clock put right
    for day in range(1, 30):
        launch_on(now + timedelta(days=day))
    listed = api.get("/api/notes/", {"trashed": "1"}).json()
    assert [row["title"] for row in listed["notes"]] == ["trashed by mistake"]  # in the trash, to be restored
    for day in (30, 31):  # counted from the end of the day the clock was last right on
        launch_on(now + timedelta(days=day))
    assert titles() == []


def test_an_app_opened_now_and_then_keeps_a_trashed_note_until_it_has_run_on_30_days_since(make_note):
    now = datetime.now(timezone.utc)
    make_note(title="trashed long ago", trashed_at=now - timedelta(days=90))
    ran_on_days_before(now, 28)
    launch_on(now)  # the 29th day it ran on since
    assert titles() == ["trashed long ago"]
    launch_on(now + timedelta(days=1))  # the 30th
    assert titles() == []


def test_starting_removes_what_jobs_of_an_earlier_run_left(db):
    from embedded_site.notes.importing import imports_folder
    from embedded_site.notes.jobs import exports_folder

    (imports_folder() / "tmpab12cd").write_bytes(b"an upload a killed run was importing" * 1000)
    (exports_folder() / "job-1.zip").write_bytes(b"an export never downloaded")
    site.start()
    assert list(imports_folder().iterdir()) == [] and list(exports_folder().iterdir()) == []
