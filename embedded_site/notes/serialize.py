"""The JSON shapes of notes and attachments (docs/api.md)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from django_desktop_shell.media import shows_as_image
from embedded_site.notes.days import day_of
from embedded_site.notes.models import Attachment, Note, Tag
from embedded_site.notes.tagging import NoteTags


def with_relations(notes: QuerySet) -> list[Note]:
    """The notes, each with its tags' names in order (sorted_tags) and its attachments
    (sorted_attachments), in two more queries for the whole list.

    The tags are read as names, not Tag objects: Django's prefetch_related made a Tag and went
    through its machinery for each tag of each note, 1.4 of the 3.3 ms it took to load 50 notes.
    A page of a list is read as JSON by payloads(), without the ORM's objects."""
    loaded = list(notes)
    by_id = {note.pk: note for note in loaded}
    for note in loaded:
        note.sorted_tags, note.sorted_attachments = [], []
    if by_id:
        named = NoteTags.objects.filter(note_id__in=by_id).order_by("tag__name").values_list("note_id", "tag__name")
        for note_id, name in named:
            by_id[note_id].sorted_tags.append(name)
        for attachment in Attachment.objects.filter(note_id__in=by_id).order_by("id"):
            by_id[attachment.note_id].sorted_attachments.append(attachment)
    return loaded


def note_with_relations(notes: QuerySet) -> Note | None:
    """The one note `notes` selects (by its id or uid), as with_relations() gives it, or None."""
    return next(iter(with_relations(notes[:1])), None)


@dataclass(slots=True)
class ListedAttachment:
    """What attachment_payload() reads of an Attachment."""

    pk: int
    name: str
    size: int


@dataclass(slots=True)
class ListedNote:
    """What note_payload() reads of a Note with its relations, for a list of notes."""

    pk: int
    uid: UUID
    title: str
    body: str
    pinned: bool
    version: int
    created: datetime
    updated: datetime
    trashed_at: datetime | None
    sorted_tags: list[str]
    sorted_attachments: list[ListedAttachment]


LISTED_FIELDS = ["id", "uid", "title", "body", "pinned", "version", "created", "updated", "trashed_at"]


def payloads(owner, note_ids: list[int]) -> list[dict]:
    """The JSON of the owner's notes among `note_ids`, in that order: a page of the list or of
    a search. Read in three statements of SQL, each value through the converters Django's ORM
    applies, but without the ORM's Note and Attachment objects or its compiling of a QuerySet for
    each statement: 1.0 against 3.1 ms for 50 notes (docs/performance.md)."""
    if not note_ids:
        return []
    listed = {}
    among = ", ".join(["%s"] * len(note_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(LISTED_FIELDS)} FROM {Note._meta.db_table} "
                       f"WHERE owner_id = %s AND id IN ({among})", [owner.pk, *note_ids])
        for values in converted_rows(Note, LISTED_FIELDS, cursor.fetchall()):
            listed[values[0]] = ListedNote(*values, sorted_tags=[], sorted_attachments=[])
        if not listed:
            return []
        found = list(listed)
        among = ", ".join(["%s"] * len(found))
        cursor.execute(f"SELECT carried.note_id, tag.name FROM {NoteTags._meta.db_table} carried "
                       f"JOIN {Tag._meta.db_table} tag ON tag.id = carried.tag_id "
                       f"WHERE carried.note_id IN ({among}) ORDER BY tag.name", found)
        for note_id, name in cursor.fetchall():
            listed[note_id].sorted_tags.append(name)
        cursor.execute(f"SELECT note_id, id, name, size FROM {Attachment._meta.db_table} "
                       f"WHERE note_id IN ({among}) ORDER BY id", found)
        for note_id, *attachment in cursor.fetchall():
            listed[note_id].sorted_attachments.append(ListedAttachment(*attachment))
    return [note_payload(listed[note_id]) for note_id in note_ids if note_id in listed]


def converted_rows(model, field_names: list[str], rows: list[tuple]):
    """Each row of the fields' values as the database gives them, as the ORM would give them (on
    SQLite, a date's text a datetime, a uid's a UUID): through Django's own converters."""
    columns = [model._meta.get_field(name).get_col(model._meta.db_table) for name in field_names]
    steps = [[*connection.ops.get_db_converters(column), *column.get_db_converters(connection)] for column in columns]
    for row in rows:
        values = list(row)
        for index, column in enumerate(columns):
            for step in steps[index]:
                values[index] = step(values[index], column, connection)
        yield values


def note_payload(note: Note | ListedNote) -> dict:
    return {
        "id": note.pk,
        "uid": str(note.uid),
        "title": note.title,
        "body": note.body,
        "tags": note.sorted_tags,
        "pinned": note.pinned,
        "version": note.version,
        "created": note.created.isoformat(),
        "updated": note.updated.isoformat(),
        "trashed_at": note.trashed_at.isoformat() if note.trashed_at else None,
        "day": day.isoformat() if (day := day_of(note)) else None,
        "attachments": [attachment_payload(attachment) for attachment in note.sorted_attachments],
    }


def attachment_payload(attachment: Attachment | ListedAttachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "url": reverse("notes:attachment", args=[attachment.pk]),
        "image": shows_as_image(attachment.name),
    }
