"""Import of an export file (exporting.py), idempotent by each note's uid.

read_import_file() checks the whole file before anything is written. import_notes() then
writes it in batches, a transaction each, so a long import never holds the write lock for
long: cancelling it (closing the generator) keeps the batches already done, and importing the
same file again completes it without creating anything twice.
"""

import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from django.db import transaction

from embedded_site.notes.exporting import FORMAT_NAME, FORMAT_VERSION
from embedded_site.notes.forms import ImportedNoteForm
from embedded_site.notes.markdown_files import from_markdown
from embedded_site.notes.models import Note
from embedded_site.notes.progress import Progress
from embedded_site.notes.tagging import set_tags

BATCH_SIZE = 500
IMPORTED_FIELDS = ("title", "body", "pinned", "updated")
MAX_MARKDOWN_FILE_SIZE = 8 * 1024 * 1024
# What the Markdown files of one zip may add up to once uncompressed: a zip bomb stops here.
MAX_ARCHIVE_CONTENT_SIZE = 512 * 1024 * 1024


class ImportFileError(ValueError):
    """The file cannot be imported; the message says why, for the person."""


@dataclass(frozen=True)
class ImportProgress(Progress):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_import_file(file: BinaryIO) -> list[dict]:
    """The validated note records of a JSON export or a zip of Markdown notes."""
    is_zip = zipfile.is_zipfile(file)
    file.seek(0)  # is_zipfile leaves the file wherever its search ended
    sources = markdown_sources(file) if is_zip else json_sources(file)
    records = [valid_record(where, raw) for where, raw in sources]
    repeated = [uid for uid, count in Counter(record["uid"] for record in records).items() if count > 1]
    if repeated:
        raise ImportFileError(f"The note {repeated[0]} is in the file more than once.")
    return records


def json_sources(file: BinaryIO) -> list[tuple[str, object]]:
    try:
        document = json.load(file)
    except (ValueError, RecursionError):
        raise ImportFileError("This is neither a Notedesk JSON export nor a zip of Markdown notes.") from None
    if not (isinstance(document, dict) and document.get("format") == FORMAT_NAME):
        raise ImportFileError("This JSON file is not a Notedesk export.")
    if document.get("version") != FORMAT_VERSION:
        raise ImportFileError(
            f"This Notedesk export is not version {FORMAT_VERSION}, the one this Notedesk reads."
        )
    if not isinstance(document.get("notes"), list):
        raise ImportFileError("This Notedesk export has no list of notes.")
    return [(f"Note {position}", raw) for position, raw in enumerate(document["notes"], start=1)]


def markdown_sources(file: BinaryIO) -> list[tuple[str, dict]]:
    try:
        with zipfile.ZipFile(file) as archive:
            members = [info for info in archive.infolist() if is_markdown_note(info)]
            if not members:
                raise ImportFileError("There are no Markdown notes (.md files) in this zip file.")
            if sum(info.file_size for info in members) > MAX_ARCHIVE_CONTENT_SIZE:
                raise ImportFileError("The notes in this zip file are too large to import at once.")
            return [(info.filename, markdown_record(archive, info)) for info in members]
    # Damaged, encrypted (RuntimeError) or compressed in a way zipfile cannot read.
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as error:
        raise ImportFileError(f"The zip file cannot be read ({error}).") from None


def is_markdown_note(info: zipfile.ZipInfo) -> bool:
    # macOS's Archive Utility adds a resource-fork file under __MACOSX/ for each file it zips.
    return info.filename.endswith(".md") and not info.is_dir() and not info.filename.startswith("__MACOSX/")


def markdown_record(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict:
    if info.file_size > MAX_MARKDOWN_FILE_SIZE:
        raise ImportFileError(f"{info.filename}: the note is too large to import.")
    try:
        return from_markdown(archive.read(info).decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportFileError(f"{info.filename}: the file is not UTF-8 text.") from None
    except ValueError as problem:
        raise ImportFileError(f"{info.filename}: {problem}.") from None


def valid_record(where: str, raw: object) -> dict:
    if not isinstance(raw, dict):
        raise ImportFileError(f"{where}: a note must be an object.")
    form = ImportedNoteForm(raw)
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        raise ImportFileError(f"{where}: {field}: {messages[0]}")
    return form.cleaned_data


def import_notes(records: list[dict]) -> Iterator[ImportProgress]:
    progress = ImportProgress(done=0, total=len(records))
    yield progress
    for start in range(0, len(records), BATCH_SIZE):
        batch = records[start : start + BATCH_SIZE]
        with transaction.atomic():
            created, updated = import_batch(batch)
        progress = replace(
            progress,
            done=progress.done + len(batch),
            created=progress.created + created,
            updated=progress.updated + updated,
            unchanged=progress.unchanged + len(batch) - created - updated,
        )
        yield progress


def import_batch(records: list[dict]) -> tuple[int, int]:
    """Create the notes whose uid is new and update those the file has a newer version of."""
    existing = Note.objects.in_bulk([record["uid"] for record in records], field_name="uid")
    new_records = [record for record in records if record["uid"] not in existing]
    newer = [
        (existing[record["uid"]], record)
        for record in records
        if record["uid"] in existing and record["updated"] > existing[record["uid"]].updated
    ]
    created = Note.objects.bulk_create(
        Note(uid=record["uid"], created=record["created"], **note_fields(record)) for record in new_records
    )
    for note, record in newer:
        for field, value in note_fields(record).items():
            setattr(note, field, value)
        note.version += 1
    Note.objects.bulk_update([note for note, _ in newer], [*IMPORTED_FIELDS, "version"])
    set_tags({note.pk: record["tags"] for note, record in [*zip(created, new_records), *newer]})
    return len(created), len(newer)


def note_fields(record: dict) -> dict:
    return {field: record[field] for field in IMPORTED_FIELDS}
