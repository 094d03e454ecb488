"""Writing a note as sync sent it (wire.py) into the database: on the server for a device's push,
on a device for what it pulled. The caller holds the transaction and records the change."""

from collections import Counter

from embedded_site.notes import links, revisions
from embedded_site.notes.attachments import delete_attachment, save_attachment
from embedded_site.notes.models import Attachment, Note
from embedded_site.notes.tagging import set_tags
from embedded_site.sync import blobs

NOTE_FIELDS = ("title", "body", "pinned", "created", "updated", "trashed_at")


class MissingContent(LookupError):
    """A note names an attachment content that is not here (docs/sync.md: upload it first)."""


def contents_here(owner, notes: list[dict]) -> dict[str, str]:
    """SHA-256 → the stored name of a file holding it, for each attachment content the notes name
    that is here. Found before any of them is written: a write that removes the last attachment
    holding a content deletes the file only once its transaction commits, so the name stays
    readable for a note later in the same transaction that takes the content over."""
    wanted = {item["sha256"] for note in notes if not note["purged"] for item in note["attachments"]}
    found = {sha256: blobs.find_content(owner, sha256) for sha256 in sorted(wanted)}
    return {sha256: name for sha256, name in found.items() if name is not None}


def write_note(owner, wire: dict, version: int, contents: dict[str, str]) -> Note:
    """Make the owner's note of `wire["uid"]` what `wire` says, at `version`: its fields and tags,
    its links, the revisions it lacks, and its attachments (by content, from `contents_here`)."""
    missing = [item["sha256"] for item in wire["attachments"] if item["sha256"] not in contents]
    if missing:
        raise MissingContent(f"The content {missing[0]} of an attachment of note {wire['uid']} has not arrived.")
    fields = {field: wire[field] for field in NOTE_FIELDS}
    note = Note.objects.owned_by(owner).filter(uid=wire["uid"]).first()
    if note is None:
        note = Note.objects.create(owner=owner, uid=wire["uid"], version=version, **fields)
    else:
        for field, value in fields.items():
            setattr(note, field, value)
        note.version = version
        note.save()
    set_tags(owner, {note.pk: wire["tags"]})
    links.set_links(note.pk, note.body)
    revisions.import_revisions(note, wire["revisions"])
    set_attachments(owner, note, wire["attachments"], contents)
    return note


def set_attachments(owner, note: Note, wanted: list[dict], contents: dict[str, str]) -> None:
    """The note's attachments become `wanted`: an attachment is the same one if its name and
    content are; the others are deleted, the new ones copied from the content found here."""
    needed = Counter((item["sha256"], item["name"]) for item in wanted)
    for attachment in Attachment.objects.filter(note=note).order_by("id"):
        key = (attachment.sha256, attachment.name)
        if needed[key]:
            needed[key] -= 1
        else:
            delete_attachment(attachment)
    for item in wanted:
        key = (item["sha256"], item["name"])
        if needed[key]:
            needed[key] -= 1
            save_attachment(note, item["name"], blobs.content_chunks(contents[item["sha256"]]))
    blobs.forget_arrivals(owner, {item["sha256"] for item in wanted})
