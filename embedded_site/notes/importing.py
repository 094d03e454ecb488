"""Import of an export file (exporting.py), idempotent by each note's uid and, within a note,
by each attachment's name and content.

read_import_file() checks the whole file before anything is written, attachments included
(each within the upload limit): a note that could not be stored stops the import before its
first write. Attachments are checked and written a chunk at a time, never held whole: a zip's
are read from it, a JSON export's decoded into a temporary file (AttachmentSpool) as its notes
are read one at a time. import_notes() then writes it in batches, a transaction each, so a long import
(a job) never holds the write lock for long: cancelling it (closing the generator) keeps the
batches already done, and importing the same file again completes it without creating anything
twice. POST /api/import/ writes it in one transaction instead: all or nothing.
"""

import base64
import codecs
import hashlib
import io
import json
import lzma
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.timezone import make_aware

from embedded_site.notes import changes, days, launch_days, links, revisions
from embedded_site.notes.attachments import display_name, save_attachment
from embedded_site.notes.exporting import FORMAT_NAME, FORMAT_VERSION
from embedded_site.notes.forms import BODY_MAX_LENGTH, ExportedNoteForm
from embedded_site.notes.markdown_files import (
    ATTACHMENTS_KEY, EXPORTED_HEAD_SIZE, from_markdown, valid_attachment_entry, written_by_notedesk,
)
from embedded_site.notes.models import Attachment, Note
from embedded_site.notes.progress import Progress
from embedded_site.notes.tagging import NoteTags, set_tags

READABLE_VERSIONS = (1, 2, 3, FORMAT_VERSION)
BATCH_SIZE = 500
# A batch also ends once its attachments add up to this, so that cancelling stays prompt.
BATCH_ATTACHMENT_BYTES = 64 * 1024 * 1024
IMPORTED_FIELDS = ("title", "body", "pinned", "updated")
MAX_MARKDOWN_FILE_SIZE = 8 * 1024 * 1024
# What the notes of one zip and their attachments may add up to once uncompressed, an attachment
# counting once for each note that names it: a zip bomb stops here.
MAX_ARCHIVE_CONTENT_SIZE = 512 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024
BASE64_CHUNK = 4 * 256 * 1024  # characters, a multiple of 4: each decodes on its own
# A Notedesk JSON export as exporting.py writes it, up to the "[" of its notes.
EXPORT_HEAD = re.compile(r'\s*\{\s*"format"\s*:\s*"(?P<format>[^"\\]*)"\s*,\s*"version"\s*:\s*(?P<version>\d{1,9})\s*,\s*"notes"\s*:\s*\[')
NOT_SPACE = re.compile(r"[^ \t\n\r]")
NUMBER_PART = re.compile(r"[0-9.eE+-]*")
HEAD_SIZE = 4096  # bytes read at least before the head is looked for: any spacing of it
JSON_DECODER = json.JSONDecoder()
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# The values of a JSON file read whole (refuse_too_many_values): at most about 150 MB of Python
# objects. A Standard Notes backup holds some 10 to 30 a note: this is 60,000 notes or more.
MAX_WHOLE_JSON_VALUES = 2_000_000
# After why a zip of Markdown files that Notedesk did not write cannot be imported as its export.
OTHER_APPS_MARKDOWN = (
    "This zip file is not a Notedesk export: to import Markdown files from another app (an Obsidian vault, "
    "say), use “Import Markdown…”."
)


# What reading a damaged zip raises, besides the cases below: zipfile's own error, zlib's and
# lzma's for corrupt data, EOFError for data that ends early, RuntimeError for an encrypted file
# and NotImplementedError for a compression zipfile does not know.
UNREADABLE_ZIP = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, RuntimeError, NotImplementedError)
# How a zip's first file starts: a zip cut short keeps it, while its list of files, at its end, is lost.
ZIP_SIGNATURE = b"PK\x03\x04"
GZIP_SIGNATURE = b"\x1f\x8b"
SQLITE_SIGNATURE = b"SQLite format 3\x00"


class ImportFileError(ValueError):
    """The file cannot be imported; the message says why, for the person."""


@dataclass(frozen=True)
class ImportProgress(Progress):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    attachments: int = 0  # added


