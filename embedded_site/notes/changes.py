"""Which notes changed, and in what order: the change log sync reads (docs/sync.md).

Every write to a note (editing.py, trash.py, attachments.py, importing.py) records it here inside
its own transaction, so a change and its record commit together. Each record takes the next
number of its owner's counter; the counter's row stays locked until the change commits, so an
owner's changes become visible in the order of their numbers and a cursor past N has seen every
change up to N.
"""

from collections.abc import Iterable

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal


# Sent once a change made here (not one pulled from a server) has committed: a device's
# background sync (embedded_site/sync/worker.py) pushes it soon after.
local_change_committed = Signal()


def notes_changed(note_ids: Iterable[int], apps=installed_apps) -> None:
    """`apps`: a data migration passes its own, whose models are as the database is at its step."""
    by_owner: dict = {}
    for owner_id, uid in apps.get_model("notes", "Note").objects.filter(pk__in=list(note_ids)).values_list("owner_id", "uid"):
        by_owner.setdefault(owner_id, []).append(uid)
    for owner_id, uids in by_owner.items():
        record(owner_id, uids, purged=False, apps=apps)


def record(owner, note_uids: Iterable, *, purged: bool, server_version: int | None = None, apps=installed_apps) -> int:
    """Give each note its owner's next change number; returns the last one. With a server_version
    the change is the server's own, as a device pulled it: there is nothing to push."""
    NoteChange = apps.get_model("notes", "NoteChange")
    owner_id = getattr(owner, "pk", owner)
    uids = sorted({str(uid) for uid in note_uids})
    if not uids:
        return 0
    last = next_numbers(owner_id, len(uids), apps)
    acknowledged = server_version is not None
    rows = [
        NoteChange(
            owner_id=owner_id, note_uid=uid, seq=seq, purged=purged, applied_change="", applied_version=None,
            acknowledged_seq=seq if acknowledged else 0, server_version=server_version,
        )
        for seq, uid in enumerate(uids, start=last - len(uids) + 1)
    ]
    # One upsert for all of them: a new note's row is made, a known one's updated.
    NoteChange.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["owner", "note_uid"],
        update_fields=["seq", "purged", "applied_change", "applied_version",
                       *(["acknowledged_seq", "server_version"] if acknowledged else [])],
    )
    if server_version is None:
        transaction.on_commit(lambda: local_change_committed.send(sender=None))
    return last


def next_numbers(owner_id: int, count: int, apps=installed_apps) -> int:
    ChangeCounter = apps.get_model("notes", "ChangeCounter")
    counter, _ = ChangeCounter.objects.select_for_update().get_or_create(owner_id=owner_id)
    ChangeCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    return counter.last + count


def pending(owner):
    """The owner's changes a device has not had acknowledged by the server yet."""
    return installed_apps.get_model("notes", "NoteChange").objects.owned_by(owner).filter(seq__gt=F("acknowledged_seq"))
