"""What Notedesk does with files and links from outside (the shell's django_desktop_shell.opening
calls these; settings.py names them). What each returns is the `detail` of the page's
`desktop:open` event: the notes to show, the imports started (a file that is an export of notes),
and a message for each file that could not be opened."""

import logging
import re
from pathlib import Path

from django.db import transaction

from embedded_site.notes import jobs
from embedded_site.notes.editing import create_note
from embedded_site.notes.exporting import FORMAT_NAME
from embedded_site.notes.foreign_views import start_foreign_import
from embedded_site.notes.importing import is_notedesk_markdown_zip
from embedded_site.notes.models import Note
from embedded_site.notes.owners import local_owner
from embedded_site.notes.serialize import note_payload, note_with_relations, payloads
from embedded_site.open_with.models import OpenedFile
from embedded_site.open_with.text_files import RefusedFile, TextFile, open_regular_file, quoted, read_text_file

logger = logging.getLogger(__name__)
# How Notedesk's JSON export starts, whatever its version.
NOTEDESK_JSON_HEAD = f'{{"format": "{FORMAT_NAME}"'.encode()
# How a Standard Notes backup starts (its decrypted "Download backup" file, .txt or .json).
STANDARD_NOTES_HEAD = re.compile(rb'\A\s*\{\s*"version"\s*:\s*"\d+"\s*,\s*"items"\s*:\s*\[')
# A part of a Google Takeout that Google split: `takeout-20261207T070000Z-001.tgz`, `-002.tgz`…
TAKEOUT_PART = re.compile(r"^(takeout-\w+)-\d{3}\.(?:tgz|zip)$", re.IGNORECASE)
# The one form of link to a note (the editor's "Copy link to note" makes it): nothing else is opened.
NOTE_LINK = re.compile(r"^notedesk://note/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


def open_files(paths: list[Path]) -> dict:
    notes, messages, imports = [], [], []
    parts = takeout_parts(paths)
    for group in parts.values():
        imports.append(jobs.start_import(local_owner(), *group, remove_source=False).payload())
    for path in paths:
        if any(path in group for group in parts.values()):
            continue
        job = import_of(path)
        if job is not None:
            imports.append(job.payload())
            continue
        try:
            text = read_text_file(path)
        except RefusedFile as refusal:
            messages.append({"kind": "error", "text": str(refusal)})
            continue
        note, created = note_for(local_owner(), text)
        notes.append(note.pk)
        if text.replaced_bytes:
            messages.append({"kind": "warning", "text": f"{quoted(path)} is not valid UTF-8: it was opened with � in place of "
                                                        "the bytes that could not be read."})
        elif not created:
            messages.append({"kind": "info", "text": f"{quoted(path)} was opened before, unchanged: its note is open."})
    return {"notes": payloads(local_owner(), notes), "messages": messages, "imports": imports}


def takeout_parts(paths: list[Path]) -> dict[str, list[Path]]:
    """The parts of each Google Takeout opened or dropped together (two or more), by the name they
    share: imported as one, since a note's picture may be in another part than the note."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(paths):
        if match := TAKEOUT_PART.match(path.name):
            groups.setdefault(match.group(1).lower(), []).append(path)
    return {name: group for name, group in groups.items() if len(group) > 1}


def note_for(owner, text: TextFile) -> tuple[Note, bool]:
    """The owner's note this path with this content became before (if it is not in the trash), or
    a new one; the note and its record are written together or not at all."""
    with transaction.atomic():
        known = (
            Note.objects.owned_by(owner)
            .filter(opened_files__path=str(text.path), opened_files__sha256=text.sha256, trashed_at__isnull=True)
            .order_by("-opened_files__opened").first()
        )
        if known:
            return known, False
        note, _ = create_note(owner, {"title": text.title, "body": text.body, "pinned": False, "tags": []})
        OpenedFile.objects.create(path=str(text.path), sha256=text.sha256, note=note)
    return note, True


def import_of(path: Path) -> jobs.Job | None:
    """The import, started, of a file that holds notes rather than being one: an Evernote export,
    Notedesk's JSON export (of any version), a zip of Markdown notes (Notedesk's export, or another
    app's vault), Google Takeout's .tgz. Read where it is: the file stays the person's."""
    owner, suffix = local_owner(), path.suffix.lower()
    if suffix not in (".enex", ".jex", ".json", ".txt", ".zip", ".tgz", ".gz"):
        return None
    try:
        file, _ = open_regular_file(path, "")
        with file:
            head = file.read(256)
    except (RefusedFile, OSError):
        return None  # opened as a file, which says why it cannot be
    if suffix == ".enex":
        return start_foreign_import(owner, "enex", path, remove_source=False)
    if suffix == ".jex":  # Joplin's export file, a tar: as File › Import… reads it
        return jobs.start_import(owner, path, remove_source=False)
    if suffix in (".tgz", ".gz"):  # Google Takeout's, a compressed tar
        return start_foreign_import(owner, "markdown-folder", path, remove_source=False)
    if suffix == ".zip":
        if is_notedesk_markdown_zip(path):
            return jobs.start_import(owner, path, remove_source=False)
        return start_foreign_import(owner, "markdown-folder", path, remove_source=False)
    if (suffix == ".json" and head.startswith(NOTEDESK_JSON_HEAD)) or STANDARD_NOTES_HEAD.match(head):
        return jobs.start_import(owner, path, remove_source=False)
    return None


def open_url(url: str) -> dict:
    """A notedesk://note/<uid> link: that note, or a message saying why not."""
    match = NOTE_LINK.match(url)
    if not match:
        logger.warning("Refused a link that is not notedesk://note/<uid>: %r", url[:200])
        return {"notes": [], "messages": [{"kind": "error", "text": "This link is not a link to a Notedesk note: only "
                                                                    "notedesk://note/ followed by a note's id opens."}]}
    note = note_with_relations(Note.objects.owned_by(local_owner()).filter(uid=match.group(1)))
    if note is None:
        logger.info("A link named a note that does not exist")
        return {"notes": [], "messages": [{"kind": "error", "text": "No note has this link: it was deleted for good, or it is "
                                                                    "in another Notedesk data folder."}]}
    if note.trashed_at:
        return {"notes": [], "messages": [{"kind": "error", "text": f"“{note.title or 'The note'}” is in the trash: restore it "
                                                                    "from the Trash to open it."}]}
    return {"notes": [note_payload(note)], "messages": []}
