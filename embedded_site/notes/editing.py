"""Changing notes. Each change is one transaction; SQLite's IMMEDIATE mode (settings.py) takes
the write lock when it begins."""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from embedded_site.notes import changes, days, launch_days, links, revisions, templates
from embedded_site.notes.models import Note, title_key
from embedded_site.notes.tagging import set_tags


def create_note(owner, fields: dict) -> tuple[Note, bool]:
    """The owner's new note and True; or, if they have a note with the given uid already, it and False."""
    now = timezone.now()
    with transaction.atomic():
        existing = Note.objects.owned_by(owner).filter(uid=fields["uid"]).first() if fields.get("uid") else None
        if existing:
            return existing, False
        note = Note.objects.create(
            owner=owner, uid=fields.get("uid") or uuid.uuid4(),
            title=fields["title"], body=fields["body"], pinned=fields["pinned"], created=now, updated=now,
        )
        set_tags(owner, {note.pk: fields["tags"]})
        links.set_links(note.pk, note.body)
        changes.notes_changed([note.pk])
    return note, True


def todays_note(owner) -> tuple[Note, bool]:
    """The owner's note of today, the computer's day (on a server, the person's: time_zones.py)
    as `created:today` counts it, and whether it was made now. It is the note made for the day,
    out of the trash if it was in it; else a note titled with the day, as Obsidian names a daily
    note (an imported one); else a new note titled with the day in ISO form (2026-12-06), its
    text the owner's "Daily note" template's filled in (templates.py)."""
    today = timezone.localdate()
    day, uid = today.isoformat(), days.day_uid(days.journal(owner), today)
    with transaction.atomic():
        note = days.day_note(owner, today)
        if note is not None:
            restore_from_trash(owner, note.pk)
            return note, False
    try:
        body = templates.daily_note_text(owner, day)
        return create_note(owner, {"uid": uid, "title": day, "body": body, "tags": [], "pinned": False})
    except IntegrityError:  # made meanwhile by a request that committed first (PostgreSQL)
        return Note.objects.owned_by(owner).get(uid=uid), False


def update_note(
    owner, note_id: int, expected_version: int, fields: dict, reason: str = "edit", *, updated: datetime | None = None
) -> bool:
    """Write `fields` only if the note is still at `expected_version`; False if it is not.

    The version check and the write are one conditional UPDATE, so two saves from the same
    version can never both succeed. What the write replaces may be kept as a revision first
    (revisions.py; `reason` says why the change is made). The note is dated now, or `updated`
    for a change that is not the person's (an import mending a note keeps its date, and its place
    in the list); it is a new version, synced, either way.
    """
    with transaction.atomic():
        removed_since_revision = revisions.keep_before_change(note_id, expected_version, fields, reason)
        changed = Note.objects.owned_by(owner).filter(pk=note_id, version=expected_version).update(
            title=fields["title"],
            title_key=title_key(fields["title"]),
            body=fields["body"],
            pinned=fields["pinned"],
            version=F("version") + 1,
            updated=updated or timezone.now(),
            removed_since_revision=removed_since_revision,
        )
        if changed:
            set_tags(owner, {note_id: fields["tags"]})
            links.set_links(note_id, fields["body"])
            changes.notes_changed([note_id])
    return bool(changed)


def move_to_trash(owner, note_id: int) -> None:
    with transaction.atomic():
        if Note.objects.owned_by(owner).filter(pk=note_id, trashed_at__isnull=True).update(
            trashed_at=launch_days.trash_time(), version=F("version") + 1
        ):
            revisions.keep(note_id, "trash")
            changes.notes_changed([note_id])


def restore_from_trash(owner, note_id: int) -> None:
    with transaction.atomic():
        if Note.objects.owned_by(owner).filter(pk=note_id, trashed_at__isnull=False).update(
            trashed_at=None, version=F("version") + 1
        ):
            revisions.keep(note_id, "restore")
            changes.notes_changed([note_id])
