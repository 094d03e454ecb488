"""A note as sync sends it, both ways (docs/sync.md), and reading one back, checked."""

import re

from django import forms
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from embedded_site.notes import revisions
from embedded_site.notes.attachments import display_name
from embedded_site.notes.forms import BODY_MAX_LENGTH, ImportedNoteForm, IsoDateTimeField, JsonIntegerField
from embedded_site.notes.models import Note, Revision
from embedded_site.notes.serialize import note_payload, with_relations

PROTOCOL = 1
SHA256 = re.compile(r"[0-9a-f]{64}")
UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def speaks_this_protocol(version: object) -> bool:
    """True only for the number itself: JSON's true equals 1 in Python, and is no version."""
    return type(version) is int and version == PROTOCOL


class WireError(ValueError):
    """What is wrong with a note or change as sent; the message names where."""


def with_everything(notes: QuerySet) -> list[Note]:
    """The notes with what note_wire reads: with_relations(), and their revisions in one more query."""
    loaded = with_relations(notes)
    prefetch_related_objects(
        loaded, Prefetch("revisions", queryset=Revision.objects.order_by("created", "pk"), to_attr="sorted_revisions")
    )
    return loaded


def note_with_everything(notes: QuerySet) -> Note | None:
    """The one note `notes` selects (by its uid), as with_everything() gives it, or None."""
    return next(iter(with_everything(notes[:1])), None)


def note_wire(note: Note) -> dict:
    """The note as the API shows it, without its id (ids are per database), with its attachments
    by content and its whole history."""
    payload = note_payload(note)
    del payload["id"]
    return {
        **payload,
        "attachments": [
            {"sha256": attachment.sha256, "name": attachment.name, "size": attachment.size,
             "created": attachment.created.isoformat()}
            for attachment in note.sorted_attachments
        ],
        "revisions": revisions_wire(note.sorted_revisions),
    }


def revisions_wire(kept: list[Revision]) -> list[dict]:
    texts = revisions.bodies(kept)
    return [
        {"uid": str(revision.uid), "created": revision.created.isoformat(),
         "saved_at": revision.saved_at.isoformat(), "reason": revision.reason, "title": revision.title,
         "tags": revision.tags, "pinned": revision.pinned, "body": texts[revision.pk]}
        for revision in kept
    ]


def tombstone(uid) -> dict:
    return {"uid": str(uid), "purged": True}


# A note's version is stored in a PositiveIntegerField: at most this on every database.
MAX_VERSION = 2**31 - 1


class SyncedNoteForm(ImportedNoteForm):
    version = JsonIntegerField(min_value=1, max_value=MAX_VERSION)
    trashed_at = IsoDateTimeField(required=False)


def read_note(raw: object, where: str) -> dict:
    """A note or a tombstone as sent, checked: the note's fields as Python values."""
    if not isinstance(raw, dict):
        raise WireError(f"{where}: must be an object")
    if raw.get("purged") is True:
        return {"uid": read_uid(raw.get("uid"), where), "purged": True}
    # null for a note outside the trash: the form's JSON fields take a missing key as empty, not null.
    form = SyncedNoteForm({key: value for key, value in raw.items() if not (key == "trashed_at" and value is None)})
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        raise WireError(f"{where}: {field}: {messages[0]}")
    return {
        **form.cleaned_data,
        "uid": str(form.cleaned_data["uid"]),
        "purged": False,
        "attachments": read_attachments(raw.get("attachments", []), where),
        "revisions": read_revisions(raw.get("revisions", []), where),
    }


def read_uid(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not UID.fullmatch(raw):
        raise WireError(f"{where}: uid: must be a lowercase UUID")
    return raw


def read_sha256(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not SHA256.fullmatch(raw):
        raise WireError(f"{where}: sha256: must be 64 lowercase hexadecimal digits")
    return raw


def read_attachments(raw: object, where: str) -> list[dict]:
    if not isinstance(raw, list):
        raise WireError(f"{where}: attachments: must be a list")
    read = []
    for number, item in enumerate(raw, start=1):
        here = f"{where}: attachment {number}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise WireError(f"{here}: must be an object with a name")
        field = IsoDateTimeField()
        try:
            created = field.clean(item.get("created"))
        except forms.ValidationError as error:
            raise WireError(f"{here}: created: {error.messages[0]}") from None
        read.append({"sha256": read_sha256(item.get("sha256"), here), "name": display_name(item["name"]), "created": created})
    return read


def read_revisions(raw: object, where: str) -> list[dict]:
    if not isinstance(raw, list):
        raise WireError(f"{where}: revisions: must be a list")
    try:
        checked = revisions.imported(raw, BODY_MAX_LENGTH)
    except revisions.RevisionError as error:
        raise WireError(f"{where}: {error}") from None
    return [
        {**revision, "uid": read_uid(item.get("uid"), f"{where}: revision {number}")}
        for number, (item, revision) in enumerate(zip(raw, checked), start=1)
    ]
