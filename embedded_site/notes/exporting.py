"""Export of every note, with its attachments, as one JSON document (the trash included) or a zip
of Markdown files (outside the trash; docs/api.md has both formats).

Both are generators of Progress that write to a binary file (see progress.py). Attachment files
are copied a chunk at a time, so an export holds at most one chunk of a file in memory.
"""

import base64
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from itertools import chain
from typing import BinaryIO

from django.db.models import Prefetch, QuerySet
from django.utils.timezone import localtime

from embedded_site.notes import revisions
from embedded_site.notes.attachments import FALLBACK_NAME
from embedded_site.notes.markdown_files import note_file_names, note_stem, portable_name, to_markdown, unique_name
from embedded_site.notes.models import Attachment, Note, Revision, Tag
from embedded_site.notes.progress import Progress

FORMAT_NAME = "notedesk-notes"
FORMAT_VERSION = 4  # 2 added the attachments, 3 the revisions, 4 the trash
BATCH_SIZE = 500
MISSING_NAMED = 20  # in the message that refuses an export whose attachment files are missing
BASE64_CHUNK = 3 * 256 * 1024  # a multiple of 3: the encoded chunks join into one base64 text
# The years a zip's dates hold (1980 to 2107), a day within them whatever the local time zone.
ZIP_EARLIEST = datetime(1980, 1, 2, tzinfo=timezone.utc)
ZIP_LATEST = datetime(2107, 12, 30, tzinfo=timezone.utc)
# Written around the notes, which are encoded one at a time rather than all held in memory.
JSON_OPENING = f'{{"format": "{FORMAT_NAME}", "version": {FORMAT_VERSION}, "notes": ['.encode()
JSON_CLOSING = b"\n]}\n"


class ExportError(Exception):
    """The export cannot be made; the message says why, for the person."""


def exported_notes(owner, *, with_revisions: bool, with_trash: bool, chosen: list[int] | None = None) -> list[QuerySet]:
    tags = Prefetch("tags", queryset=Tag.objects.order_by("name"))
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    related = [tags, attachments, *([Prefetch("revisions", queryset=Revision.objects.order_by("pk"))] if with_revisions else [])]
    parts = [Note.objects.owned_by(owner)] if with_trash else notes_outside_the_trash(owner, chosen)
    return [part.prefetch_related(*related).order_by("id") for part in parts]


def notes_outside_the_trash(owner, chosen: list[int] | None) -> list[QuerySet]:
    """The owner's notes outside the trash, in the order of their ids; with `chosen`, those of these
    ids alone (a course's tag, a search: the notes the list shows), asked for in parts."""
    notes = Note.objects.owned_by(owner).filter(trashed_at__isnull=True)
    return [notes] if chosen is None else notes.in_parts_among(chosen)


def export_record(note: Note) -> dict:
    return {
        "uid": str(note.uid),
        "title": note.title,
        "body": note.body,
        "tags": [tag.name for tag in note.tags.all()],
        "pinned": note.pinned,
        "created": note.created.isoformat(),
        "updated": note.updated.isoformat(),
        **({"trashed_at": note.trashed_at.isoformat()} if note.trashed_at else {}),
    }


def export_records(
    owner, write: Callable[[int, dict, list[Attachment]], None], *, with_revisions: bool = False,
    with_trash: bool = False, chosen: list[int] | None = None,
) -> Iterator[Progress]:
    """Pass each of the owner's exported notes' record (with its "revisions" if asked, and the
    notes in the trash, with their "trashed_at", if asked), with its position and attachments, to `write`."""
    parts = exported_notes(owner, with_revisions=with_revisions, with_trash=with_trash, chosen=chosen)
    total = sum(part.count() for part in parts)
    done = 0
    yield Progress(done, total)
    # A chunk size makes Django prefetch the attachments, tags (and revisions) of each chunk of notes:
    # 20,000 notes' revisions asked for one note at a time took three quarters of a JSON export.
    notes = chain.from_iterable(part.iterator(chunk_size=BATCH_SIZE) for part in parts)
    for done, note in enumerate(notes, start=1):
        record = export_record(note)
        if with_revisions:
            record["revisions"] = revisions.exported(list(note.revisions.all()))
        write(done - 1, record, list(note.attachments.all()))
        if done % BATCH_SIZE == 0:
            yield Progress(done, total)
    yield Progress(done, done)


def opened_attachments(attachments: list[Attachment], missing: list[Attachment]) -> Iterator[tuple[Attachment, BinaryIO]]:
    """Each attachment with its file open for reading; one whose file is missing goes to `missing`."""
    for attachment in attachments:
        try:
            source = Attachment.file.field.storage.open(attachment.file.name, "rb")
        except FileNotFoundError:
            missing.append(attachment)
            continue
        with source:
            yield attachment, source