@dataclass(frozen=True)
class ImportedAttachment:
    """An attachment of the file, checked whole; `chunks()` reads its content again, a chunk at a
    time, to write it."""

    name: str
    size: int
    digest: str  # SHA-256 of the content
    chunks: Callable[[], Iterator[bytes]]


def read_import_file(file: BinaryIO, spool: BinaryIO, changed: list | None = None) -> list[dict]:
    """The validated note records of a JSON export or a zip of Markdown notes, each with its
    "attachments": a list of ImportedAttachment. A JSON export's attached files are decoded into
    `spool` (a temporary file, kept until the records are imported) as its notes are read. A note of
    a Standard Notes backup longer than a note holds is split into parts, each split said in
    `changed` (foreign_import.Skipped)."""
    is_zip = zipfile.is_zipfile(file) or starts_as_zip(file)
    file.seek(0)  # is_zipfile leaves the file wherever its search ended
    try:
        changed = [] if changed is None else changed
        sources = markdown_sources(file) if is_zip else json_sources(file, AttachmentSpool(spool), changed)
        records = [
            {**valid_record(where, raw), "attachments": attachments, "revisions": valid_revisions(where, raw),
             "file_modified": file_modified}
            for where, raw, attachments, file_modified in sources
        ]
    except ImportFileError as error:
        if is_zip and is_notedesk_markdown_zip(file) is False:
            raise ImportFileError(f"{error} {OTHER_APPS_MARKDOWN}") from None
        raise
    repeated = [uid for uid, count in Counter(record["uid"] for record in records).items() if count > 1]
    if repeated:
        raise ImportFileError(f"The note {repeated[0]} is in the file more than once.")
    return records


