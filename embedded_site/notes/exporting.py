"""Export of every note outside the trash, as one JSON document or a zip of Markdown files.

Both are generators of Progress that write to a binary file (see progress.py).
"""

import json
import zipfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from django.db.models import Prefetch, QuerySet

from embedded_site.notes.markdown_files import file_name, to_markdown
from embedded_site.notes.models import Note, Tag
from embedded_site.notes.progress import Progress

FORMAT_NAME = "notedesk-notes"
FORMAT_VERSION = 1
BATCH_SIZE = 500
# Written around the notes, which are encoded one at a time rather than all held in memory.
JSON_OPENING = f'{{"format": "{FORMAT_NAME}", "version": {FORMAT_VERSION}, "notes": ['.encode()
JSON_CLOSING = b"\n]}\n"


def exported_notes() -> QuerySet:
    tags = Prefetch("tags", queryset=Tag.objects.order_by("name"))
    return Note.objects.filter(trashed_at__isnull=True).prefetch_related(tags).order_by("id")


def export_record(note: Note) -> dict:
    return {
        "uid": str(note.uid),
        "title": note.title,
        "body": note.body,
        "tags": [tag.name for tag in note.tags.all()],
        "pinned": note.pinned,
        "created": note.created.isoformat(),
        "updated": note.updated.isoformat(),
    }


def export_records(write: Callable[[int, dict], None]) -> Iterator[Progress]:
    """Pass each exported note's record, with its position, to `write`."""
    notes = exported_notes()
    total = notes.count()
    done = 0
    yield Progress(done, total)
    for done, note in enumerate(notes.iterator(chunk_size=BATCH_SIZE), start=1):
        write(done - 1, export_record(note))
        if done % BATCH_SIZE == 0:
            yield Progress(done, total)
    yield Progress(done, done)


def export_json(destination: BinaryIO) -> Iterator[Progress]:
    def write(position: int, record: dict) -> None:
        separator = b",\n" if position else b"\n"
        destination.write(separator + json.dumps(record, ensure_ascii=False).encode())

    destination.write(JSON_OPENING)
    yield from export_records(write)
    destination.write(JSON_CLOSING)


def export_markdown(destination: BinaryIO) -> Iterator[Progress]:
    taken_names: set[str] = set()
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        yield from export_records(
            lambda position, record: archive.writestr(file_name(record, taken_names), to_markdown(record))
        )