def refuse_missing_files(missing: list[Attachment]) -> None:
    """After the whole export has been read: every missing file named at once, rather than one per try."""
    if len(missing) == 1:
        [attachment] = missing
        raise ExportError(
            f"The file of the attachment “{attachment.name}” of the note “{attachment.note}” is missing from the data "
            "folder. Put it back in the data folder’s attachments, or remove that attachment from the note, and export again."
        )
    if missing:
        named = ", ".join(f"“{attachment.name}” of the note “{attachment.note}”" for attachment in missing[:MISSING_NAMED])
        more = f", and {len(missing) - MISSING_NAMED} more" if len(missing) > MISSING_NAMED else ""
        raise ExportError(
            f"The files of {len(missing)} attachments are missing from the data folder: {named}{more}. Put them back "
            "in the data folder’s attachments, or remove those attachments from their notes, and export again."
        )


def export_json(owner, destination: BinaryIO, chosen: list[int] | None = None) -> Iterator[Progress]:
    missing: list[Attachment] = []

    def write(position: int, record: dict, attachments: list[Attachment]) -> None:
        separator = b",\n" if position else b"\n"
        # The record's closing brace is left off, for the attachments to follow, one at a time.
        destination.write(separator + json.dumps(record, ensure_ascii=False)[:-1].encode() + b', "attachments": [')
        for number, (attachment, source) in enumerate(opened_attachments(attachments, missing)):
            write_json_attachment(destination, attachment, source, b", " if number else b"")
        destination.write(b"]}")

    destination.write(JSON_OPENING)
    # The whole export is the copy of everything to take to a new computer: the trash too. The
    # notes a list shows (`chosen`) are only ever outside it.
    yield from export_records(owner, write, with_revisions=True, with_trash=chosen is None, chosen=chosen)
    refuse_missing_files(missing)
    destination.write(JSON_CLOSING)


def write_json_attachment(destination: BinaryIO, attachment: Attachment, source: BinaryIO, separator: bytes) -> None:
    described = json.dumps({"name": attachment.name, "size": attachment.size}, ensure_ascii=False)[:-1]
    destination.write(separator + described.encode() + b', "data": "')
    while chunk := source.read(BASE64_CHUNK):
        destination.write(base64.b64encode(chunk))
    destination.write(b'"}')


def zip_entry(name: str, changed: datetime) -> zipfile.ZipInfo:
    """A member dated when the note or file last changed, in the local time zip tools read (Django's
    current zone: the computer's on the desktop, the person's on a server, embedded_site/time_zones.py), within the years a zip can hold: unzipped, each file has that time, which Obsidian sorts and shows
    by, and which an import of the zip takes as the note's newest (importing.last_changed). It was
    the time of the export, later than an edit made elsewhere meanwhile, which the import then
    overwrote with the note as exported."""
    local = localtime(min(max(changed, ZIP_EARLIEST), ZIP_LATEST))
    entry = zipfile.ZipInfo(name, date_time=local.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16  # as ZipFile.writestr gives a member it names
    return entry


def export_markdown(owner, destination: BinaryIO, chosen: list[int] | None = None) -> Iterator[Progress]:
    """Each note is named after its title (note_file_names()), as Obsidian names them, so that the
    bodies' `[[Title]]` links lead to them once the zip is opened as a vault."""
    taken_names: set[str] = set()
    listed = chain.from_iterable(
        part.values_list("id", "uid", "title", "created", "updated") for part in notes_outside_the_trash(owner, chosen)
    )
    names = note_file_names(((note_id, str(uid), *rest) for note_id, uid, *rest in listed), taken_names)
    missing: list[Attachment] = []

    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(position: int, record: dict, attachments: list[Attachment]) -> None:
            # A note created while the export runs is not in `names`.
            name = names.get(record["uid"]) or unique_name(note_stem(record["title"]) + ".md", taken_names)
            folder = name.removesuffix(".md")  # unique, as the note's file name is
            files, taken_in_folder = [], set()
            for attachment, source in opened_attachments(attachments, missing):
                member = f"{folder}/{unique_name(portable_name(attachment.name) or FALLBACK_NAME, taken_in_folder)}"
                with archive.open(zip_entry(member, attachment.created), "w") as target:
                    shutil.copyfileobj(source, target)
                files.append({"name": attachment.name, "file": member})
            archive.writestr(zip_entry(name, datetime.fromisoformat(record["updated"])), to_markdown(record, files))

        yield from export_records(owner, write, chosen=chosen)
        refuse_missing_files(missing)