def is_notedesk_markdown_zip(file: Path | BinaryIO) -> bool | None:
    """Whether a zip is a Markdown export of Notedesk's (export_markdown): each of its notes starts
    as Notedesk writes one. None if it cannot be read (the disk included) or has no notes: its
    import then says why."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            notes = [info for info in archive.infolist() if is_markdown_note(info, names)]
            if not notes:
                return None
            for info in notes:
                with archive.open(info) as member:
                    if not written_by_notedesk(member.read(EXPORTED_HEAD_SIZE)):
                        return False
            return True
    except (*UNREADABLE_ZIP, UnicodeDecodeError, OSError):
        return None


def imports_folder() -> Path:
    """Where an uploaded file waits for its import, and an import keeps what it decoded (in the
    data folder, like the notes themselves, not in the system's shared temporary folder)."""
    imports = Path(settings.DESKTOP_DATA_DIR) / "imports"
    imports.mkdir(mode=0o700, exist_ok=True)
    return imports


# Where a note is in the file, its fields as read, its attached files, and when its own file was
# changed (a Markdown file's; None in a JSON export).
Source = tuple[str, object, list[ImportedAttachment], datetime | None]


def json_sources(file: BinaryIO, spool: "AttachmentSpool", changed: list) -> Iterator[Source]:
    """Each note of the export as it is read, its attached files already in the spool."""
    for position, raw in enumerate(json_notes(file, changed), start=1):
        # Taken out of the note: its checks (a Django form, freed only by the garbage collector's
        # rounds) would otherwise keep the attached files' base64 text alive long after.
        listed = raw.pop(ATTACHMENTS_KEY, []) if isinstance(raw, dict) else []
        yield f"Note {position}", raw, json_attachments(f"Note {position}", listed, spool), None


def json_notes(file: BinaryIO, changed: list) -> Iterator[object]:
    """The notes of a Notedesk JSON export, one at a time. An export laid out as Notedesk writes
    it (its format and version, then its notes) is read a megabyte at a time, holding one note's
    text at most; the same JSON laid out otherwise is read whole."""
    try:
        stream = JsonStream(file)
        head = EXPORT_HEAD.match(stream.text)
    except ValueError:  # its start is not UTF-8: not written by Notedesk
        head = None
    if head is None:
        file.seek(0)
        data = file.read()
        refuse_too_many_values(data)
        try:
            document = json.loads(data)
        except (ValueError, RecursionError) as error:
            file.seek(0)
            start = file.read(64)
            if isinstance(error, UnicodeDecodeError) and start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
                raise ImportFileError(  # JSON, but not in UTF-8
                    f"This JSON file is not UTF-8 text (byte {error.start} is not), as a Notedesk export is.") from None
            if start.startswith(SQLITE_SIGNATURE):  # what a person who kept only backups/ picks first
                raise ImportFileError(
                    "This is a database (such as one of Notedesk's daily backups, notedesk-….sqlite3), not an export: "
                    "Import… reads exports. To put a backup back, quit Notedesk and copy it over notedesk.sqlite3 in "
                    "the data folder (Help › Open data folder), as the README's “Putting a backup back” says. "
                    "Nothing was imported.") from None
            raise ImportFileError("This is neither a Notedesk JSON export nor a zip of Markdown notes.") from None
        if not isinstance(document, dict):
            raise ImportFileError("This JSON file is not a Notedesk export.")
        if "format" not in document and isinstance(document.get("items"), list):
            from embedded_site.notes.standard_notes import standard_notes_backup

            yield from standard_notes_backup(document, changed)
            return
        readable_export(document.get("format"), document.get("version"))
        if not isinstance(document.get("notes"), list):
            raise ImportFileError("This Notedesk export has no list of notes.")
        yield from document["notes"]
        return
    readable_export(head["format"], int(head["version"]))
    stream.position = head.end()
    read = 0
    try:
        while (next_character := stream.skip_space()) != "]":
            if read:
                if next_character != ",":
                    raise ValueError("a note not followed by a comma")
                stream.position += 1
                stream.skip_space()
            note = stream.value()
            read += 1
            yield note
        stream.position += 1
        if stream.skip_space() != "}":
            raise ValueError("the list of notes not followed by the end of the export")
        stream.position += 1
        if stream.skip_space():
            raise ValueError("more after the end of the export")
    except (ValueError, RecursionError):
        raise ImportFileError(
            f"This Notedesk export is damaged after its note {read} (not valid JSON there): it may have been cut "
            "short while it was copied. Nothing was imported."
        ) from None


def refuse_too_many_values(data: bytes) -> None:
    """Refuse a JSON file to be read whole (another app's, or an export not laid out as Notedesk
    writes one) that holds more than MAX_WHOLE_JSON_VALUES values. Each becomes a Python object,
    an empty one (`{}`, three bytes) 25 times its size in memory: a 200 MB file, within the
    import's limit, took 5 GB. Its values are counted (about), not its bytes: a long text costs
    no more than its size."""
    if json_values(data) <= MAX_WHOLE_JSON_VALUES:  # its texts' commas and brackets counted too: at most this many
        return
    if json_values(JSON_STRING.sub(b"", data)) > MAX_WHOLE_JSON_VALUES:  # its texts taken out
        raise ImportFileError(f"This JSON file holds more than {MAX_WHOLE_JSON_VALUES:,} values, more than Notedesk "
                              "reads at once from a file that is not one of its own exports. Nothing was imported.")


def json_values(structure: bytes) -> int:
    """About how many values JSON holds: its arrays, its objects and the commas between values."""
    return structure.count(b",") + structure.count(b"[") + structure.count(b"{")


def readable_export(format_name: object, version: object) -> None:
    if format_name != FORMAT_NAME:
        raise ImportFileError("This JSON file is not a Notedesk export.")
    if type(version) is int and version > READABLE_VERSIONS[-1]:
        raise ImportFileError(
            f"This Notedesk export was written by a newer Notedesk (its format is version {version}; this one reads "
            f"up to {READABLE_VERSIONS[-1]}): update Notedesk, then import it again. Nothing was imported.")
    if type(version) is not int or version not in READABLE_VERSIONS:  # true == 1 and 1.0 == 1 in Python
        raise ImportFileError(
            f"This Notedesk export is not version {', '.join(map(str, READABLE_VERSIONS[:-1]))} or {READABLE_VERSIONS[-1]}, "
            "the ones this Notedesk reads."
        )


class JsonStream:
    """The text of a JSON file, read as far as the value being decoded needs."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.text, self.position, self.ended = "", 0, False
        self.read_more(HEAD_SIZE)

    def read_more(self, at_least: int) -> None:
        data = self.file.read(max(at_least, CHUNK_SIZE))
        self.ended = not data
        self.text = self.text[self.position:] + self.utf8.decode(data, final=self.ended)
        self.position = 0

    def skip_space(self) -> str:
        """The next character that is not white space, or "" at the end of the file."""
        while (found := NOT_SPACE.search(self.text, self.position)) is None and not self.ended:
            self.position = len(self.text)
            self.read_more(CHUNK_SIZE)
        if found is None:
            self.position = len(self.text)
            return ""
        self.position = found.start()
        return self.text[self.position]

    def value(self) -> object:
        while True:
            try:
                value, end = JSON_DECODER.raw_decode(self.text, self.position)
            except json.JSONDecodeError as error:
                # Cut short by the end of the text read so far: a string not ended, or an error at its very end?
                if self.ended or not (error.msg.startswith("Unterminated string") or error.pos >= len(self.text) - 6):
                    raise
            else:
                # A number the text read so far ends in may go on ("1" of "12", "1." of "1.5", "1e" of "1e9").
                number_may_go_on = type(value) in (int, float) and NUMBER_PART.fullmatch(self.text, end)
                if self.ended or not number_may_go_on:
                    self.position = end
                    return value
            self.read_more(len(self.text) - self.position)  # twice what is held: reading stays linear


def json_attachments(where: str, listed: object, spool: "AttachmentSpool") -> list[ImportedAttachment]:
    if not isinstance(listed, list):
        raise ImportFileError(f"{where}: its attachments must be a list.")
    attachments = []
    for number, item in enumerate(listed, start=1):
        if not (isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("data"), str)):
            raise ImportFileError(f"{where}, attachment {number}: it needs a name and its data in base64.")
        within_limit(where, item["name"], len(item["data"]) * 3 // 4 - 2)  # before decoding a huge one
        decoded = spool.decoded(item["data"])
        if decoded.problem == TOO_LARGE:
            within_limit(where, item["name"], decoded.size)
        if decoded.problem:
            raise ImportFileError(f"{where}, attachment “{item['name']}”: its data is not valid base64.")
        attachments.append(spool.attachment(decoded, display_name(item["name"])))
    return attachments


@dataclass
class Decoding:
    """An attached file being decoded from base64 into the spool."""

    offset: int
    md5: object = None  # also its MD5, for an Evernote note's <en-media>, which names it so
    size: int = 0
    sha256: object = field(default_factory=hashlib.sha256)
    problem: str = ""  # NOT_BASE64 or TOO_LARGE: then it cannot be an attachment
    pending: str = ""  # base64 characters not yet decoded: fewer than a group of four
    padded: bool = False


NOT_BASE64 = "is not valid base64"
TOO_LARGE = "is larger than the limit for an attachment"


class AttachmentSpool:
    """An import's attached files, decoded from base64 into one temporary file as the import file
    is read, so that memory never holds them: each is read back, a chunk at a time, as it is
    written. One within the attachment limit only; white space in the base64 text is left out."""

    def __init__(self, file: BinaryIO):
        self.file = file

    def begin(self, *, md5: bool = False) -> Decoding:
        self.file.seek(0, io.SEEK_END)
        return Decoding(offset=self.file.tell(), md5=hashlib.md5(usedforsecurity=False) if md5 else None)

    def feed(self, decoding: Decoding, text: str) -> None:
        if decoding.problem:
            return
        letters = decoding.pending + "".join(text.split())
        whole = len(letters) - len(letters) % 4
        decoding.pending = letters[whole:]
        if whole:
            self.write(decoding, letters[:whole])

    def finish(self, decoding: Decoding) -> Decoding:
        if decoding.pending and not decoding.problem:
            self.write(decoding, decoding.pending)  # not a whole group of four: refused as not base64
        decoding.pending = ""
        return decoding

    def decoded(self, text: str) -> Decoding:
        decoding = self.begin()
        for start in range(0, len(text), BASE64_CHUNK):
            self.feed(decoding, text[start : start + BASE64_CHUNK])
        return self.finish(decoding)

    def write(self, decoding: Decoding, letters: str) -> None:
        try:
            if decoding.padded:
                raise ValueError("data after the padding")
            decoded = base64.b64decode(letters, validate=True)
        except ValueError:  # binascii.Error, or a character that is not ASCII
            decoding.problem = NOT_BASE64
            return
        decoding.padded = letters.endswith("=")
        decoding.size += len(decoded)
        if decoding.size > settings.NOTEDESK_MAX_ATTACHMENT_SIZE:
            decoding.problem = TOO_LARGE
            return
        self.file.seek(0, io.SEEK_END)
        self.file.write(decoded)
        decoding.sha256.update(decoded)
        if decoding.md5 is not None:
            decoding.md5.update(decoded)

    def attachment(self, decoding: Decoding, name: str) -> ImportedAttachment:
        return ImportedAttachment(name, decoding.size, decoding.sha256.hexdigest(),
                                  partial(self.chunks, decoding.offset, decoding.size))

    def chunks(self, offset: int, size: int) -> Iterator[bytes]:
        while size > 0:
            self.file.seek(offset)
            chunk = self.file.read(min(size, CHUNK_SIZE))
            if not chunk:
                raise OSError("the import's temporary file ended early")
            offset, size = offset + len(chunk), size - len(chunk)
            yield chunk


def measured(chunks: Iterator[bytes]) -> tuple[int, str]:
    """The size and SHA-256 of the content `chunks` yields."""
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def within_limit(where: str, name: str, size: int) -> None:
    limit = settings.NOTEDESK_MAX_ATTACHMENT_SIZE
    if size > limit:
        raise ImportFileError(
            f"{where}, attachment “{name}”: the file is larger than the limit of {filesizeformat(limit)} "
            "for an attachment. Nothing was imported."
        )


def markdown_sources(file: BinaryIO) -> list[Source]:
    """Every attachment a note names counts against MAX_ARCHIVE_CONTENT_SIZE, for each note that
    names it: a small zip whose notes name one large file many times would otherwise write it many
    times. Each file named is read once here, to check it, and then once per note as it is written."""
    try:
        # Left open, and `file` with it (the archive does not own it): the import reads the
        # attachments from it again.
        archive = zipfile.ZipFile(file)
        names = set(archive.namelist())
        members = [info for info in archive.infolist() if is_markdown_note(info, names)]
        if not members:
            raise ImportFileError("There are no Markdown notes (.md files) in this zip file.")
        within_archive_limit(members)
        notes = [(info, markdown_record(archive, info)) for info in members]
        named = [zip_attachments(archive, info.filename, raw.get(ATTACHMENTS_KEY)) for info, raw in notes]
        within_archive_limit(members + [info for listed in named for _, info in listed])
        checked = {info.filename: measured(member_chunks(archive, info)) for listed in named for _, info in listed}
        return [
            (note.filename, raw, [
                ImportedAttachment(name, *checked[info.filename], partial(member_chunks, archive, info))
                for name, info in listed
            ], entry_date(note))
            for (note, raw), listed in zip(notes, named)
        ]
    except (*UNREADABLE_ZIP, UnicodeDecodeError) as error:  # a note's text is checked in markdown_record
        raise unreadable_zip(error) from None
    except OSError as error:
        if error.errno is not None:  # the disk, not the zip: said as such further up
            raise
        raise ImportFileError(f"The zip file cannot be read ({error}).") from None  # bz2's "Invalid data stream"


def is_markdown_note(info: zipfile.ZipInfo, names: set[str]) -> bool:
    # macOS's Archive Utility adds a resource-fork file under __MACOSX/ for each file it zips.
    return (
        info.filename.endswith(".md")
        and not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and not in_a_note_folder(info.filename, names)
    )


def in_a_note_folder(path: str, names: set[str]) -> bool:
    """Whether `path` is in the attachments folder of a note: under `groceries/` beside
    `groceries.md` (an attached .md file is not a note)."""
    folders = path.split("/")[:-1]
    return any("/".join(folders[:depth]) + ".md" in names for depth in range(1, len(folders) + 1))


def starts_as_zip(source: Path | BinaryIO) -> bool:
    return starts_as(source, ZIP_SIGNATURE)


def starts_as(source: Path | BinaryIO, signature: bytes) -> bool:
    if isinstance(source, Path):
        with source.open("rb") as file:
            return file.read(len(signature)) == signature
    source.seek(0)
    return source.read(len(signature)) == signature


def unreadable_zip(error: Exception) -> ImportFileError:
    """What to say of a zip file that breaks as it is read: damaged (its structure, as a copy cut
    short leaves it, or its data), or naming a file in the UTF-8 its flag claims and not in it."""
    if isinstance(error, UnicodeDecodeError):
        return ImportFileError("The zip file cannot be read (a file name in it is not UTF-8 text).")
    if isinstance(error, (zipfile.BadZipFile, EOFError)) and not str(error).startswith("Bad CRC-32"):
        # zipfile's words for a zip that starts as one but has no list of its files at its end
        missing_list = str(error) == "File is not a zip file"
        detail = "the list of its files, at its end, is missing" if missing_list else error
        return ImportFileError(f"This zip file is damaged (cut short?): {detail}. Nothing was imported.")
    return ImportFileError(f"The zip file cannot be read ({error}).")


def within_archive_limit(read: list[zipfile.ZipInfo]) -> None:
    if sum(info.file_size for info in read) > MAX_ARCHIVE_CONTENT_SIZE:
        raise ImportFileError(
            "The notes in this zip file and their attachments (each counted once for every note that names it) "
            f"add up to more than {filesizeformat(MAX_ARCHIVE_CONTENT_SIZE)}: too large to import at once."
        )


def zip_attachments(archive: zipfile.ZipFile, where: str, listed: object) -> list[tuple[str, zipfile.ZipInfo]]:
    """The name and zip member of each attachment the note lists."""
    if listed is None:
        return []
    if not (isinstance(listed, list) and all(valid_attachment_entry(item) for item in listed)):
        raise ImportFileError(f"{where}: its attachments must be a list of {{\"name\", \"file\"}}.")
    attachments = []
    for item in listed:
        try:
            info = archive.getinfo(item["file"])
        except KeyError:
            raise ImportFileError(f"{where}: its attachment {item['file']} is not in the zip file.") from None
        within_limit(where, item["name"], info.file_size)  # reading never yields more than file_size
        attachments.append((display_name(item["name"]), info))
    return attachments


def member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as member:
        while chunk := member.read(CHUNK_SIZE):
            yield chunk


def markdown_record(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict:
    if info.file_size > MAX_MARKDOWN_FILE_SIZE:
        raise ImportFileError(f"{info.filename}: the note is too large to import.")
    try:
        return from_markdown(archive.read(info).decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportFileError(f"{info.filename}: the file is not UTF-8 text.") from None
    except ValueError as problem:
        raise ImportFileError(f"{info.filename}: {problem}.") from None


def entry_date(info: zipfile.ZipInfo) -> datetime:
    """When a zip entry was last changed, in the local time zip tools write (Django's current zone,
    as exporting.zip_entry() writes it); a date no calendar has (month 0, say) is the earliest a
    zip can hold, 1980-01-01, the same at every import."""
    try:
        return make_aware(datetime(*info.date_time))
    except ValueError:
        return make_aware(datetime(1980, 1, 1))


def valid_record(where: str, raw: object) -> dict:
    if not isinstance(raw, dict):
        raise ImportFileError(f"{where}: a note must be an object.")
    form = ExportedNoteForm(raw)
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        raise ImportFileError(f"{where}: {field}: {messages[0]}")
    return form.cleaned_data


def valid_revisions(where: str, raw: dict) -> list[dict]:
    """The note's version history (JSON exports from version 3 on), checked."""
    try:
        return revisions.imported(raw.get("revisions"), BODY_MAX_LENGTH)
    except revisions.RevisionError as error:
        raise ImportFileError(f"{where}: {error}") from None


def import_notes(owner, records: list[dict], *, in_batches: bool = True) -> Iterator[ImportProgress]:
    """Write the records in batches, a transaction each; or, with in_batches=False, all in one
    transaction, so that an import stopped by anything (a full disk, say) leaves nothing."""
    progress = ImportProgress(done=0, total=len(records))
    yield progress
    days.take_journal_of(owner, records)
    for batch in batches(records) if in_batches else [records]:
        stored_files: list[str] = []
        try:
            with transaction.atomic():
                created, updated, attached = import_batch(owner, batch, stored_files)
        except BaseException:
            for name in stored_files:  # their rows were rolled back
                Attachment.file.field.storage.delete(name)
            raise
        progress = replace(
            progress,
            done=progress.done + len(batch),
            created=progress.created + created,
            updated=progress.updated + updated,
            unchanged=progress.unchanged + len(batch) - created - updated,
            attachments=progress.attachments + attached,
        )
        yield progress


def batches(records: list[dict]) -> Iterator[list[dict]]:
    batch, attachment_bytes = [], 0
    for record in records:
        if batch and (len(batch) == BATCH_SIZE or attachment_bytes >= BATCH_ATTACHMENT_BYTES):
            yield batch
            batch, attachment_bytes = [], 0
        batch.append(record)
        attachment_bytes += sum(attachment.size for attachment in record["attachments"])
    if batch:
        yield batch


def import_batch(owner, records: list[dict], stored_files: list[str]) -> tuple[int, int, int]:
    """Create the owner's notes whose uid is new to them, update those the file has a newer and
    different version of, and add the attachments a note lacks. Returns how many notes were created
    and updated, and how many attachments added; each added attachment's file name goes into
    `stored_files`."""
    records = days.others_shared_day_notes_apart(owner, records)
    uids = [record["uid"] for record in records]
    existing = {note.uid: note for note in Note.objects.owned_by(owner).filter(uid__in=uids)}
    new_records = [record for record in records if record["uid"] not in existing]
    later = [(existing[record["uid"]], record) for record in records
             if record["uid"] in existing and last_changed(record) > existing[record["uid"]].updated]
    tags_now = {note.pk: [] for note, _ in later}
    for note_id, name in NoteTags.objects.filter(note_id__in=tags_now).values_list("note_id", "tag__name"):
        tags_now[note_id].append(name)
    # Newer but the same (a file's time moved by copying it, say): nothing to change, no version to keep.
    newer = [(note, record) for note, record in later
             if any(getattr(note, name) != record[name] for name in ("title", "body", "pinned"))
             or set(tags_now[note.pk]) != set(record["tags"])]
    # A note new here comes in the trash if it was there, for the trash's whole time from now: with
    # its trashed_at, an export taken to a new computer weeks later had it purged at the next upkeep.
    # One here keeps its own place.
    trashed_now = launch_days.trash_time() if any(record.get("trashed_at") for record in new_records) else None
    created = Note.objects.bulk_create(
        Note(owner=owner, uid=record["uid"], created=record["created"],
             trashed_at=trashed_now if record.get("trashed_at") else None, **note_fields(record))
        for record in new_records
    )
    revisions.keep_many([note.pk for note, _ in newer], "import")  # what the import overwrites
    for note, record in newer:
        for name, value in {**note_fields(record), "updated": last_changed(record)}.items():
            setattr(note, name, value)
        note.version += 1
    Note.objects.bulk_update([note for note, _ in newer], [*IMPORTED_FIELDS, "version"])
    set_tags(owner, {note.pk: record["tags"] for note, record in [*zip(created, new_records), *newer]})
    links.index_notes([*created, *(note for note, _ in newer)])
    notes = {**existing, **{record["uid"]: note for note, record in zip(created, new_records)}}
    attached = 0
    changed = {note.pk for note in created} | {note.pk for note, _ in newer}
    for record in records:
        if revisions.import_revisions(notes[record["uid"]], record.get("revisions", [])):
            changed.add(notes[record["uid"]].pk)
        for attachment in missing_attachments(notes[record["uid"]], record["attachments"]):
            stored = save_attachment(notes[record["uid"]], attachment.name, attachment.chunks())
            stored_files.append(stored.file.name)
            attached += 1
    changes.notes_changed(changed)
    return len(created), len(newer), attached


def missing_attachments(note: Note, incoming: list[ImportedAttachment]) -> list[ImportedAttachment]:
    """Those of `incoming` the note does not have yet: an attachment is the same one if its name
    and content are (an attachment on it twice counts twice)."""
    if not incoming:
        return []
    candidates = {(attachment.name, attachment.size) for attachment in incoming}
    present = Counter(
        (attachment.name, digest)
        for attachment in Attachment.objects.filter(note=note)
        if (attachment.name, attachment.size) in candidates and (digest := stored_digest(attachment))
    )
    missing = []
    for attachment in incoming:
        key = (attachment.name, attachment.digest)
        if present[key]:
            present[key] -= 1
        else:
            missing.append(attachment)
    return missing


def stored_digest(attachment: Attachment) -> str | None:
    """The SHA-256 of the attachment's file, or None if the file is missing (the import adds it
    again)."""
    try:
        with Attachment.file.field.storage.open(attachment.file.name, "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def last_changed(record: dict) -> datetime:
    """When the note in the file was last changed: its `updated` or, if later, its file's time. A
    note exported as Markdown and edited in another app (Obsidian) keeps the front matter the export
    wrote: only its file's time says it is newer than the note here."""
    return max(record["updated"], record.get("file_modified") or record["updated"])


def note_fields(record: dict) -> dict:
    return {field: record[field] for field in IMPORTED_FIELDS}
