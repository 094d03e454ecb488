"""Deleting notes for good: their rows (the FTS index follows by trigger) and their files.

A note leaves the trash by itself once it has been there for TRASH_KEPT_FOR: by the clock on a
server, and on a desktop in the days it was launched on as well (launch_days.py).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from embedded_site.notes import changes, launch_days
from embedded_site.notes.attachments import discard_files
from embedded_site.notes.models import Attachment, Note

TRASH_KEPT_FOR = timedelta(days=30)


def purge_notes(notes: QuerySet) -> int:
    """Delete the notes and, once that is committed, their attachment files (attachments.discard_files).
    Returns how many."""
    with transaction.atomic():
        stored_names = list(Attachment.objects.filter(note__in=notes).values_list("file", flat=True))
        gone = list(notes.values_list("owner_id", "uid"))
        notes.delete()
        for owner_id, uid in gone:
            changes.record(owner_id, [uid], purged=True)
        transaction.on_commit(lambda: discard_files(stored_names))
    return len(gone)


def delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def purge_expired_trash(now: datetime | None = None) -> int:
    """Delete the notes that have been in the trash for longer than TRASH_KEPT_FOR (a server's upkeep)."""
    return purge_notes(Note.objects.filter(trashed_at__lt=(now or timezone.now()) - TRASH_KEPT_FOR))


def purge_expired_trash_at_launch() -> int:
    """As purge_expired_trash(), with the time in the trash counted in launch days too."""
    before = launch_days.cutoff(TRASH_KEPT_FOR)
    return purge_notes(Note.objects.filter(trashed_at__lt=before)) if before else 0
