"""Deleting notes for good: their rows (the FTS index follows by trigger) and their files.

A note leaves the trash by itself once it has been there for TRASH_KEPT_FOR by the clock; on a
desktop, for as many days it was launched on as well (LaunchDay). A desktop's clock alone is not
trusted with it: set a month ahead for a day, it purged every note trashed in the weeks before, and
a sync carried the purge to every device; now that day counts as one. A server's clock is.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from embedded_site.notes import changes
from embedded_site.notes.models import Attachment, Note, LaunchDay

TRASH_KEPT_FOR = timedelta(days=30)


def purge_notes(notes: QuerySet) -> int:
    """Delete the notes and, once that is committed, their attachment files. Returns how many."""
    storage = Attachment.file.field.storage
    with transaction.atomic():
        stored_names = list(Attachment.objects.filter(note__in=notes).values_list("file", flat=True))
        gone = list(notes.values_list("owner_id", "uid"))
        notes.delete()
        for owner_id, uid in gone:
            changes.record(owner_id, [uid], purged=True)
        transaction.on_commit(lambda: delete_files(storage, stored_names))
    return len(gone)


def delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def purge_expired_trash(now: datetime | None = None) -> int:
    """Delete the notes that have been in the trash for longer than TRASH_KEPT_FOR (a server's upkeep)."""
    return purge_notes(Note.objects.filter(trashed_at__lt=(now or timezone.now()) - TRASH_KEPT_FOR))


def purge_expired_trash_at_launch(now: datetime | None = None) -> int:
    """Count today as a day the app was launched on, then delete the notes that have been in the
    trash for longer than TRASH_KEPT_FOR, and for as many of those days after the one they were
    trashed on."""
    now = now or timezone.now()
    LaunchDay.objects.get_or_create(day=timezone.localdate(now))
    counted = list(LaunchDay.objects.order_by("-day").values_list("day", flat=True)[:TRASH_KEPT_FOR.days])
    if len(counted) < TRASH_KEPT_FOR.days:
        return 0
    LaunchDay.objects.filter(day__lt=counted[-1]).delete()
    since = datetime.combine(counted[-1], time.min, tzinfo=timezone.get_current_timezone())
    return purge_notes(Note.objects.filter(trashed_at__lt=min(now - TRASH_KEPT_FOR, since)))
