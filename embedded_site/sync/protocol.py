"""The server's side of sync (docs/sync.md): a device, known by its token, pulls its owner's
changes since a cursor and pushes its own, each based on the server version it last saw."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from embedded_site.notes import changes, days
from embedded_site.notes.models import Note, NoteChange, Revision
from embedded_site.notes.trash import purge_notes
from embedded_site.sync import store
from embedded_site.sync.models import SyncClient
from embedded_site.sync.wire import note_wire, note_with_everything, revisions_wire, tombstone, with_everything


def changes_since(owner, cursor: int, limit: int) -> dict:
    """The owner's changes after `cursor`, oldest first: each note as it is now, or its tombstone."""
    page = list(NoteChange.objects.owned_by(owner).filter(seq__gt=cursor).order_by("seq")[: limit + 1])
    more, page = len(page) > limit, page[:limit]
    notes = {
        note.uid: note
        for note in with_everything(Note.objects.owned_by(owner).filter(uid__in=[change.note_uid for change in page]))
    }
    return {
        "changes": [
            {
                "seq": change.seq,
                # The device change this is (empty for a change made on the server): a device skips its own.
                "change_id": change.applied_change,
                **(note_wire(notes[change.note_uid]) if change.note_uid in notes else tombstone(change.note_uid)),
            }
            for change in page
        ],
        "cursor": page[-1].seq if page else cursor,
        "more": more,
        "history": database_history(),
        # Whose notes these are: a device that was in step with another account (or server) does
        # not take what it knew of that one's notes for this one's (docs/sync.md, Connecting).
        "account": account_id(owner),
        # The owner's journal, which each device takes: the day notes of all theirs have one uid a day.
        "journal": str(base) if (base := days.journal_base(owner)) else None,
    }


def account_id(owner) -> str:
    """The owner's account, unlike any other account on this server or on another (keyed with the
    server's SECRET_KEY), and the same at any address the server moves to."""
    return salted_hmac("notedesk.sync.account", str(owner.pk), algorithm="sha256").hexdigest()[:32]


def database_history() -> str:
    """What tells this database's history of changes from another's: PostgreSQL's number for the
    changes table, which a restore from a dump makes anew (pg_restore --clean, or into a new
    database), and nothing else changes. A device that sees it change has synced with a history
    the server no longer has: what was synced after the backup (docs/sync.md, Failures)."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regclass::oid", [NoteChange._meta.db_table])
        return str(cursor.fetchone()[0])


def client_numbered(owner, client_id: str, last_seq: int) -> bool:
    """Keep the last change number the device says it made; False if it made more when it pushed
    before. Its numbers only grow, unless its data folder was restored from an older copy: then its
    change ids repeat ones applied here, and its own earlier pushes are no longer its own."""
    with transaction.atomic():
        client, _ = SyncClient.objects.select_for_update().get_or_create(owner=owner, client_id=client_id)
        if client.last_seq > last_seq:
            return False
        SyncClient.objects.filter(pk=client.pk).update(last_seq=last_seq)
    return True


def apply_change(owner, change: dict) -> dict:
    """One pushed change, in a transaction of its own: applied, or a conflict answered with the
    note as the server has it. A change applied before (the same change_id) is answered as then."""
    uid, note = change["note"]["uid"], change["note"]
    with transaction.atomic():
        current = Note.objects.owned_by(owner).select_for_update().filter(uid=uid).first()
        # Read under the note's lock: read before it, a push that waited there for another device's
        # would answer with the change applied before that one, maybe its own, and take it for its own.
        record = NoteChange.objects.owned_by(owner).filter(note_uid=uid).first()
        if record and record.applied_change == change["change_id"]:
            return applied(owner, note, record.applied_version)
        purged_since = current is None and record is not None and record.purged and change["base_version"] is not None
        if purged_since or current is not None and current.version != change["base_version"]:
            # A device that had the note before it was purged here learns of the purge: it takes it, unless it
            # edited the note, which it then pushes again as new (base_version null): the edit wins.
            # `last_change` lets a device see its own earlier push, whose answer it lost, in `current`.
            return {"uid": uid, "status": "conflict", "current": current_wire(owner, uid),
                    "last_change": record.applied_change if record else ""}
        if note["purged"]:
            version = None
            purge_notes(Note.objects.owned_by(owner).filter(uid=uid))
        else:
            # A note the server no longer has, pushed as new, comes back: an edit wins over a purge.
            # The device's own version if it is ahead: it moves on at each save there, so the device,
            # taking this version as its own, keeps the one its open editor holds (docs/sync.md).
            version = max(current.version + 1, note["version"]) if current else note["version"]
            note = {**note, "trashed_at": trash_time_here(current, note["trashed_at"])}
            store.write_note(owner, note, version, store.contents_here(owner, [note]))
        changes.record(owner, [uid], purged=note["purged"])
        NoteChange.objects.owned_by(owner).filter(note_uid=uid).update(
            applied_change=change["change_id"], applied_version=version
        )
    return applied(owner, note, version)


def trash_time_here(current: Note | None, pushed):
    """When a pushed note went to the trash, as this server counts its 30 days there: not before
    the server learnt of it. A device whose clock was months behind dated its trash months ago,
    and the server's upkeep deleted the note for good at once, on every device. A note already
    in the trash here keeps its time."""
    if pushed is None:
        return None
    if current is not None and current.trashed_at is not None:
        return current.trashed_at
    return max(pushed, timezone.now())


def applied(owner, sent: dict, version: int | None) -> dict:
    """The answer to an applied change: the note's version here, and the revisions it has here
    that the device did not send (kept by another device), so that its history is the same."""
    sent_revisions = [revision["uid"] for revision in sent.get("revisions", [])]
    others = Revision.objects.filter(note__in=Note.objects.owned_by(owner).filter(uid=sent["uid"]))
    return {"uid": sent["uid"], "status": "applied", "version": version,
            "revisions": revisions_wire(list(others.exclude(uid__in=sent_revisions).order_by("created", "pk")))}


def current_wire(owner, uid: str) -> dict:
    note = note_with_everything(Note.objects.owned_by(owner).filter(uid=uid))
    return note_wire(note) if note else tombstone(uid)
