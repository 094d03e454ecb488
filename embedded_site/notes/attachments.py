"""Attachment files: stored under generated names, served with a safe type and disposition (the
shell's rule for uploaded files, django_desktop_shell.media).

A file is on the disk (fsynced: the shell's durable_file) before the row naming it is committed, so a crash or
power cut never leaves a row without its file. It can leave a file without a row (a crash
between the two, or between deleting a row and its file), which is kept: the database beside the
folder may not be the one that wrote it (a backup put back, a database moved away by mistake),
and the file the only copy of what a note had attached. Only the temporary files of writes cut
short are deleted when Notedesk starts (remove_partial_files()).

On a desktop, a file whose attachment is deleted (removed, or its note deleted for good) stays
while one of the database's daily backups names it, so that the backup, put back after a mistake,
has its files; a later launch deletes it once none does (discard_files()).
"""

import hashlib
import logging
import os
import sqlite3
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from django_desktop_shell import database
from django_desktop_shell.files import TEMPORARY_PREFIX, durable_file
from django_desktop_shell.media import shows_as_image
from embedded_site.notes import changes, links
from embedded_site.notes.models import ATTACHMENT_NAME_MAX_LENGTH, Attachment, DiscardedFile, Note

FALLBACK_NAME = "attachment"
MAX_KEPT_EXTENSION = 16  # a longer "extension" is cut like the rest of the name
SPOOLED_SIZE = 2 * 1024 * 1024  # a file bound for S3 is held in memory up to this size, then on disk
logger = logging.getLogger(__name__)


