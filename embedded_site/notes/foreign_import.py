"""Imports from other apps: a folder of Markdown files (an Obsidian vault, say), as a folder or a
zip of it, and Evernote's export (.enex). Both become the records of importing.py, so they are
written by import_notes(): in batches, a transaction each, idempotent (each note's uid comes from
where it was: the file's path in the folder, or the Evernote note's title and creation time; a
second import updates only what the source changed since).

Hostile input is refused file by file, or, for what would spoil the whole source, as a whole:

- a folder is walked without following links: a linked file or folder is skipped, and so is
  anything nested deeper than MAX_DEPTH;
- a zip's entries are never written to disk; one with a path out of the folder (`../x.md`, `/x`,
  `C:\\x`) or that is a link is skipped; more than MAX_FILES files, or more than
  MAX_TOTAL_SIZE once uncompressed, refuses the zip;
- a file over MAX_FILE_SIZE, not UTF-8, or holding NUL characters is skipped;
- an ENEX file is parsed with defusedxml: entity declarations (the "billion laughs") and
  external references are refused, and so is nesting deeper than MAX_XML_DEPTH; what is not
  well-formed XML refuses the file, saying where.

Each skipped file is listed, with why, in the job's result.
"""

import os
import re
import stat
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from embedded_site.notes.attachments import display_name
from embedded_site.notes.forms import BODY_MAX_LENGTH, MAX_TAGS_PER_NOTE, ImportedNoteForm
from embedded_site.notes.importing import ImportedAttachment, ImportFileError, base64_chunks, measured
from embedded_site.notes.models import TITLE_MAX_LENGTH

MAX_FILES = 50_000
MAX_FILE_SIZE = 8 * 1024 * 1024
MAX_TOTAL_SIZE = 512 * 1024 * 1024
MAX_DEPTH = 32
MAX_XML_DEPTH = 100
SKIPPED_SHOWN = 50
# The uids of imported notes: uuid5 of where each came from, in this namespace.
NAMESPACE = uuid.UUID("6f1c9a52-3f0e-4b7a-9d55-2c1b8e7a4d10")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
INLINE_TAG = re.compile(r"(?<![\w&#/])#([^\W\d][\w/-]*)")
CODE = re.compile(r"^(```|~~~).*?(?:^\1[^\n]*$|\Z)|`[^`\n]+`", re.DOTALL | re.MULTILINE)


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class ForeignSource:
    """What a source gave: the note records for import_notes(), and what was left out, and why."""

    records: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def result(self) -> dict:
        return {
            "skipped": len(self.skipped),
            "skipped_files": [{"path": item.path, "reason": item.reason} for item in self.skipped[:SKIPPED_SHOWN]],
        }


@dataclass
class Entry:
    path: str  # relative, with "/"
    size: int
    modified: datetime
    read: Callable[[], bytes]


# A folder of Markdown files ---------------------------------------------------------------

def read_markdown_source(source: Path | BinaryIO) -> ForeignSource:
    """The notes of a folder, or of a zip file of one (a path or an open file)."""
    found = ForeignSource()
    if isinstance(source, Path) and source.is_dir():
        entries = folder_entries(source, found.skipped)
        notes_from_entries(entries, found)
        return found
    try:
        with zipfile.ZipFile(source) as archive:
            notes_from_entries(zip_entries(archive, found.skipped), found)
    except zipfile.BadZipFile:
        raise ImportFileError("This is neither a folder nor a zip file of one.") from None
    except (zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError) as error:
        raise ImportFileError(f"The zip file cannot be read ({error}).") from None
    return found


def notes_from_entries(entries: Iterator[Entry], found: ForeignSource) -> None:
    for entry in entries:
        note = markdown_note(entry)
        if isinstance(note, Skipped):
            found.skipped.append(note)
        else:
            found.records.append(note)
    if not found.records:
        raise ImportFileError(
            "There are no Markdown notes (.md files) to import here."
            + (f" {len(found.skipped)} were left out: {found.skipped[0].path}: {found.skipped[0].reason}." if found.skipped else "")
        )


def hidden(part: str) -> bool:
    """Obsidian's settings (.obsidian), its trash (.trash), .git, macOS's zip litter."""
    return (part.startswith(".") and part not in (".", "..")) or part == "__MACOSX"


def folder_entries(root: Path, skipped: list[Skipped]) -> Iterator[Entry]:
    root = root.resolve(strict=True)
    count = 0
    for folder, folders, files in os.walk(root, followlinks=False):
        relative = Path(folder).relative_to(root)
        kept = []
        for name in sorted(folders):
            path = Path(folder) / name
            if hidden(name):
                continue
            if path.is_symlink():
                skipped.append(Skipped(str(relative / name), "a link to a folder: not followed"))
            elif len(relative.parts) + 1 > MAX_DEPTH:
                skipped.append(Skipped(str(relative / name), f"nested more than {MAX_DEPTH} folders deep"))
            else:
                kept.append(name)
        folders[:] = kept
        for name in sorted(files):
            if hidden(name) or not name.lower().endswith(".md"):
                continue
            path, where = Path(folder) / name, (relative / name).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                skipped.append(Skipped(where, "a link to a file: not followed"))
                continue
            if not stat.S_ISREG(info.st_mode):
                skipped.append(Skipped(where, "not a regular file"))
                continue
            count += 1
            if count > MAX_FILES:
                raise ImportFileError(f"The folder has more than {MAX_FILES:,} Markdown files: import it in parts.")
            yield Entry(where, info.st_size, datetime.fromtimestamp(info.st_mtime, timezone.utc), reader(path))


def reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        # O_NOFOLLOW: a file swapped for a link since it was listed is not read either.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as file:
            return file.read(MAX_FILE_SIZE + 1)

    return read


def zip_entries(archive: zipfile.ZipFile, skipped: list[Skipped]) -> Iterator[Entry]:
    infos = archive.infolist()
    if len(infos) > MAX_FILES:
        raise ImportFileError(f"The zip file has more than {MAX_FILES:,} files: import it in parts.")
    if sum(info.file_size for info in infos) > MAX_TOTAL_SIZE:
        raise ImportFileError("The files in this zip file are too large to import at once.")
    for info in infos:
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if info.is_dir() or not name.lower().endswith(".md") or any(hidden(part) for part in parts):
            continue
        if name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name):
            skipped.append(Skipped(info.filename, "a path out of the folder"))
        elif stat.S_ISLNK(info.external_attr >> 16):
            skipped.append(Skipped(info.filename, "a link to a file: not followed"))
        elif len(parts) > MAX_DEPTH + 1:
            skipped.append(Skipped(info.filename, f"nested more than {MAX_DEPTH} folders deep"))
        else:
            modified = datetime(*info.date_time, tzinfo=timezone.utc)
            yield Entry(name.lstrip("./"), info.file_size, modified, lambda info=info: archive.read(info))


def markdown_note(entry: Entry) -> dict | Skipped:
    too_large = Skipped(entry.path, f"larger than {filesizeformat(MAX_FILE_SIZE)}")
    if entry.size > MAX_FILE_SIZE:
        return too_large
    data = entry.read()
    if len(data) > MAX_FILE_SIZE:
        return too_large
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Skipped(entry.path, f"not UTF-8 text (byte {error.start})")
    if "\x00" in text:
        return Skipped(entry.path, "not text (it holds NUL characters)")
    front, body = front_matter(text)
    stem = PurePosixPath(entry.path).name[:-3]
    title = str(front.get("title") or stem).strip()[:TITLE_MAX_LENGTH] or stem[:TITLE_MAX_LENGTH]
    tags = [*as_list(front.get("tags")), *as_list(front.get("tag")), *inline_tags(body)]
    created = front_date(front.get("created") or front.get("date")) or entry.modified
    updated = max(front_date(front.get("updated") or front.get("modified")) or entry.modified, created)
    raw = {
        "uid": str(uuid.uuid5(NAMESPACE, "markdown:" + entry.path.casefold())),
        "title": title, "body": body, "tags": list(dict.fromkeys(tags))[:MAX_TAGS_PER_NOTE], "pinned": False,
        "created": created.isoformat(), "updated": updated.isoformat(),
    }
    return checked_record(entry.path, raw)