def display_name(client_name: str) -> str:
    """The client's file name, made safe to show and to send back in a header: no folders, and
    no control or format characters (right-to-left overrides can disguise an extension)."""
    name = unicodedata.normalize("NFC", client_name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C")).strip()
    if name in ("", ".", ".."):
        return FALLBACK_NAME
    stem, extension = os.path.splitext(name)
    if len(extension) > MAX_KEPT_EXTENSION:
        stem, extension = name, ""
    return stem[: ATTACHMENT_NAME_MAX_LENGTH - len(extension)] + extension


def attached_files(owner, note_id: int) -> dict[str, dict]:
    """The note's attachments by file name (case-folded), as its text may name them: where each
    is served, and whether it is an image a page may show."""
    files = {}
    for pk, name in Attachment.objects.filter(note__owner=owner, note_id=note_id).order_by("pk").values_list("pk", "name"):
        files.setdefault(name.casefold(), {"url": reverse("notes:attachment", args=[pk]), "image": shows_as_image(name)})
    return files


def attachments_folder() -> Path:
    return Path(Attachment.file.field.storage.location)


def write_stored_file(name: str, chunks: Iterable[bytes]) -> int:
    """Store the file under `name`; its size. On a disk, fsynced before this returns (the shell's durable_file);
    on another storage (S3, on a server), through the storage's own save()."""
    storage = Attachment.file.field.storage
    size = 0
    if isinstance(storage, FileSystemStorage):
        folder = attachments_folder()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with durable_file(folder / name) as file:
            for chunk in chunks:
                file.write(chunk)
                size += len(chunk)
        return size
    with tempfile.SpooledTemporaryFile(max_size=SPOOLED_SIZE) as file:
        for chunk in chunks:
            file.write(chunk)
            size += len(chunk)
        file.seek(0)
        storage.save(name, File(file))
    return size


def hashing(chunks: Iterable[bytes], digest) -> Iterable[bytes]:
    """The chunks, each added to `digest` on the way (sync finds contents by their SHA-256)."""
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def form_data_file_name(name: str) -> str:
    """A multipart upload's file name with the browser's escapes undone: the HTML standard has it
    send `"`, CR and LF as %22, %0D and %0A, and Django's parser leaves them. Only there: any
    other "%22" (in a dropped file's name, a synced one) is the name's own."""
    return name.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")


def store_attachment(note: Note, upload: UploadedFile, check: Callable[[], None] | None = None) -> Attachment:
    return save_attachment(note, display_name(form_data_file_name(upload.name)), upload.chunks(), check)


def save_attachment(
    note: Note, name: str, chunks: Iterable[bytes], check: Callable[[], None] | None = None
) -> Attachment:
    """Write the file durably, then create its row; if either fails, neither is left.

    `check`, if given, runs in the row's transaction, just before the row is created: raising
    there (the note went to the trash while the file was written, say) leaves neither too."""
    stored_name = uuid.uuid4().hex
    try:
        digest = hashlib.sha256()
        size = write_stored_file(stored_name, hashing(chunks, digest))
        with transaction.atomic():
            if check:
                check()
            attachment = Attachment.objects.create(
                note=note, name=name, file=stored_name, size=size, sha256=digest.hexdigest()
            )
            links.set_links(note.pk, Note.objects.values_list("body", flat=True).get(pk=note.pk))
            changes.notes_changed([note.pk])
            return attachment
    except BaseException:
        Attachment.file.field.storage.delete(stored_name)
        raise


def stored_chunks(attachment: Attachment) -> Iterator[bytes]:
    """The attachment's file, read from its storage (the data folder, or a server's S3)."""
    with Attachment.file.field.storage.open(attachment.file.name, "rb") as file:
        yield from iter(lambda: file.read(File.DEFAULT_CHUNK_SIZE), b"")


def delete_attachment(attachment: Attachment) -> None:
    """Delete the row and, once that is committed, the file."""
    stored_name = attachment.file.name
    with transaction.atomic():
        attachment.delete()
        links.set_links(attachment.note_id, Note.objects.values_list("body", flat=True).get(pk=attachment.note_id))
        changes.notes_changed([attachment.note_id])
        transaction.on_commit(lambda: discard_files([stored_name]))


def discard_files(stored_names: list[str]) -> None:
    """The files of attachments whose rows are gone (committed): deleted, except on a desktop those a
    backup of the database names, which are recorded for delete_discarded_files(). While the day's
    backup is being made, all of them: it may have read the rows before they went."""
    if getattr(settings, "NOTEDESK_SERVER", False):
        kept = set()
    elif database.backup_in_progress():
        kept = set(stored_names)
    else:
        kept = names_in_backups(stored_names)
    for name in stored_names:
        if name not in kept:
            Attachment.file.field.storage.delete(name)
    DiscardedFile.objects.bulk_create([DiscardedFile(name=name) for name in kept], ignore_conflicts=True)


def delete_discarded_files() -> int:
    """At a launch: delete the discarded files that no backup names any more (the oldest ones the
    day's backup pushed out named them), and forget those the database names again (a backup was
    put back). Returns how many were deleted."""
    recorded = set(DiscardedFile.objects.values_list("name", flat=True))
    if not recorded:
        return 0
    in_use = recorded & set(Attachment.objects.values_list("file", flat=True))
    gone = recorded - in_use - names_in_backups(recorded - in_use)
    for name in gone:
        Attachment.file.field.storage.delete(name)
    DiscardedFile.objects.filter(name__in=gone | in_use).delete()
    return len(gone)


def names_in_backups(stored_names: Iterable[str]) -> set[str]:
    """Those of the stored file names that a kept backup of the database names. A backup SQLite
    cannot read may name any of them; one made before the tables were (at a first launch) names none."""
    wanted = set(stored_names)
    found = set()
    table = Attachment._meta.db_table
    for _, backup in database.backups(database.database_path()):
        try:
            with closing(sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)) as connection:
                if connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
                    found.update(name for (name,) in connection.execute(f"SELECT file FROM {table}") if name in wanted)
        except sqlite3.Error:
            return wanted
    return found


def remove_partial_files() -> int:
    """Delete the temporary files of attachment writes cut short. Only while nothing else writes
    there: at a desktop's start, before serving. Whole files no attachment names are kept, and
    logged."""
    folder = attachments_folder()
    if not folder.is_dir():
        return 0
    partial = list(folder.glob(f"{TEMPORARY_PREFIX}*"))
    for path in partial:
        path.unlink(missing_ok=True)
    known = set(Attachment.objects.values_list("file", flat=True)) | set(DiscardedFile.objects.values_list("name", flat=True))
    unnamed = [path for path in folder.iterdir() if path.is_file() and path.name not in known]
    if unnamed:
        logger.info("%d files in %s are named by no attachment (%.1f MB), kept: the database may have been put back "
                    "from a backup", len(unnamed), folder, sum(path.stat().st_size for path in unnamed) / 1e6)
    return len(partial)