def checked_record(where: str, raw: dict, attachments: list[ImportedAttachment] = ()) -> dict | Skipped:
    form = ImportedNoteForm(raw)
    if not form.is_valid():
        field_name, messages = next(iter(form.errors.items()))
        return Skipped(where, f"{field_name}: {messages[0]}")
    return {**form.cleaned_data, "attachments": list(attachments), "revisions": []}


def front_matter(text: str) -> tuple[dict, str]:
    """A YAML front matter's simple keys (`key: value`, a `[a, b]` list or `- item` lines), and
    the body after it. Anything else in it is left alone."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    values: dict = {}
    key = None
    for line in match.group(1).splitlines():
        item = re.match(r"^\s+-\s+(.*)$", line) or re.match(r"^-\s+(.*)$", line)
        if item and key:
            values.setdefault(key, [])
            if isinstance(values[key], list):
                values[key].append(unquoted(item.group(1)))
            continue
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if pair:
            key, value = pair.group(1).lower(), pair.group(2).strip()
            if value.startswith("[") and value.endswith("]"):
                values[key] = [unquoted(part) for part in value[1:-1].split(",") if part.strip()]
            else:
                values[key] = unquoted(value) if value else []
    return values, text[match.end() :]


def unquoted(value: str) -> str:
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else value


def as_list(value) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value if str(item).strip()]
    if isinstance(value, str):
        return [part for part in re.split(r"[,\s]+", value) if part]
    return []


def inline_tags(body: str) -> list[str]:
    """Obsidian's `#tag` in the text (not in code, not a heading's `# `)."""
    return INLINE_TAG.findall(CODE.sub("", body)) if "#" in body else []


def front_date(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# Evernote --------------------------------------------------------------------------------

def read_enex(file: BinaryIO) -> ForeignSource:
    """The notes of an Evernote export: title, content (ENML, as Markdown), tags, dates and the
    attached files (resources)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    found = ForeignSource()
    taken: set[str] = set()
    depth = 0
    try:
        for event, element in iterparse(file, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "en-export":
                    raise ImportFileError("This XML file is not an Evernote export (its root is not <en-export>).")
                if depth > MAX_XML_DEPTH:
                    raise ImportFileError(f"This Evernote export is nested more than {MAX_XML_DEPTH} elements deep.")
                continue
            depth -= 1
            if element.tag == "note" and depth == 1:
                note = enex_note(element, len(found.records) + len(found.skipped) + 1, taken)
                (found.skipped if isinstance(note, Skipped) else found.records).append(note)
                element.clear()
    except DefusedXmlException as error:
        raise ImportFileError(
            f"This Evernote export declares entities or external references ({type(error).__name__}), which "
            "Notedesk does not read: they can make a small file expand without end or read other files."
        ) from None
    except ParseError as error:
        line, column = error.position
        raise ImportFileError(f"This is not a valid Evernote export: {reason_of(error)} (line {line}, column {column}).") from None
    if not found.records and not found.skipped:
        raise ImportFileError("This Evernote export has no notes.")
    return found


def reason_of(error) -> str:
    return str(error).split(":")[0]


def enex_note(element, number: int, taken: set[str]) -> dict | Skipped:
    title = (element.findtext("title") or "").strip()
    where = f"Note {number}" + (f" “{title[:60]}”" if title else "")
    created = enex_date(element.findtext("created")) or datetime.now(timezone.utc)
    updated = max(enex_date(element.findtext("updated")) or created, created)
    content = element.findtext("content") or ""
    if len(content) > MAX_FILE_SIZE:
        return Skipped(where, f"its text is larger than {filesizeformat(MAX_FILE_SIZE)}")
    attachments = []
    for resource in element.findall("resource"):
        attachment = enex_attachment(resource, len(attachments) + 1)
        if isinstance(attachment, Skipped):
            return Skipped(where, attachment.reason)
        attachments.append(attachment)
    key = f"enex:{title}\n{created.isoformat()}"
    while key in taken:  # two notes of one title made in the same second
        key += "+"
    taken.add(key)
    raw = {
        "uid": str(uuid.uuid5(NAMESPACE, key)),
        "title": title[:TITLE_MAX_LENGTH], "body": enml_to_markdown(content)[:BODY_MAX_LENGTH + 1],
        "tags": [tag.text.strip() for tag in element.findall("tag") if tag.text and tag.text.strip()][:MAX_TAGS_PER_NOTE],
        "pinned": False, "created": created.isoformat(), "updated": updated.isoformat(),
    }
    return checked_record(where, raw, attachments)


def enex_date(text: str | None) -> datetime | None:
    try:
        return datetime.strptime((text or "").strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def enex_attachment(resource, number: int) -> ImportedAttachment | Skipped:
    data = resource.findtext("data") or ""
    limit = settings.NOTEDESK_MAX_ATTACHMENT_SIZE
    if len(data) * 3 // 4 > limit + 3:
        return Skipped("", f"its attachment {number} is larger than the limit for an attachment")
    chunks = partial(base64_chunks, "".join(data.split()))  # decoded a chunk at a time, to check and to write
    try:
        size, digest = measured(chunks())
    except ValueError:  # binascii.Error, or a character that is not ASCII
        return Skipped("", f"its attachment {number} is not valid base64")
    if size > limit:
        return Skipped("", f"its attachment {number} is larger than the limit for an attachment")
    name = resource.findtext("resource-attributes/file-name") or f"attachment {number}"
    return ImportedAttachment(display_name(name), size, digest, chunks)


class EnmlToMarkdown(HTMLParser):
    """Evernote's note markup (XHTML) as Markdown text: paragraphs, line breaks, headings, lists,
    to-dos, bold, italics, links (http, https and mailto only) and code. Other markup is dropped;
    its text is kept. The stdlib's HTML parser expands no declared entities."""

    BLOCKS = {"div", "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "hr", "pre", "blockquote", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[str] = []
        self.links: list[str | None] = []

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.BLOCKS:
            self.newline()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("#" * int(tag[1]) + " ")
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            marker = "1." if self.lists and self.lists[-1] == "ol" else "-"
            self.parts.append("  " * max(0, len(self.lists) - 1) + marker + " ")
        elif tag == "en-todo":
            self.parts.append("- [x] " if attributes.get("checked") == "true" else "- [ ] ")
        elif tag in ("b", "strong"):
            self.parts.append("**")
        elif tag in ("i", "em"):
            self.parts.append("*")
        elif tag == "code":
            self.parts.append("`")
        elif tag == "hr":
            self.parts.append("---\n")
        elif tag == "a":
            href = attributes.get("href") or ""
            self.links.append(href if re.match(r"^(https?|mailto):", href) else None)
            if self.links[-1]:
                self.parts.append("[")
        elif tag == "en-media":
            self.parts.append("(attachment)")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "en-todo", "en-media"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ("b", "strong"):
            self.parts.append("**")
        elif tag in ("i", "em"):
            self.parts.append("*")
        elif tag == "code":
            self.parts.append("`")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f"]({href})")
        if tag in self.BLOCKS - {"br"}:
            self.newline()

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        if not self.parts or self.parts[-1].endswith("\n"):
            text = text.lstrip()
        if text:
            self.parts.append(text)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def enml_to_markdown(content: str) -> str:
    # The ENML's own XML declaration and DOCTYPE are not markup of the note.
    content = re.sub(r"^\s*<\?xml[^>]*\?>", "", content)
    content = re.sub(r"^\s*<!DOCTYPE[^>]*>", "", content)
    parser = EnmlToMarkdown()
    parser.feed(content)
    parser.close()
    return parser.text()
