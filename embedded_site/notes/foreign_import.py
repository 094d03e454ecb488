"""Imports from other apps: a folder of Markdown files (an Obsidian vault, Notion's "Markdown & CSV"
export, Joplin's), as a folder or a zip of it, with the files its notes link to as their
attachments, Google Takeout's Keep folder, and Evernote's export (.enex),
with its attached files (docs/api.md says what becomes of each). Both become the records of
importing.py, so they are written by import_notes(): in batches, a transaction each, idempotent
(each note's uid comes from where it was: the file's path in the folder, or the Evernote note's
title and creation time; a second import updates only what the source changed since).

Hostile input is refused file by file, or, for what would spoil the whole source, as a whole:

- a folder is walked without following links: a linked file or folder is skipped, and so is
  anything nested deeper than MAX_DEPTH;
- a zip's entries are never written to disk; one with a path out of the folder (`../x.md`, `/x`,
  `C:\\x`), that is a link, that is damaged, or that comes twice is skipped; more than MAX_FILES
  files, or more than MAX_TOTAL_SIZE once uncompressed (a file a note links to counted once for
  every note that does), refuses the zip;
- a file over MAX_FILE_SIZE, not UTF-8, or holding NUL characters is skipped;
- a file a note links to is read only if it is in the folder: a regular file there (never a
  link), or a zip entry that passes a note's checks; a link never reaches outside the folder;
- an ENEX file is parsed with defusedxml: entity declarations (the "billion laughs") and
  external references are refused, and so is nesting deeper than MAX_XML_DEPTH; what is not
  well-formed XML refuses the file, saying where.

A note longer than a note holds (a book draft, a pasted log), whichever app it comes from, is
imported as several notes cut between lines (parts_of), said in the job's result. Each skipped
file is listed, with why, in the job's result.
"""

import csv
import gzip
import io
import json
import mimetypes
import os
import posixpath
import re
import shutil
import stat
import tarfile
import tempfile
import unicodedata
import uuid
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.timezone import make_aware

from django_desktop_shell.media import shows_as_image
from embedded_site.notes.attachments import delete_attachment, display_name, save_attachment, stored_chunks
from embedded_site.notes.editing import create_note, move_to_trash, restore_from_trash, update_note
from embedded_site.notes.forms import BODY_MAX_LENGTH, MAX_TAGS_PER_NOTE, ImportedNoteForm
from embedded_site.notes.importing import (
    CHUNK_SIZE, GZIP_SIGNATURE, UNREADABLE_ZIP, AttachmentSpool, Decoding, ImportedAttachment, ImportFileError, entry_date,
    imports_folder, is_notedesk_markdown_zip, measured, missing_attachments, starts_as, starts_as_zip, unreadable_zip,
)
from embedded_site.notes.links import LINK, attachment_keys, file_key, is_linkable, links_replaced, rewritten, without_code
from embedded_site.notes.markdown_files import (
    ATTACHMENTS_KEY, EXPORTED_HEAD_SIZE, valid_attachment_entry, without_attachment_list, written_by_notedesk,
)
from embedded_site.notes.models import TAG_MAX_LENGTH, TITLE_MAX_LENGTH, Attachment, Note, NoteLink, title_key
from embedded_site.notes.revisions import plural
from embedded_site.notes.tagging import normalise_foreign_tags

MAX_FILES = 50_000
MAX_FILE_SIZE = 8 * 1024 * 1024
MAX_TOTAL_SIZE = 512 * 1024 * 1024
MAX_SNIFFED_SIZE = 64 * 1024 * 1024  # read to tell another app's zip apart (is_notion_or_keep_zip)
MAX_DEPTH = 32
MAX_XML_DEPTH = 100
TAR_HEADERS_SIZE = 1536  # what a tar adds to each file: its header, a long name's, the padding of its last block
# What to do instead: a folder is read file by file, with no total limit.
UNPACK_IT = ("Unpack it, and import the folder with Import Markdown… in the Notedesk window: a folder has no such limit "
             "(only its files larger than an attachment may be are left out, each listed).")
SKIPPED_SHOWN = 2000  # in the job's result: each one, for an archive of hundreds of videos over the limit
# The uids of imported notes: uuid5 of where each came from, in this namespace.
NAMESPACE = uuid.UUID("6f1c9a52-3f0e-4b7a-9d55-2c1b8e7a4d10")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:(.*?)\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
# An attachment in the block list Obsidian rewrites the export's `attachments` as.
EXPORTED_ATTACHMENT = re.compile(r"^\s*- name: *(.+?) *\n\s+file: *(.+?) *$", re.MULTILINE)
# Not `&#38;`, `##`, a path's `/#`, an escaped `\#`, nor a link to a heading of the note, `[[#Heading]]`.
INLINE_TAG = re.compile(r"(?<![\w&#/\[\\])#(\w[^\s#]*)")
# What holds a `#` that is no tag, blanked out before tags are read: a URL, a Markdown link's
# target (`[setup](#setup)`), an HTML tag (`<a href="#intro">`).
NOT_TAG_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*|\]\([^)\n]*\)|<[A-Za-z/][^<>\n]*>")
# `[text](target)` and `![alt](target)`, the target maybe in <>, maybe with a "title" after it.
MARKDOWN_LINK = re.compile(r"!?\[[^\[\]\n]*\]\(\s*<?([^)\s<>]+)>?(?:\s+[\"'(][^)\n]*)?\)")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# `[text](other note.md)`: a link (not an image) whose target may be in <> with spaces in it.
NOTE_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\(\s*(?:<([^>\n]+)>|([^)\s<>]+))(?:\s+[\"'(][^)\n]*)?\)")


@dataclass
class Skipped:
    path: str
    reason: str
    # A Keep note's picture that is not in this part: the note's uid and the file's name, for
    # attach_to_waiting_notes() to say nothing of once the note has it.
    awaited: tuple[str, str] | None = None


def left_out(skipped: list[Skipped]) -> str:
    """For an import that has nothing to import: how many files were left out, and the first, with why."""
    if not skipped:
        return ""
    return f" {len(skipped)} {'was' if len(skipped) == 1 else 'were'} left out: {skipped[0].path}: {skipped[0].reason}."


@dataclass
class ForeignSource:
    """What a source gave: the note records for import_notes(), and what was left out, and why."""

    records: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # By path: the files of a Takeout's Keep folder that no note of it shows, for notes of another
    # part of the Takeout, imported before (attach_to_waiting_notes()).
    loose_files: dict[str, "LinkableFile"] = field(default_factory=dict)

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


@dataclass
class LinkableFile:
    """A file other than a note, which a note may link to: read when one does."""

    size: int
    chunks: Callable[[], Iterator[bytes]]
    modified: datetime


@dataclass
class Vault:
    """A folder's Markdown files, and the other files they may link to, by path. `root` is the
    prefix of every path that names the folder itself (a zip of "vault/…" has "vault/")."""

    notes: list[Entry] = field(default_factory=list)
    files: dict[str, LinkableFile] = field(default_factory=dict)
    root: str = ""
    size_limit: int | None = None  # a zip's: what its notes and the files they link to may add up to
    notion: bool = False  # Notion's "Markdown & CSV" export: its file and folder names end in page ids
    parts: int = 1  # the files of one export read together (Google Takeout's -001.tgz, -002.tgz…)
    # A folder chosen in an unpacked Takeout or Keep folder: where it was in the archive ("Takeout/",
    # "Takeout/Keep/", "Keep/"), so that it is told as its archive is.
    in_archive: str = ""


# A folder of Markdown files ---------------------------------------------------------------

def read_markdown_source(*sources: Path | BinaryIO) -> ForeignSource:
    """The notes of a folder, or of a zip file of one (a path or an open file); of several, the
    parts of one export (Google Takeout's -001.tgz, -002.tgz…), as one folder: a note's picture may
    be in another part than the note. A zip's attached files are read from it again as they are
    written: it must stay in place until the import ends."""
    found = ForeignSource()
    with ExitStack() as open_archives:
        if len(sources) == 1:
            whole = source_vault(sources[0], found.skipped, open_archives)
        else:
            whole = Vault(size_limit=MAX_TOTAL_SIZE, parts=len(sources))
            for source in sources:
                add_part(whole, source_vault(source, found.skipped, open_archives), "zip or tar")
            whole.root = archived_folder(whole.notes)
        notes_from_vault(whole, found)
    return found


def source_vault(source: Path | BinaryIO, skipped: list[Skipped], open_archives: ExitStack) -> Vault:
    """The folder, or the archive of one, as a Vault; a zip kept open in `open_archives`, from which
    its notes are read."""
    if isinstance(source, Path) and source.is_dir():
        return folder_vault(source, skipped)
    if is_tar(source):  # Joplin's JEX export: a tar of its RAW export directory
        return tar_vault(source, skipped)
    if starts_as(source, GZIP_SIGNATURE):  # Google Takeout's .tgz
        return tar_vault(unpacked_tar(source), skipped)
    try:
        archive = open_archives.enter_context(zipfile.ZipFile(source))
    except (*UNREADABLE_ZIP, zipfile.LargeZipFile, UnicodeDecodeError) as error:
        if isinstance(error, zipfile.BadZipFile) and not starts_as_zip(source):
            raise ImportFileError("This is neither a folder nor a zip file of one.") from None
        raise unreadable_zip(error) from None
    if is_zip_of_zips(archive):  # Notion's export of a large workspace: a zip of zipped parts
        return parts_vault(archive, skipped)
    return zip_vault(archive, source, skipped)


def notes_from_vault(vault: Vault, found: ForeignSource) -> None:
    if is_joplin_raw_export(vault):
        notes_from_joplin_raw_export(vault, found)
        return
    keep = keep_notes_folder(vault)
    products = takeout_products(vault, keep)
    if keep is not None:
        notes_from_keep(vault, keep, found)
        found.skipped += [Skipped(f"{TAKEOUT_FOLDER}/{product}/", f"{plural(len(files), 'file')} of {product}, not Google Keep: "
                                                                  "not imported") for product, files in products.items()]
        if not vault.notes:
            return
        # And the Markdown files beside (a Takeout of every product: Drive's), as any folder's.
    elif products and not vault.notes:
        raise takeout_part_refused(products)
    vault.notion = is_notion_export(vault)
    if vault.notion and NOTION_ID.search(vault.root.rstrip("/")):  # a database's folder, its table beside it
        vault.root = ""
    notes = []
    paths, uids = set(), set()
    for entry in vault.notes:
        if entry.path in paths:
            found.skipped.append(Skipped(entry.path, "in the zip file twice: the first one was imported"))
            continue
        paths.add(entry.path)
        note = markdown_note(entry, vault.root, vault.notion)
        if isinstance(note, Skipped):
            found.skipped.append(note)
            continue
        if note["uid"] in uids:  # its path differs from another's only in case
            note["uid"] = str(uuid.uuid5(NAMESPACE, "markdown-exact:" + entry.path))
        uids.add(note["uid"])
        notes.append(note)
    found.skipped += notion_rows_dated_in_numbers(notes)
    unique_titles([note for note in notes if not note["exported"]], found.skipped,
                  kept={title_key(note["title"]) for note in notes if note["exported"]})
    titles = titles_by_link_target(notes)
    files_by_name: dict[str, list[str]] = {}
    for path in vault.files:
        files_by_name.setdefault(PurePosixPath(path).name, []).append(path)
    read_at_most = vault.size_limit - sum(entry.size for entry in vault.notes) if vault.size_limit else None
    titles_by_path = {note["path"]: note["title"] for note in notes}
    titles_by_id = {match.group(1): note["title"] for note in notes if (match := NOTION_ID.search(PurePosixPath(note["path"]).stem))}
    all_linked: set[str] = set()
    for note in notes:
        note["body"] = links_pointed_at_titles(note["body"], titles)
        note["body"] = markdown_links_to_notes(note["body"], note["path"], vault.root, titles_by_path)
        if vault.notion:
            note["body"] = notion_urls_to_links(note["body"], titles_by_id)
        linked = linked_files(note, vault, files_by_name)
        all_linked.update(linked)
        if note.pop("exported"):  # its attachments are found, by the links the export ended it with
            note["body"] = without_attachment_list(note["body"])
        if read_at_most is not None:
            read_at_most -= sum(vault.files[path].size for path in linked)
            if read_at_most < 0:  # one small file linked from many notes: a copy of it each
                raise ImportFileError(
                    "The notes in this zip file and the files they link to (each counted once for every note that "
                    f"links to it) add up to more than {filesizeformat(vault.size_limit)}: too large to import at once. "
                    + UNPACK_IT
                )
        names = note.pop("attachment_names")
        del note["dates_in_numbers"], note["aliases"]
        if vault.notion:
            names = {path: NOTION_FILE_ID.sub("", PurePosixPath(path).name) for path in linked}
        attached = {path: attachment for path in linked if (attachment := attachment_of(path, vault, found, names.get(path)))}
        attachments = list(attached.values())
        if vault.notion:
            note["body"] = notion_files_embedded(note["body"], note["path"], {path: item.name for path, item in attached.items()})
        raw = fitted(note["path"], {key: value for key, value in note.items() if key not in ("path", "name")}, found.skipped)
        add_in_parts(found, note["path"], raw, attachments)
    if vault.notion:
        notion_tables_unlinked(vault, all_linked, found)
    if not found.records:
        raise ImportFileError(
            "There are no Markdown notes (.md files) to import here."
            + left_out(found.skipped)
        )


# Joplin's "RAW - Joplin Export Directory" ------------------------------------------------
# One `<id>.md` per item (note, notebook, resource, tag, a tag on a note), each its title, a blank
# line, its text, a blank line and its properties, `key: value` a line, the last `type_: <n>`;
# the resources' files in `resources/<id>.<extension>`. Read as another app's folder, each note
# was titled by its id and ended in thirty lines of Joplin's properties.

JOPLIN_ID = re.compile(r"^[0-9a-f]{32}$")
JOPLIN_PROPERTY = re.compile(r"^([a-z_]+): ?(.*)$")
JOPLIN_NOTE, JOPLIN_FOLDER, JOPLIN_RESOURCE, JOPLIN_TAG, JOPLIN_NOTE_TAG = "1", "2", "4", "5", "6"
# `[text](:/<id>)` and `![alt](:/<id>)`: Joplin's links to a note or a resource.
JOPLIN_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(:/([0-9a-f]{32})(#[^)\s]*)?\)")


def joplin_item_id(entry: Entry, root: str) -> str | None:
    name = entry.path.removeprefix(root)
    return name[:-3] if "/" not in name and JOPLIN_ID.match(name[:-3]) else None


def is_joplin_raw_export(vault: Vault) -> bool:
    """Every Markdown file of the folder, at its top, is named by a Joplin id, and the first ends in
    Joplin's `type_:` property."""
    if not vault.notes or not all(joplin_item_id(entry, vault.root) for entry in vault.notes):
        return False
    try:
        text = vault.notes[0].read()[-4096:].decode("utf-8", "replace")
    except (OSError, *UNREADABLE_ZIP):
        return False
    return re.search(r"(?m)^type_: \d+\s*\Z", text) is not None


def joplin_item(text: str) -> tuple[str, str, dict[str, str]]:
    """An item's title, text and properties, read as Joplin writes them: the properties from the
    end up to a blank line, then the title (its first line) and the text after the blank line."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    properties: dict[str, str] = {}
    while lines and (match := JOPLIN_PROPERTY.match(lines[-1])):
        properties[match.group(1)] = match.group(2).replace("\\n", "\n")
        lines.pop()
    if lines and lines[-1] == "":
        lines.pop()
    title = lines[0] if lines else ""
    body = "\n".join(lines[2:] if len(lines) > 1 and lines[1] == "" else lines[1:])
    return title.strip(), body, properties


def joplin_date(value: str | None) -> datetime | None:
    return iso_moment(value) if value else None


def notes_from_joplin_raw_export(vault: Vault, found: ForeignSource) -> None:
    items: dict[str, tuple[str, str, dict[str, str], Entry]] = {}
    for entry in vault.notes:
        try:
            data = entry.read()
        except (OSError, *UNREADABLE_ZIP) as error:
            found.skipped.append(Skipped(entry.path, f"cannot be read ({error})"))
            continue
        if len(data) > MAX_FILE_SIZE:
            found.skipped.append(Skipped(entry.path, f"larger than {filesizeformat(MAX_FILE_SIZE)}"))
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            found.skipped.append(Skipped(entry.path, f"not UTF-8 text (byte {error.start})"))
            continue
        title, body, properties = joplin_item(text)
        items[joplin_item_id(entry, vault.root)] = (title, body, properties, entry)
    of_type = lambda kind: {item_id: item for item_id, item in items.items() if item[2].get("type_") == kind}  # noqa: E731
    folders, tags, resources = of_type(JOPLIN_FOLDER), of_type(JOPLIN_TAG), of_type(JOPLIN_RESOURCE)
    notes = {item_id: item for item_id, item in of_type(JOPLIN_NOTE).items() if item[2].get("deleted_time", "0") in ("", "0")}
    tags_of: dict[str, list[str]] = {}
    for _title, _body, properties, _entry in of_type(JOPLIN_NOTE_TAG).values():
        if properties.get("tag_id") in tags:
            tags_of.setdefault(properties.get("note_id", ""), []).append(tags[properties["tag_id"]][0])

    def notebooks(folder_id: str) -> list[str]:
        """The notebook's name and its parents', outermost first."""
        path, seen = [], set()
        while folder_id in folders and folder_id not in seen:
            seen.add(folder_id)
            path.insert(0, folders[folder_id][0][:TAG_MAX_LENGTH])
            folder_id = folders[folder_id][2].get("parent_id", "")
        return path

    files = {PurePosixPath(path).stem: path for path in vault.files if PurePosixPath(path).parent.name == "resources"}
    titles = {item_id: title for item_id, (title, *_rest) in notes.items()}
    for item_id, (title, body, properties, entry) in notes.items():
        if properties.get("encryption_applied") == "1":
            found.skipped.append(Skipped(entry.path, "encrypted by Joplin: decrypt it in Joplin, then export again"))
            continue
        attachments: dict[str, ImportedAttachment] = {}

        def joplin_link(match: re.Match) -> str:
            embed, text, target, anchor = match.group(1), match.group(2), match.group(3), match.group(4) or ""
            if target in titles and is_linkable(titles[target]) and titles[target]:
                heading = "#" + anchor[1:] if anchor else ""
                shown = text if text and text != titles[target] else ""
                return f"[[{titles[target]}{heading}{'|' + shown if shown else ''}]]"
            if target in resources and target in files:
                resource = resources[target]
                name = display_name(resource[0] or PurePosixPath(files[target]).name)
                if PurePosixPath(name).suffix == "" and PurePosixPath(files[target]).suffix:
                    name += PurePosixPath(files[target]).suffix
                if target not in attachments and (attached := attachment_of(files[target], vault, found)):
                    attachments[target] = ImportedAttachment(name, attached.size, attached.digest, attached.chunks)
                if target in attachments:
                    return f"{embed}[{text}](<{attachments[target].name}>)"
            return match.group(0)

        body = JOPLIN_LINK.sub(joplin_link, body)
        created = joplin_date(properties.get("user_created_time") or properties.get("created_time")) or entry.modified
        updated = joplin_date(properties.get("user_updated_time") or properties.get("updated_time")) or created
        if properties.get("is_todo") == "1":  # a Joplin to-do: its box, ticked if done, at the top
            done = properties.get("todo_completed", "0") not in ("", "0")
            body = f"- [{'x' if done else ' '}] {title}\n\n{body}".rstrip("\n") + "\n"
        raw = {
            "uid": str(uuid.uuid5(NAMESPACE, "joplin:" + item_id)),
            "title": composed(title) or "Untitled", "body": body,
            "tags": [*notebooks(properties.get("parent_id", "")), *map(composed, tags_of.get(item_id, []))],
            "pinned": False, "created": created.isoformat(), "updated": max(updated, created).isoformat(),
        }
        add_in_parts(found, entry.path, fitted(entry.path, raw, found.skipped), list(attachments.values()))
    if not found.records:
        raise ImportFileError("This Joplin export has no notes to import."
                              + left_out(found.skipped))


# Notion's "Markdown & CSV" export ----------------------------------------------------------
# A page is `Title <32-hex id>.md`, starting with its title as a heading; its sub-pages and images
# are in the folder named as it is, without `.md`; a database is `Name <id>.csv` (and `_all.csv`)
# beside a folder of its rows' pages, each starting with its properties, `Key: value` a line. Links
# between pages are relative, URL-encoded paths (`[Plan](Work%20<id>/Plan%20<id>.md)`), which the
# Markdown folder's import makes `[[Plan]]`. A large workspace comes as a zip of zipped parts.

NOTION_ID = re.compile(r" ([0-9a-f]{32})$")
# A file's id: a database's table is `Books <id>.csv`, and all its rows `Books <id>_all.csv`.
NOTION_FILE_ID = re.compile(r" [0-9a-f]{32}(?=(?:_all)?\.[^.]+$)")
NOTION_URL = r"https://(?:www\.)?notion\.so/[^\s()<>\]]*?([0-9a-f]{32})(?:\?[^\s()<>\]]*)?"
# A page's address where Notion's export writes one for a page of the export: a link or mention in
# the text, `[Plan](https://www.notion.so/Plan-<id>?pvs=21)`, and a relation property's
# `Category: Plan (https://www.notion.so/Plan-<id>?pvs=21), Budget (…)`.
NOTION_URL_LINK = re.compile(rf"\[([^\[\]\n]*)\]\({NOTION_URL}\)|(?<=[:,] )([^\n(),:\[\]]+?) \({NOTION_URL}\)")
NOTION_HEADING = re.compile(r"\A[ \t]*#[ \t]+([^\n]*)(?:\n+|\Z)")


def is_notion_export(vault: Vault) -> bool:
    """Every Markdown file of the folder is named, as Notion names a page, after a 32-hex id; or it
    has none, and a database's table (exported without its rows' pages)."""
    return (bool(vault.notes) or any(map(is_notion_table, vault.files))) and all(
        NOTION_ID.search(PurePosixPath(entry.path).stem) for entry in vault.notes)


def is_notion_table(path: str) -> bool:
    """A database's table, `Books <id>.csv` (not the same table with all its rows, `Books <id>_all.csv`)."""
    return path.endswith(".csv") and NOTION_ID.search(PurePosixPath(path).stem) is not None


def notion_tables_unlinked(vault: Vault, linked: set[str], found: ForeignSource) -> None:
    """Each database table no page links to (a database exported on its own), which is attached to
    no note, said: its rows are the notes tagged with its name; or, if their pages are not in the
    export, it is a note of its own (notion_table_note)."""
    for path in sorted(path for path in vault.files if is_notion_table(path) and path not in linked):
        name = without_notion_ids(PurePosixPath(path).stem)
        rows_folder = path.removesuffix(".csv") + "/"
        if any(entry.path.startswith(rows_folder) for entry in vault.notes):
            reason = (f"the table of the database “{name}”, which no page of the export links to: attached to no note "
                      f"(its rows are the notes tagged “{(normalise_foreign_tags([name]) or [name])[0]}”)")
        else:
            reason = notion_table_note(path, name, vault, found)
        found.skipped.append(Skipped(path, reason))


def notion_table_note(path: str, name: str, vault: Vault, found: ForeignSource) -> str:
    """A database's table whose rows' pages are not in the export, as a note named as the database:
    its rows as a table (every row, from `… _all.csv`, if it is there), the file attached as Notion
    wrote it. What became of it, said."""
    every_row = path.removesuffix(".csv") + "_all.csv"
    source = every_row if every_row in vault.files else path
    file = vault.files[source]
    rows = []
    if file.size <= MAX_FILE_SIZE:
        try:
            rows = [[one_cell(cell) for cell in row] for row in csv.reader(io.StringIO(b"".join(file.chunks()).decode("utf-8-sig")))]
        except (OSError, *UNREADABLE_ZIP, UnicodeDecodeError, csv.Error):
            rows = []
    attachment = attachment_of(source, vault, found, f"{name}.csv")
    table = pipe_table(rows)
    body = "\n\n".join(filter(None, [table, attachment and embedded(attachment.name, image=False)])) + "\n"
    raw = {"uid": str(uuid.uuid5(NAMESPACE, "notion-table:" + path.casefold())), "title": composed(name), "body": body,
           "tags": [], "pinned": False, "created": file.modified.isoformat(), "updated": file.modified.isoformat()}
    if table:
        made = f"a table of its {len(rows) - 1} rows" + (" and the file attached" if attachment else "")
    elif attachment:
        made = "the file attached (its rows could not be read as a table)"
    else:
        return f"the table of the database “{name}”, without its rows’ pages, which cannot be read: not imported"
    add_in_parts(found, path, fitted(path, raw, found.skipped), [attachment] if attachment else [])
    return (f"the table of the database “{name}”, without its rows’ pages: imported as the note “{raw['title']}”, {made} "
            "(the rows’ own text was not exported: export it from Notion again with “Include subpages” on to have each row a note)")


def without_notion_ids(name: str) -> str:
    """`Work <id>/Plan <id>` as `Work/Plan`: the page's path as its titles, as Notion shows it."""
    return "/".join(NOTION_ID.sub("", part) for part in name.split("/"))


def without_notion_heading(body: str) -> tuple[str, str]:
    """The page's text without the heading Notion starts it with, and that heading (its title)."""
    match = NOTION_HEADING.match(body)
    return (body[match.end():], heading_text(match.group(1))) if match else (body, "")


def heading_text(line: str) -> str:
    """A heading's text without its closing sequence (`# Tools ##`), which only `#`s after a blank
    are (`# C#` is C#), as CommonMark reads it. In Python, not by a pattern: blanks run between two
    optional parts of one made its look-up cubic in them, 12 s for a heading with 1,000 spaces."""
    text = line.rstrip(" \t")
    without_closing = text.rstrip("#")
    if without_closing != text and (not without_closing or without_closing[-1] in " \t"):
        return without_closing.rstrip(" \t")
    return text


# A database row's property lines, at the top of its text, that date it, by the names Notion gives
# these properties' types in its languages (which the person may rename): English, French
# (Notion's help, fr-fr: "Date de création", "Dernière modification"), German, Spanish, Portuguese,
# Japanese, Korean, Chinese, Finnish, Thai, the Scandinavian languages and Dutch. The names stay as
# they were given when the workspace changes language; the dates are written in the export's.
NOTION_DATE_NAMES = {
    "created": (
        "created time", "created", "date de création", "erstellt", "erstellt am", "erstellungszeitpunkt", "erstellungszeit",
        "hora de creación", "fecha de creación", "creado", "data de criação", "hora de criação", "criado em", "作成日時",
        "생성 일시", "생성일", "创建时间", "建立時間", "luotu", "luontiaika", "สร้างเมื่อ", "เวลาที่สร้าง", "oprettet",
        "opprettet", "skapad", "aangemaakt", "aanmaaktijd",
    ),
    "updated": (
        "last edited time", "last edited", "dernière modification", "zuletzt bearbeitet", "zuletzt bearbeitet am",
        "última edición", "hora de última edición", "última modificación", "última edição", "editado pela última vez",
        "最終更新日時", "최종 편집 일시", "마지막 편집", "上次编辑时间", "上次編輯時間", "viimeksi muokattu",
        "muokattu viimeksi", "แก้ไขล่าสุด", "เวลาที่แก้ไขล่าสุด", "sidst redigeret", "sist redigert", "senast redigerad",
        "laatst bewerkt",
    ),
}
NOTION_DATE_PROPERTIES = {name: key for key, names in NOTION_DATE_NAMES.items() for name in names}
NOTION_PROPERTY = re.compile(r"^([^:\n]{1,100}): (.+)$")
# The months as Notion's languages that write them in words name them (Japanese, Korean and Chinese
# write numbers); a month written short (`déc.`, `Sept`) is the start of one of these.
MONTH_NAMES = (
    "january february march april may june july august september october november december",  # English
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",  # French
    "januar februar märz april mai juni juli august september oktober november dezember",  # German
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",  # Spanish
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",  # Portuguese
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",  # Italian
    "januari februari maart april mei juni juli augustus september oktober november december",  # Dutch
    "januar februar marts april maj juni juli august september oktober november december",  # Danish
    "januari februari mars april maj juni juli augusti september oktober november december",  # Swedish
    "januar februar mars april mai juni juli august september oktober november desember",  # Norwegian
    "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta "
    "marraskuuta joulukuuta",  # Finnish, as a date names them ("7. joulukuuta"; short, "jouluk.")
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม",  # Thai
    "ม.ค ก.พ มี.ค เม.ย พ.ค มิ.ย ก.ค ส.ค ก.ย ต.ค พ.ย ธ.ค",  # Thai, short ("ธ.ค.")
)
MONTHS = [(name, number) for names in MONTH_NAMES for number, name in enumerate(names.split(), start=1)]
# `7 décembre 2026 14:03`, `7. Dezember 2026`, `7 de diciembre de 2026`, `December 7, 2026 2:03 PM`,
# `2026年12月7日 14:03`, `2026/12/07`, a time maybe after "à" or "um", maybe before 午前 (a.m.) or 午後 (p.m.).
NOTION_TIME = re.compile(
    r"^(?P<date>.+?)(?:,?\s+(?:(?:à|um|a las|às|alle|om|kl\.|klo|เวลา)\s+)?(?P<half>午前|午後|오전|오후|上午|下午)?\s*"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s*(?P<meridiem>[AaPp])\.?\s?[Mm]\.?|\s*น\.)?)?$")
YEAR_FIRST = re.compile(r"^(\d{4})\s*[年년/.-]\s*(\d{1,2})\s*[月월/.-]\s*(\d{1,2})\s*[日일]?$")
DAY_OR_MONTH_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")  # Day/Month/Year or Month/Day/Year
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.? (\S+?)\.? (\d{4})$")
MONTH_DAY_YEAR = re.compile(r"^(\S+?)\.? (\d{1,2}) (\d{4})$")
AFTERNOON = {"午後", "오후", "下午"}
THAI = re.compile("[\u0e00-\u0e7f]")
BUDDHIST_ERA_OFFSET = 543  # a Thai workspace's year 2569 is 2026


def notion_date_properties(body: str) -> dict[str, str]:
    """A row's "Created time" and "Last edited time" as Notion wrote them, under the front matter's
    keys; {} for a page without them (Notion's export dates no page)."""
    found = {}
    for line in body.split("\n\n", 1)[0].split("\n"):
        match = NOTION_PROPERTY.match(line)
        if match and (key := NOTION_DATE_PROPERTIES.get(match.group(1).strip().casefold())):
            found[key] = match.group(2).strip()
    return found


def notion_dates(properties: dict[str, str], day_first: bool | None = None) -> dict[str, str]:
    """Those of the dates (notion_date_properties) that notion_time reads, as ISO times."""
    return {key: moment.isoformat() for key, text in properties.items() if (moment := notion_time(text, day_first))}


def notion_time(text: str, day_first: bool | None = None) -> datetime | None:
    """A time as Notion writes it in the language of the export, in the person's own time, as Notion
    showed it (NOTION_TIME); None for what is not one. A date in numbers alone, `07/12/2026`, is
    read day first or month first as `day_first` says (Notion's Day/Month/Year or Month/Day/Year
    format); None if it is None."""
    match = NOTION_TIME.match(" ".join(text.split()))
    if not match:
        return None
    hour, minute = int(match["hour"] or 0), int(match["minute"] or 0)
    if match["meridiem"] or match["half"]:
        hour = hour % 12 + (12 if (match["meridiem"] or "").lower() == "p" or match["half"] in AFTERNOON else 0)
    date = match["date"].replace(",", "").replace(" de ", " ")
    if numbers := YEAR_FIRST.match(date):
        year, month, day = map(int, numbers.groups())
    elif numbers := DAY_OR_MONTH_FIRST.match(date):
        if day_first is None:
            return None
        first, second, year = map(int, numbers.groups())
        day, month = (first, second) if day_first else (second, first)
    elif words := DAY_MONTH_YEAR.match(date) or MONTH_DAY_YEAR.match(date):
        day_first = words.re is DAY_MONTH_YEAR
        day, name, year = (words[1], words[2], words[3]) if day_first else (words[2], words[1], words[3])
        month, day, year = month_named(name), int(day), int(year)
        if month is None:
            return None
        if THAI.search(name) and year > BUDDHIST_ERA_OFFSET + 1900:
            year -= BUDDHIST_ERA_OFFSET
    else:
        return None
    try:
        return make_aware(datetime(year, month, day, hour, minute))
    except ValueError:
        return None


def in_numbers(text: str) -> tuple[int, int] | None:
    """A date's first two numbers if it is written day and month in numbers (DAY_OR_MONTH_FIRST)."""
    match = NOTION_TIME.match(" ".join(text.split()))
    numbers = DAY_OR_MONTH_FIRST.match(match["date"]) if match else None
    return (int(numbers[1]), int(numbers[2])) if numbers else None


def day_comes_first(texts: list[str]) -> bool | None:
    """Whether dates in numbers (`07/12/2026`, `12/13/2026`) put the day first, as a number past 12
    says; None when none of them tells, or they disagree."""
    orders = set()
    for first, second in filter(None, map(in_numbers, texts)):
        if first > 12:
            orders.add(True)
        if second > 12:
            orders.add(False)
    return orders.pop() if len(orders) == 1 else None


def notion_rows_dated_in_numbers(notes: list[dict]) -> list[Skipped]:
    """Each row dated in numbers (`07/12/2026 14:03`) dated by them, read day or month first as
    the other dates of its database tell (Notion writes them in one format there). A database whose
    dates do not tell is said, its rows left dated as they were: a guess would date them wrongly
    without a word."""
    by_database: dict[str, list[dict]] = {}
    for note in notes:
        if note["dates_in_numbers"]:
            by_database.setdefault(posixpath.dirname(note["path"]), []).append(note)
    skipped = []
    for folder, rows in by_database.items():
        texts = [text for row in rows for text in row["dates_in_numbers"].values()]
        day_first = day_comes_first(texts)
        if day_first is None:
            name = without_notion_ids(PurePosixPath(folder).name)
            skipped.append(Skipped(folder or "(the export)", (
                f"the database “{name}” writes its dates in numbers (“{texts[0]}”) that could be day/month or month/day, "
                "and none of its dates tells which: its rows are dated when Notion exported them, their dates kept as "
                "text. To have them read, set the dates’ format to “Full date” in Notion (the property’s ••• › Date "
                "format) and export again")))
            continue
        for row in rows:
            dates = notion_dates(row["dates_in_numbers"], day_first)
            created = datetime.fromisoformat(dates.get("created", row["created"]))
            updated = datetime.fromisoformat(dates.get("updated", row["updated"]))
            row["created"], row["updated"] = created.isoformat(), max(updated, created).isoformat()
    return skipped


def month_named(word: str) -> int | None:
    """The month a word names (`décembre`, `Dez`, `sept`), in any of MONTH_NAMES' languages; None
    for one that is none, or that starts months of two numbers."""
    word = word.casefold().rstrip(".")
    numbers = {number for name, number in MONTHS if name == word or (len(word) >= 3 and name.startswith(word))}
    return numbers.pop() if len(numbers) == 1 else None


# A new database's multi-select, as Notion's languages name it.
NOTION_TAGS_PROPERTIES = {"tags", "tag", "étiquettes", "schlagwörter", "etiquetas", "タグ", "태그", "标签", "標籤",
                          "tunnisteet", "tagit", "แท็ก", "taggar", "etiketter", "labels"}


def without_notion_tags(body: str) -> tuple[str, list[str]]:
    """A row's text without its "Tags" property line (a multi-select, `Tags: scifi, classic`), and
    that line's tags, which the row is tagged with, as Obsidian's Importer does. Only in a block of
    property lines: a page's sentence "Tag: you're it" stays."""
    properties, separator, rest = body.partition("\n\n")
    if not all(NOTION_PROPERTY.match(line) for line in properties.split("\n")):
        return body, []
    kept, tags = [], []
    for line in properties.split("\n"):
        match = NOTION_PROPERTY.match(line)
        if match and match.group(1).strip().casefold() in NOTION_TAGS_PROPERTIES:
            tags.append(match.group(2))
        else:
            kept.append(line)
    if not tags:
        return body, []
    return "\n".join(kept) + separator + rest if kept else rest, tags


def notion_files_embedded(body: str, path: str, names_by_path: dict[str, str]) -> str:
    """Each link to a file the page holds (`![Lisbon.jpg](Travel%20<id>/Lisbon.jpg)`, `[Books](Books%20<id>.csv)`)
    as the app's embed of its attachment, `![[Lisbon.jpg]]`, `[[Books.csv]]`: the text reads as it
    did in Notion, not as a path with ids."""
    folder = PurePosixPath(path).parent

    def embed(match: re.Match) -> str | None:
        target = unquote(match.group(1)).split("#")[0].split("?")[0]
        name = names_by_path.get(posixpath.normpath((folder / target).as_posix()))
        return embedded(name, match.group(0).startswith("!")) if name else None

    return links_replaced(body, embed, MARKDOWN_LINK)


def notion_urls_to_links(body: str, titles_by_id: dict[str, str]) -> str:
    """Each Notion address of a page of the export (NOTION_URL_LINK) as a `[[Title]]` link, which
    leads to it here (an address would open Notion's web site); one of a page not exported stays."""

    def linked(match: re.Match) -> str | None:
        shown, page_id = (match.group(1), match.group(2)) if match.group(2) else (match.group(3), match.group(4))
        title = titles_by_id.get(page_id)
        if title is None or not is_linkable(title):
            return None
        shown = " ".join(shown.split())
        return f"[[{title}]]" if shown in ("", title) else f"[[{title}|{shown}]]"

    return links_replaced(body, linked, NOTION_URL_LINK)


def visible_files(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's files but those hidden (hidden(): a Mac's __MACOSX/ litter, say)."""
    return [info for info in archive.infolist() if not info.is_dir() and not any(hidden(part) for part in PurePosixPath(info.filename).parts)]


def is_zip_of_zips(archive: zipfile.ZipFile) -> bool:
    names = [info.filename for info in visible_files(archive)]
    return bool(names) and all(name.lower().endswith(".zip") for name in names)


def parts_vault(archive: zipfile.ZipFile, skipped: list[Skipped]) -> Vault:
    """The zips in the zip, each copied out into a temporary file (deleted once the import no longer
    reads it), as one folder: the parts of one workspace, whose pages link across them."""
    infos = visible_files(archive)  # is_zip_of_zips: each a zip
    check_archive_size("zip", len(infos), sum(info.file_size for info in infos))
    vault = Vault(size_limit=MAX_TOTAL_SIZE)
    for info in infos:
        part = tempfile.TemporaryFile(dir=imports_folder())
        try:
            with archive.open(info) as member:
                shutil.copyfileobj(member, part)
            inner = zipfile.ZipFile(part)
        except (*UNREADABLE_ZIP, zipfile.LargeZipFile, UnicodeDecodeError) as error:
            raise ImportFileError(f"{info.filename}, in this zip file: {unreadable_zip(error)}") from None
        add_part(vault, zip_vault(inner, part, skipped), "zip")
    vault.root = archived_folder(vault.notes)
    return vault


def add_part(vault: Vault, part: Vault, kind: str) -> None:
    """A part of an export added to the whole, which is weighed: each part was weighed alone, and
    parts each under the limit may add up to far more."""
    vault.notes += part.notes
    vault.files.update(part.files)
    check_archive_size(kind, len(vault.notes) + len(vault.files),
                       sum(entry.size for entry in vault.notes) + sum(file.size for file in vault.files.values()))


def is_notion_or_keep_zip(source: Path | BinaryIO) -> bool:
    """Whether the file is a zip of Notion's export (its parts zipped in it, or its pages named
    after their ids) or of Google Takeout (its Keep folder; a part of other products, which the
    import names as not Keep's), or a compressed tar (Takeout's .tgz):
    File › Import… takes these, which are files, as it takes Notedesk's own export. It reads no
    more than MAX_SNIFFED_SIZE of it: this runs before the archive's size is weighed, and a zip of
    thousands of folders, each with a large .json first, would be unpacked here in full."""
    read_so_far = 0

    def head(name: str) -> bytes:
        nonlocal read_so_far
        info = archive.getinfo(name)
        if info.file_size > MAX_FILE_SIZE or read_so_far + info.file_size > MAX_SNIFFED_SIZE:
            return b""
        read_so_far += info.file_size
        try:
            return archive.read(info)
        except UNREADABLE_ZIP:
            return b""

    if starts_as(source, GZIP_SIGNATURE):  # Google Takeout's .tgz (Notedesk's own export is never one)
        return True
    try:
        with zipfile.ZipFile(source) as archive:
            if is_zip_of_zips(archive):
                return True
            infos = visible_files(archive)
            pages = [PurePosixPath(info.filename) for info in infos if is_note(info.filename)]
            if keep_folder([info.filename for info in infos if info.filename.endswith(".json")], head, by_name=not pages) is not None:
                return True
            paths = [info.filename for info in infos]
            if not pages and (takeout_folder(paths) is not None or keep_pictures_folder(paths) is not None):
                return True  # a part of Keep's pictures only, or of other products, which the import names
            if pages or any(is_notion_table(info.filename) for info in infos):
                return all(NOTION_ID.search(path.stem) for path in pages)
            return False
    except (*UNREADABLE_ZIP, zipfile.LargeZipFile, UnicodeDecodeError, OSError):
        return False

# Google Keep, from Google Takeout ---------------------------------------------------------
# `Takeout/Keep/` holds a `.json` file for each note (its title, textContent or listContent, labels,
# isPinned, isArchived, isTrashed, createdTimestampUsec, userEditedTimestampUsec, annotations (web
# links) and attachments, each a filePath beside it), an `.html` copy of each, and `Labels.txt`.

KEEP_FOLDER = "Keep"  # in English: Takeout names its folders in the person's language ("Google Notizen")
TAKEOUT_FOLDER = "Takeout"  # the top folder of each part, in every language
# How Keep names a note's picture or recording: the milliseconds it was added, then numbers (1646858452060.156945860.png).
KEEP_FILE_NAME = re.compile(r"\d{13}(?:\.\d+)+\.\w+")
KEEP_NOTE_FILES = (".json", ".html", ".txt")  # a note's own files, and Labels.txt: no picture or recording of a note
# The folders of Takeout's products that hold the person's own pictures at their top: never Keep's.
OTHER_PRODUCTS_WITH_PICTURES = ("Drive", "Google Photos")


def keep_folder(json_paths: list[str], head: Callable[[str], bytes], by_name: bool = True) -> str | None:
    """The folder of Takeout's Keep notes among the folders of `json_paths`: one named Keep, else
    the first whose first `.json` file (read by `head`: b"" if it cannot be) is a Keep note. None
    if there is none: other apps' JSON files are no notes. Not `by_name` (Markdown files beside:
    a vault may have a folder named Keep), only one whose first file is a Keep note."""
    firsts: dict[str, str] = {}
    for path in sorted(json_paths):
        firsts.setdefault(posixpath.dirname(path), path)
    for folder in sorted(firsts, key=lambda folder: PurePosixPath(folder).name != KEEP_FOLDER):
        if by_name and PurePosixPath(folder).name == KEEP_FOLDER:  # a note there that is broken is listed as skipped
            return folder
        try:
            first = json.loads(head(firsts[folder]))
        except (ValueError, RecursionError):
            continue
        if isinstance(first, dict) and ("userEditedTimestampUsec" in first or "createdTimestampUsec" in first):
            return folder
    return None


def keep_notes_folder(vault: Vault) -> str | None:
    """The folder of a Takeout's Keep notes (or a folder of them); None if there is none. A
    Takeout of every product has other products' files beside it, Markdown files among them. A
    part of a Takeout that Google split may hold only pictures of notes in another part
    (keep_pictures_folder()), in a source without Markdown notes."""

    def head(path: str) -> bytes:
        try:
            return b"".join(vault.files[path].chunks()) if vault.files[path].size <= MAX_FILE_SIZE else b""
        except (OSError, *UNREADABLE_ZIP):
            return b""

    folder = keep_folder([path for path in vault.files if path.endswith(".json")], head, by_name=not vault.notes)
    if folder is not None or vault.notes:
        return folder
    pictures = keep_pictures_folder(vault.in_archive + path for path in vault.files)
    return None if pictures is None else (pictures + "/").removeprefix(vault.in_archive).rstrip("/")


def takeout_folder(paths: Iterable[str]) -> PurePosixPath | None:
    """`Takeout/`, the top folder of each part of a Takeout (a name it keeps in every language), if
    all of `paths` are in it: at the archive's top, or in the one folder a zip tool may put the part
    in (`takeout-20261207T070000Z-002/Takeout/`). None for an archive laid out otherwise."""
    paths = [PurePosixPath(path) for path in paths]
    tops = {path.parts[0] for path in paths}
    if tops == {TAKEOUT_FOLDER}:
        return PurePosixPath(TAKEOUT_FOLDER)
    if len(tops) == 1 and all(len(path.parts) > 2 and path.parts[1] == TAKEOUT_FOLDER for path in paths):
        return PurePosixPath(tops.pop(), TAKEOUT_FOLDER)
    return None


def keep_pictures_folder(paths: Iterable[str]) -> str | None:
    """The folder of Keep's in a part of a Takeout that holds only pictures and recordings of notes
    in another part. By its name, Keep: at the archive's top or in its `Takeout/`, or so in the
    archive's one top folder (a zip tool's, named after the part). With no `Takeout/` above (its
    pictures zipped alone, or their folder), the archive's top or its one folder if all its files are
    pictures and recordings named as Keep names them (KEEP_FILE_NAME). Named in the person's
    language ("Notizen"), by the part's layout: of the folders of `Takeout/` (takeout_folder()) that may be
    Keep's (folders_keep_may_be()), the one whose files are named as Keep names them
    (KEEP_FILE_NAME), else the part's only folder. None for an archive laid out otherwise (a zip of
    holiday photos, Drive's folders, Drive's photos at its top, a folder of pictures beside another
    product's: takeout_part_refused() says what to do)."""
    paths = [PurePosixPath(path) for path in paths]
    folders = {path.parent for path in paths}
    tops = {path.parts[0] for path in paths if len(path.parts) > 1}
    roots = [PurePosixPath(), *(map(PurePosixPath, tops) if len(tops) == 1 else [])]
    for named in (folder for root in roots for folder in (root / KEEP_FOLDER, root / TAKEOUT_FOLDER / KEEP_FOLDER)):
        if named in folders:
            return str(named)
    takeout = takeout_folder(map(str, paths))
    if takeout is None:  # zipped without Takeout's folders: told by the names only Keep gives
        alone = len(folders) == 1 and len(folders.pop().parts) <= 1
        if alone and all(is_picture_or_recording(path.name) and KEEP_FILE_NAME.fullmatch(path.name) for path in paths):
            return posixpath.dirname(paths[0])
        return None
    by_folder = takeout_products_files(paths, takeout)
    may_be_keep = folders_keep_may_be(by_folder)
    named_as_keep = [folder for folder in may_be_keep if all(KEEP_FILE_NAME.fullmatch(path.name) for path in by_folder[folder])]
    if len(named_as_keep) == 1:
        return str(takeout / named_as_keep[0])
    return str(takeout / may_be_keep[0]) if len(by_folder) == len(may_be_keep) == 1 else None


def takeout_products_files(paths: Iterable[PurePosixPath], takeout: PurePosixPath) -> dict[str, list[PurePosixPath]]:
    """The files of each folder of `takeout` (each a Google product's), as paths from it."""
    by_folder: dict[str, list[PurePosixPath]] = {}
    for path in paths:
        inside = path.relative_to(takeout)
        if len(inside.parts) > 1:  # archive_browser.html is beside the products' folders
            by_folder.setdefault(inside.parts[0], []).append(inside)
    return by_folder


def folders_keep_may_be(by_folder: dict[str, list[PurePosixPath]]) -> list[str]:
    """The folders of a Takeout's part (takeout_products_files()) that may be Keep's named in the
    person's language: holding only pictures and recordings, none in a folder of its own, and not
    Drive's or Google Photos'."""
    return sorted(folder for folder, files in by_folder.items() if folder not in OTHER_PRODUCTS_WITH_PICTURES
                  and all(len(path.parts) == 2 and is_picture_or_recording(path.name) for path in files))


def takeout_products(vault: Vault, keep: str | None) -> dict[str, list[PurePosixPath]]:
    """The folders of Google products in a Takeout's part (Drive, Google Photos…, named in the
    person's language) but Keep's folder `keep`, each with its files that are not Markdown notes
    (takeout_products_files()); {} for a source that is not a Takeout's."""
    files = [vault.in_archive + path for path in vault.files]
    takeout = takeout_folder(files + [vault.in_archive + entry.path for entry in vault.notes]) if files else None
    if takeout is None:
        return {}
    by_folder = takeout_products_files(map(PurePosixPath, files), takeout)
    keep_in_takeout = PurePosixPath(vault.in_archive + keep).relative_to(takeout).parts if keep is not None else ()
    if keep_in_takeout:
        by_folder.pop(keep_in_takeout[0], None)
    return by_folder


def takeout_part_refused(products: dict[str, list[PurePosixPath]]) -> ImportFileError:
    """Why a part of a Takeout of `products` (takeout_products()) in which no folder was told to be
    Keep's imports nothing; what to do if one may be Keep's, named in the person's language."""
    listing = " and ".join(f"{product} ({plural(len(files), 'file')})" for product, files in sorted(products.items()))
    if may_be_keep := folders_keep_may_be(products):
        return ImportFileError(
            f"This part of a Google Takeout holds {listing}. Notedesk cannot tell whether {' or '.join(may_be_keep)} is Google "
            "Keep’s folder, named in your language: if it is, import this part together with the part that holds Keep’s notes "
            "(choose both in File › Import…). Nothing was imported.")
    return ImportFileError(f"This part of a Google Takeout holds {listing}, not Google Keep’s notes or pictures, which are "
                           "what Notedesk imports from a Takeout. Nothing was imported.")


def is_picture_or_recording(name: str) -> bool:
    """What a Keep note attaches: pictures and drawings, and recordings (`.3gp`, `.m4a`)."""
    return (mimetypes.guess_type(name)[0] or "").partition("/")[0] in ("image", "audio")


def notes_from_keep(vault: Vault, folder: str, found: ForeignSource) -> None:
    in_folder = sorted(path for path in vault.files if posixpath.dirname(path) == folder)
    taken: set[str] = set()
    shown: set[str] = set()  # the files the notes list
    for path in (path for path in in_folder if path.endswith(".json")):
        note = keep_note(path, vault, found, shown)
        if isinstance(note, Skipped):
            found.skipped.append(note)
            continue
        raw, attachments = note
        while raw["uid"] in taken:  # two notes made in the same microsecond
            raw["uid"] = str(uuid.uuid5(NAMESPACE, raw["uid"]))
        taken.add(raw["uid"])
        add_in_parts(found, path, fitted(path, raw, found.skipped), attachments)
    found.loose_files = {path: vault.files[path] for path in in_folder
                         if path not in shown and PurePosixPath(path).suffix not in KEEP_NOTE_FILES}
    if not found.records and not vault.notes and not found.loose_files:
        raise ImportFileError("This Google Keep export has no notes to import."
                              + left_out(found.skipped))


def keep_note(path: str, vault: Vault, found: ForeignSource, shown: set[str]) -> tuple[dict, list[ImportedAttachment]] | Skipped:
    """A Keep note as a record and its attachments: its checklist as a Markdown task list, its
    labels as tags (an archived note tagged "archived" as well: Notedesk has no archive), its web
    links listed under its text, its attached files shown where it ends (their paths added to
    `shown`, as those of a note in Keep's trash, which is left out, said so)."""
    file = vault.files[path]
    if file.size > MAX_FILE_SIZE:
        return Skipped(path, f"larger than {filesizeformat(MAX_FILE_SIZE)}")
    try:
        keep = json.loads(b"".join(file.chunks()))
    except (OSError, *UNREADABLE_ZIP) as error:
        return Skipped(path, f"cannot be read ({error})")
    except json.JSONDecodeError as error:
        return Skipped(path, f"not whole JSON (cut short?): it breaks off at line {error.lineno}, column {error.colno}")
    except (ValueError, RecursionError):
        return Skipped(path, "not JSON text")
    if not isinstance(keep, dict) or not ({"textContent", "listContent", "createdTimestampUsec"} & keep.keys()):
        return Skipped(path, "not a Google Keep note")
    listed_files = [(listed, keep_attached_file(posixpath.normpath((PurePosixPath(path).parent / str(listed.get("filePath"))).as_posix()), vault))
                    for listed in objects_in(keep.get("attachments"))]
    shown.update(file_path for _, file_path in listed_files if file_path)
    if keep.get("isTrashed") is True:
        return Skipped(path, "in Google Keep’s trash: not imported")
    blocks = [str(keep.get("textContent") or "").strip("\n")]
    blocks.append("\n".join(f"- [{'x' if item.get('isChecked') is True else ' '}] {' '.join(str(item.get('text') or '').split())}"
                            for item in objects_in(keep.get("listContent"))))
    links = [item for item in objects_in(keep.get("annotations")) if SAFE_LINK.match(str(item.get("url") or ""))]
    blocks.append("\n".join(f"- {markdown_link(one_line(str(item.get('title') or '')), str(item['url']))}" for item in links))
    created_key = keep.get("createdTimestampUsec")
    uid = str(uuid.uuid5(NAMESPACE, f"keep:{created_key}" if created_key else f"keep-path:{path}"))
    attachments = []
    for listed, file_path in listed_files:
        image = str(listed.get("mimetype") or "").startswith("image/")
        if file_path is None:
            name = PurePosixPath(str(listed.get("filePath"))).name
            found.skipped.append(Skipped(path, keep_file_missing(name, vault.parts), awaited=(uid, name)))
            # Where it goes: it shows there once the parts imported together bring it.
            blocks.append(embedded(display_name(PurePosixPath(str(listed.get("filePath"))).name), image))
            continue
        if attachment := attachment_of(file_path, vault, found):
            attachments.append(attachment)
            blocks.append(embedded(attachment.name, image))
    created = keep_moment(keep.get("createdTimestampUsec")) or keep_moment(keep.get("userEditedTimestampUsec")) or datetime.now(timezone.utc)
    updated = max(keep_moment(keep.get("userEditedTimestampUsec")) or created, created)
    labels = [str(label.get("name") or "") for label in objects_in(keep.get("labels"))]
    return {
        "uid": uid,
        "title": " ".join(str(keep.get("title") or "").split()),
        "body": "\n\n".join(block for block in blocks if block) + "\n",
        "tags": [*map(composed, labels), *(["archived"] if keep.get("isArchived") is True else [])],
        "pinned": keep.get("isPinned") is True,
        "created": created.isoformat(), "updated": updated.isoformat(),
    }, attachments


def keep_file_missing(name: str, parts: int) -> str:
    """Why a note's picture or recording is not imported: Google splits a large Takeout into parts
    (at 2, 4, 10 or 50 GB), and a note's file is often in another part than the note."""
    if parts > 1:
        return f"its picture or file {name} is in none of the {parts} parts chosen: the note is imported without it"
    return (f"its picture or file {name} is not in this export: Google Takeout splits a large export into parts "
            "(takeout-…-001.tgz, takeout-…-002.tgz…), and it is in another one. Import that part too, now or later, "
            "or all the parts at once in File › Import…, to add it to the note")


def keep_attached_file(listed: str, vault: Vault) -> str | None:
    """The file a Keep note's JSON lists, or, if there is none of that name, the one file beside it
    of that name with another extension: Takeout lists a picture as `….jpeg` and writes it `….jpg`."""
    if listed in vault.files:
        return listed
    stem = PurePosixPath(listed).with_suffix("")
    namesakes = [path for path in vault.files if PurePosixPath(path).with_suffix("") == stem
                 and PurePosixPath(path).suffix not in KEEP_NOTE_FILES]
    return namesakes[0] if len(namesakes) == 1 else None


# Where the pictures of a Takeout's part wait for the part with their notes (attach_to_waiting_notes()).
WAITING_PICTURES_UID = uuid.uuid5(NAMESPACE, "keep-waiting-pictures")
WAITING_PICTURES_TITLE = "Google Keep pictures waiting for their notes"
WAITING_PICTURES_TEXT = ("Pictures and recordings of Google Keep notes that are not among your notes: in another part of "
                         "your Google Takeout, or of a note that could not be imported. Import the part with their notes: "
                         "each goes to its note, and this note to the trash once it is empty.")
WAITING = "waiting/"  # the paths of the files held there, among a part's loose files


def attach_to_waiting_notes(owner, found: ForeignSource) -> tuple[int, int, int]:
    """give_waiting_files(), then found.skipped without the pictures it said were in another part
    that the notes have now. Returns how many notes were made and changed, and attachments added."""
    given = give_waiting_files(owner, found)
    awaited = [item.awaited for item in found.skipped if item.awaited]
    if awaited:
        here = {(str(uid), PurePosixPath(file_key(name)).stem) for uid, name in Attachment.objects.filter(
            note__owner=owner, note__uid__in={uid for uid, _ in awaited}).values_list("note__uid", "name")}
        found.skipped = [item for item in found.skipped
                         if not item.awaited or (item.awaited[0], PurePosixPath(file_key(item.awaited[1])).stem) not in here]
    return given


def give_waiting_files(owner, found: ForeignSource) -> tuple[int, int, int]:
    """Give the owner's notes the pictures and recordings their embeds wait for, from another part
    of a Takeout (Google splits a large one), in either order: those of found.loose_files, and
    those a part imported before kept in the note of waiting pictures (WAITING_PICTURES_TITLE),
    which each leaves for its note. Each is named as the file is, the embed pointed at it
    (`![[x.jpeg]]` becomes `![[x.jpg]]`, as keep_attached_file() finds it), keeping a revision. A
    loose file no note here shows waits in that note, listed as skipped; the note goes to the trash
    once empty. Returns how many notes were made (that one) and changed, and attachments added; a
    file already attached is not added again."""
    held = Note.objects.owned_by(owner).filter(uid=WAITING_PICTURES_UID).first()
    held_attachments = {f"{WAITING}{attachment.pk}/{attachment.name}": attachment
                        for attachment in (held.attachments.all() if held else [])}
    if not found.loose_files and not held_attachments:
        return 0, 0, 0
    files = {**{path: LinkableFile(attachment.size, partial(stored_chunks, attachment), attachment.created)
                for path, attachment in held_attachments.items()}, **found.loose_files}
    by_key = {file_key(PurePosixPath(path).name): path for path in files}
    by_stem: dict[str, list[str]] = {}
    for key in by_key:
        by_stem.setdefault(PurePosixPath(key).stem, []).append(key)
    waiting: dict[int, dict[str, str]] = {}  # note id: {the target key its embed names: the path of the file}
    links = NoteLink.objects.owned_by(owner).filter(target_key__contains=".").exclude(source_id=held.pk if held else None)
    for note_id, target in links.values_list("source_id", "target_key"):
        namesakes = [target] if target in by_key else by_stem.get(PurePosixPath(target).stem, [])
        if "/" not in target and len(namesakes) == 1:
            waiting.setdefault(note_id, {})[target] = by_key[namesakes[0]]
    here = {file_key(name) for name in Attachment.objects.filter(note__owner=owner, name__in=[
        PurePosixPath(path).name for path in found.loose_files]).exclude(note=held).values_list("name", flat=True)}
    wanted = {path for files in waiting.values() for path in files.values()}
    not_here = [path for key, path in by_key.items() if path in found.loose_files and path not in wanted and key not in here]
    whole = Vault(files=files)
    attachments = {path: attachment for path in sorted(wanted) if (attachment := attachment_of(path, whole, found))}
    changed = attached = 0
    counted = {str(record["uid"]) for record in found.records}  # by the import of this source: created, updated or not
    # A note given its file whose embed is not pointed at it (changed meanwhile, say) still waits:
    # the next import of the part points it, and adds nothing.
    for note in Note.objects.filter(pk__in=waiting).prefetch_related("tags"):
        added = missing_attachments(note, [attachments[path] for path in waiting[note.pk].values() if path in attachments])
        for attachment in added:
            save_attachment(note, attachment.name, attachment.chunks())
        body = note.body
        for target, path in waiting[note.pk].items():
            if path in attachments:
                body = rewritten(body, target, attachments[path].name, attachment_keys([note.pk]).get(note.pk, frozenset()))
        fields = {"title": note.title, "body": body, "pinned": note.pinned, "tags": [tag.name for tag in note.tags.all()]}
        pointed = body != note.body and update_note(owner, note.pk, note.version, fields, "import", updated=note.updated)
        attached += len(added)
        changed += bool(added or pointed) and str(note.uid) not in counted
    for path in wanted & held_attachments.keys() & attachments.keys():  # now on its note
        delete_attachment(held_attachments[path])
    kept = {path: attachment for path in not_here if (attachment := attachment_of(path, whole, found))}
    found.skipped += [Skipped(path, "a picture or file no Google Keep note here shows (its note is in another part of the "
                                    f"Takeout, or was left out): kept in the note “{WAITING_PICTURES_TITLE}” until its note "
                                    "is imported, which it then goes to") for path in kept]
    held_names = [attachment.name for attachment in held_attachments.values()]
    created, added_there = keep_waiting_pictures(owner, list(kept.values()), held_names)
    return created, changed, attached + added_there


def keep_waiting_pictures(owner, incoming: list[ImportedAttachment], held_names: list[str]) -> tuple[int, int]:
    """The note of waiting pictures given those of `incoming` it lacks (made, or taken out of the
    trash, for them), its text showing each it holds, below it what the person wrote there (all but
    the text this writes and the embeds of `held_names`, the pictures it held before); to the trash
    once it holds none, unless the person wrote there. Returns whether it was made, and how many it
    was given."""
    note = Note.objects.owned_by(owner).filter(uid=WAITING_PICTURES_UID).first()
    made = False
    if note is None:
        if not incoming:
            return 0, 0
        note, made = create_note(owner, {"uid": WAITING_PICTURES_UID, "title": WAITING_PICTURES_TITLE, "body": "",
                                         "tags": [], "pinned": False})
    added = missing_attachments(note, incoming)
    for attachment in added:
        save_attachment(note, attachment.name, attachment.chunks())
    names = list(note.attachments.order_by("pk").values_list("name", flat=True))
    written_here = {WAITING_PICTURES_TEXT, *(embedded(name, shows_as_image(name)) for name in [*held_names, *names])}
    persons_words = [paragraph for paragraph in re.split(r"\n\s*\n", note.body.strip()) if paragraph and paragraph not in written_here]
    if names and note.trashed_at:
        restore_from_trash(owner, note.pk)
    elif not names and not persons_words and not note.trashed_at:
        move_to_trash(owner, note.pk)
    note.refresh_from_db()
    shown = [WAITING_PICTURES_TEXT, *(embedded(name, shows_as_image(name)) for name in names)] if names else []
    body = "\n\n".join([*shown, *persons_words]) + "\n"
    if not note.trashed_at and body != note.body:
        fields = {"title": note.title, "body": body, "pinned": note.pinned, "tags": [tag.name for tag in note.tags.all()]}
        update_note(owner, note.pk, note.version, fields, "import")
    return int(made), len(added)


def objects_in(value) -> list[dict]:
    """The objects of a JSON list of the export; [] where it has something else (damaged, or crafted)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def keep_moment(microseconds) -> datetime | None:
    """A Keep timestamp (microseconds since 1970, a number or its digits) as a time."""
    try:
        return datetime.fromtimestamp(int(microseconds) / 1_000_000, timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def hidden(part: str) -> bool:
    """Obsidian's settings (.obsidian), its trash (.trash), .git, macOS's zip litter."""
    return (part.startswith(".") and part not in (".", "..")) or part == "__MACOSX"


def is_note(name: str) -> bool:
    return name.lower().endswith(".md")


def folder_vault(root: Path, skipped: list[Skipped]) -> Vault:
    root = root.resolve(strict=True)
    vault = Vault()
    if root.name == TAKEOUT_FOLDER:
        vault.in_archive = f"{TAKEOUT_FOLDER}/"
    elif root.parent.name == TAKEOUT_FOLDER:
        vault.in_archive = f"{TAKEOUT_FOLDER}/{root.name}/"
    elif root.name == KEEP_FOLDER:
        vault.in_archive = f"{KEEP_FOLDER}/"
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
            if hidden(name):
                continue
            path, where = Path(folder) / name, (relative / name).as_posix()
            info = path.lstat()
            if not is_note(name):
                if stat.S_ISREG(info.st_mode):  # a link is never read, as a note or as an attachment
                    vault.files[where] = LinkableFile(info.st_size, partial(file_chunks, path), file_time(info.st_mtime))
                continue
            if stat.S_ISLNK(info.st_mode):
                skipped.append(Skipped(where, "a link to a file: not followed"))
                continue
            if not stat.S_ISREG(info.st_mode):
                skipped.append(Skipped(where, "not a regular file"))
                continue
            if len(vault.notes) == MAX_FILES:
                raise ImportFileError(f"The folder has more than {MAX_FILES:,} Markdown files: import it in parts.")
            vault.notes.append(Entry(where, info.st_size, file_time(info.st_mtime), reader(path)))
    return vault


def zipped_notedesk_export(folder: Path, into: Path) -> Path | None:
    """A folder holding Notedesk's Markdown export, extracted (and edited in another app since,
    perhaps), as the zip `into` of its files, each dated as its file is, for Notedesk's own import:
    by its notes' uids, over the notes it came from. None, and no copy made, for another folder."""
    files = sorted(path for path in folder.rglob("*")
                   if not any(hidden(part) for part in path.relative_to(folder).parts)
                   and path.is_file() and not path.is_symlink())
    first_note = next((path for path in files if path.parent == folder and is_note(path.name)), None)
    if first_note is None:
        return None
    with first_note.open("rb") as head:
        if not written_by_notedesk(head.read(EXPORTED_HEAD_SIZE)):
            return None
    with zipfile.ZipFile(into, "w") as archive:
        for path in files:
            archive.write(path, path.relative_to(folder).as_posix())
    if is_notedesk_markdown_zip(into):
        return into
    into.unlink()
    return None


def reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        # O_NOFOLLOW: a file swapped for a link since it was listed is not read either.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as file:
            return file.read(MAX_FILE_SIZE + 1)

    return read


def file_chunks(path: Path) -> Iterator[bytes]:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as file:
        while chunk := file.read(CHUNK_SIZE):
            yield chunk


def check_archive_size(kind: str, files: int, total_size: int) -> None:
    if files > MAX_FILES:
        raise ImportFileError(f"The {kind} file has more than {MAX_FILES:,} files: import it in parts.")
    if total_size > MAX_TOTAL_SIZE:
        raise ImportFileError(
            f"The files in this {kind} file add up to {filesizeformat(total_size)} once unpacked, more than the "
            f"{filesizeformat(MAX_TOTAL_SIZE)} an archive may hold to be imported at once. {UNPACK_IT}")


def archived_folder(notes: list[Entry]) -> str:
    """The archive of a folder: the folder is the vault, not a sub-folder of it ("" otherwise)."""
    tops = {PurePosixPath(entry.path).parts[0] for entry in notes}
    if len(tops) == 1 and all(len(PurePosixPath(entry.path).parts) > 1 for entry in notes):
        return f"{tops.pop()}/"
    return ""


def zip_vault(archive: zipfile.ZipFile, source: Path | BinaryIO, skipped: list[Skipped]) -> Vault:
    infos = archive.infolist()
    check_archive_size("zip", len(infos), sum(info.file_size for info in infos))
    vault = Vault(size_limit=MAX_TOTAL_SIZE)
    for info in infos:
        if not info.is_dir():
            add_member(vault, skipped, info.filename, not stat.S_ISLNK(info.external_attr >> 16), info.file_size,
                       entry_date(info), partial(zip_member_chunks, source, info.filename), partial(archive.read, info))
    vault.root = archived_folder(vault.notes)
    return vault


def add_member(vault: Vault, skipped: list[Skipped], path: str, plain_file: bool, size: int, modified: datetime,
               chunks: Callable[[], Iterator[bytes]], read: Callable[[], bytes]) -> None:
    """A zip's or tar's member (not a folder) into the vault: a note, a file its notes may link to,
    or left out (why, for a note); a hidden one left out silently."""
    name = path.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if any(hidden(part) for part in parts):
        return
    unsafe = name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name)
    if not is_note(name):
        if plain_file and not unsafe and len(parts) <= MAX_DEPTH + 1:
            vault.files[name.lstrip("./")] = LinkableFile(size, chunks, modified)
    elif unsafe:
        skipped.append(Skipped(path, "a path out of the folder"))
    elif not plain_file:
        skipped.append(Skipped(path, "a link to a file: not followed"))
    elif len(parts) > MAX_DEPTH + 1:
        skipped.append(Skipped(path, f"nested more than {MAX_DEPTH} folders deep"))
    else:
        vault.notes.append(Entry(name.lstrip("./"), size, modified, read))


def is_tar(source: Path | BinaryIO) -> bool:
    """Whether the source is a tar archive (`ustar` at offset 257 of its first header)."""
    if isinstance(source, Path):
        with source.open("rb") as file:
            head = file.read(512)
    else:
        source.seek(0)
        head = source.read(512)
        source.seek(0)
    return len(head) == 512 and head[257:262] == b"ustar"


def open_tar(source: Path | BinaryIO) -> tarfile.TarFile:
    """Uncompressed, as Joplin writes it: its files are then read at their offsets."""
    if isinstance(source, Path):
        return tarfile.open(source, "r:")
    source.seek(0)
    return tarfile.open(fileobj=source, mode="r:")


def unpacked_tar(source: Path | BinaryIO) -> BinaryIO:
    """The tar of a compressed tar (.tgz), in a temporary file (deleted once the import no longer
    reads it), for tar_vault to read as it reads Joplin's: unpacked no further than a tar of files
    within MAX_TOTAL_SIZE can be, so that a small file that unpacks without end is refused."""
    limit = MAX_TOTAL_SIZE + MAX_FILES * TAR_HEADERS_SIZE
    unpacked = tempfile.TemporaryFile(dir=imports_folder())
    with source.open("rb") if isinstance(source, Path) else nullcontext(source) as file:
        file.seek(0)
        try:
            with gzip.GzipFile(fileobj=file) as packed:
                while chunk := packed.read(CHUNK_SIZE):
                    if unpacked.tell() + len(chunk) > limit:
                        raise ImportFileError(
                            f"The files in this compressed tar file add up to more than {filesizeformat(MAX_TOTAL_SIZE)} "
                            f"once unpacked, more than an archive may hold to be imported at once. {UNPACK_IT}")
                    unpacked.write(chunk)
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise ImportFileError(f"This compressed file is damaged (cut short?): {error}. Nothing was imported.") from None
    if not is_tar(unpacked):
        raise ImportFileError("This compressed file holds no tar archive (as a .tgz of Google Takeout does). Nothing was imported.")
    return unpacked


def file_time(seconds: float) -> datetime:
    """A file's modified time, or the import's where it is past what a date can hold: a tar's
    numbers have no bound (GNU's), and Python's dates end at 9999."""
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (ValueError, OverflowError, OSError):
        return datetime.now(timezone.utc)


def tar_vault(source: Path | BinaryIO, skipped: list[Skipped]) -> Vault:
    """A tar's files as a zip's are read (zip_vault): its notes read when asked for, its other
    files by their path, from the tar again; nothing written to disk, no link followed."""
    members: list[tarfile.TarInfo] = []
    total_size = 0
    try:
        with open_tar(source) as archive:
            # Member by member, not getmembers(): a tar's empty files are 512 bytes each, and a .tgz of
            # 7 MB holds a million of them, all read into memory before their number was weighed.
            for member in archive:
                members.append(member)
                total_size += member.size if member.isfile() else 0
                check_archive_size("tar", len(members), total_size)
            if not ends_whole(archive):
                raise tarfile.ReadError("it ends part-way, without the blocks that end a tar")
    except (tarfile.TarError, EOFError) as error:
        raise ImportFileError(f"This tar file (a Joplin .jex export, say) is cut short or damaged: {error}. "
                              "Nothing was imported. Export it again and import the new file.") from None
    except OSError as error:
        raise ImportFileError(f"This tar file cannot be read: {error}.") from None
    vault = Vault(size_limit=MAX_TOTAL_SIZE)
    for member in members:
        if not member.isdir():
            add_member(vault, skipped, member.name, member.isfile(), member.size, file_time(member.mtime),
                       partial(tar_member_chunks, source, member.offset_data, member.size),
                       partial(tar_member_bytes, source, member.offset_data, member.size))
    vault.root = archived_folder(vault.notes)
    return vault


def ends_whole(archive: tarfile.TarFile) -> bool:
    """Whether a zero block follows the last member, as it ends every tar written whole: tarfile
    stops quietly at a tar cut at a block's end, as a download stopped part-way leaves one."""
    archive.fileobj.seek(archive.offset)
    return archive.fileobj.read(tarfile.BLOCKSIZE) == bytes(tarfile.BLOCKSIZE)


def tar_member_bytes(source: Path | BinaryIO, offset: int, size: int) -> bytes:
    return b"".join(tar_member_chunks(source, offset, size))


def tar_member_chunks(source: Path | BinaryIO, offset: int, size: int) -> Iterator[bytes]:
    """A file of an uncompressed tar (as Joplin writes a JEX) is its bytes at its offset: read there,
    not by reading the tar's headers again for each file."""
    file = source.open("rb") if isinstance(source, Path) else source
    try:
        file.seek(offset)
        while size > 0:
            chunk = file.read(min(CHUNK_SIZE, size))
            if not chunk:
                raise OSError("the tar file ends before this file does")
            size -= len(chunk)
            yield chunk
    finally:
        if isinstance(source, Path):
            file.close()


def zip_member_chunks(source: Path | BinaryIO, name: str) -> Iterator[bytes]:
    with zipfile.ZipFile(source) as archive, archive.open(name) as member:
        while chunk := member.read(CHUNK_SIZE):
            yield chunk


def markdown_note(entry: Entry, root: str, notion: bool = False) -> dict | Skipped:
    """The note of a Markdown file, its fields not checked yet: titled by its front matter, else its
    file name (its name in Obsidian, which its links use); tagged with its folders, its front matter's tags and
    its `#tags`. A page of Notion's export is titled by its heading (its file name is cut short, and
    ends in the page's id), and tagged with the pages it is under, without their ids."""
    too_large = Skipped(entry.path, f"larger than {filesizeformat(MAX_FILE_SIZE)}")
    if entry.size > MAX_FILE_SIZE:
        return too_large
    try:
        data = entry.read()
    except (OSError, *UNREADABLE_ZIP) as error:  # damaged in the zip, or taken away from the folder
        return Skipped(entry.path, f"cannot be read ({error})")
    if len(data) > MAX_FILE_SIZE:
        return too_large
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Skipped(entry.path, f"not UTF-8 text (byte {error.start})")
    if "\x00" in text:
        return Skipped(entry.path, "not text (it holds NUL characters)")
    front, front_text, body = split_front_matter(text)
    name = composed(entry.path.removeprefix(root)[:-3])  # as Obsidian and its links name the note
    dates_in_numbers = {}
    if notion:
        name = without_notion_ids(name)
        body, heading = without_notion_heading(body)
        body, row_tags = without_notion_tags(body)
        properties = notion_date_properties(body)
        dates_in_numbers = {key: text for key, text in properties.items() if in_numbers(text) and key not in front}
        front = {"title": heading, **notion_dates(properties), **({"tags": row_tags} if row_tags else {}), **front}
    front_title = composed(str(front.get("title") or "").strip())
    title = front_title or PurePosixPath(name).name
    folders = [part[:TAG_MAX_LENGTH] for part in PurePosixPath(name).parts[:-1]]
    tags = [*folders, *map(composed, [*as_list(front.get("tags")), *as_list(front.get("tag")), *inline_tags(body)])]
    created_key, created = first_date(front, ("created", "date"))
    updated_key, updated = first_date(front, ("updated", "modified"))
    created = created or entry.modified
    updated = max(updated or entry.modified, created)
    used = {"tags", "tag", created_key, updated_key} | ({"title"} if front_title else set())
    exported = exported_uid(front)
    if exported:  # edited elsewhere, the file's time says so, as Notedesk's own import reads it
        used |= {"uid", "pinned", ATTACHMENTS_KEY}
        updated = max(updated, entry.modified)
    if kept := front_matter_without(front_text, used):  # the rest stays in the note, as it was
        body = f"---\n{kept}\n---\n{body}"
    return {
        "path": entry.path, "name": name, "uid": exported or str(uuid.uuid5(NAMESPACE, "markdown:" + entry.path.casefold())),
        "title": title, "body": body, "tags": tags, "pinned": exported is not None and front["pinned"] == "true",
        "created": created.isoformat(), "updated": updated.isoformat(), "exported": exported is not None,
        "attachment_names": exported_attachment_names(front, front_text, entry.path) if exported else {},
        "dates_in_numbers": dates_in_numbers, "aliases": aliases(front),
    }


def aliases(front: dict) -> list[str]:
    """The other names Obsidian's links may give the note: its front matter's `aliases` (or the
    older `alias`), a list, or one name, or names apart by commas."""
    names = [front.get("aliases"), front.get("alias")]
    listed = [name for value in names for name in (value if isinstance(value, list) else str(value or "").split(","))]
    return [composed(name.strip()) for name in listed if isinstance(name, str) and name.strip()]


def exported_attachment_names(front: dict, front_text: str, path: str) -> dict[str, str]:
    """The own names of a note's attachments, by their paths in the vault, from the front matter of
    Notedesk's export (JSON, or the block list Obsidian rewrites it as): the file names were made
    portable, and the attachment is the same one if its name is."""
    listed = front.get(ATTACHMENTS_KEY)
    pairs = [(item["file"], item["name"]) for item in listed if valid_attachment_entry(item)] if isinstance(listed, list) else []
    try:
        pairs += [(yaml_scalar(file), yaml_scalar(name)) for name, file in EXPORTED_ATTACHMENT.findall(front_text)]
    except ValueError:
        pass
    folder = PurePosixPath(path).parent
    return {posixpath.normpath((folder / file).as_posix()): name for file, name in pairs}


def exported_uid(front: dict) -> str | None:
    """The uid of a note of Notedesk's Markdown export (front matter with its uid, pin and dates, as
    the export wrote it or as Obsidian rewrote it, a property edited there): the note it came from,
    which the import updates, rather than a new one beside it. A vault made of an export that has
    notes written since is not an export as a whole, so it comes to this import, which finds here
    the notes that came from one."""
    if not all(isinstance(front.get(key), str) for key in ("uid", "pinned", "created", "updated")):
        return None
    try:
        return str(uuid.UUID(front["uid"]))
    except ValueError:
        return None


def composed(text: str) -> str:
    """`text` in Unicode's composed form (NFC), as it is typed: a zip made on macOS names files
    decomposed ("e" and a combining accent for "é"), which a title or tag typed here would not match."""
    return unicodedata.normalize("NFC", text)


def unique_titles(notes: list[dict], skipped: list[Skipped], kept: set[str] = frozenset()) -> None:
    """Notes that would share a title (as links match titles) each get one of their own, after
    their folder ("Meeting (Work)"), or their path where two are in one folder, or numbered; the
    first at the top of the folder keeps it, unless it is one of `kept` (the title keys of notes of
    Notedesk's export, which keep theirs). Links here go to a title: shared, they would all lead
    to one of the notes. Each title changed is said in `skipped`."""
    sharing: dict[str, list[dict]] = {}
    for note in notes:
        sharing.setdefault(title_key(note["title"]), []).append(note)
    taken = set(sharing) | kept
    for key, group in sharing.items():
        if len(group) == 1 and key not in kept:
            continue
        group.sort(key=lambda note: note["path"])
        paths = [note["name"] for note in group]
        folders = Counter(posixpath.dirname(path) for path in paths)
        keeper = None if key in kept else next((path for path in paths if not posixpath.dirname(path)), None)
        for note, path in zip(group, paths):
            if path == keeper:
                continue
            folder, shared = posixpath.dirname(path), note["title"]
            where = folder if folder and folders[folder] == 1 else path
            title = base = f"{shared} ({where})" if title_key(where) != title_key(shared) else shared
            number = 1
            while title_key(title) in taken:
                number += 1
                title = f"{base} {number}"
            taken.add(title_key(title))
            note["title"] = title
            skipped.append(Skipped(note["path"], f"another imported note is titled “{shared}” too: this one is titled “{title}”"))


def link_name(target: str) -> str:
    """The file a `[[link]]` names: without Obsidian's `#heading` or `^block`, nor `.md`."""
    return re.split(r"[#^]", target, maxsplit=1)[0].strip().removesuffix(".md")


def titles_by_link_target(notes: list[dict]) -> dict[str, str]:
    """Each way a `[[link]]` may name a note of the folder (its file name; its path in the folder;
    one of its aliases, as in Obsidian only where no file has that name), with the title it has
    here. A file name, or an alias, two notes share names neither."""
    by_path, by_name, by_alias = {}, {}, {}
    for note in notes:
        path = note["name"]
        by_path[title_key(path)] = note["title"]
        name = title_key(PurePosixPath(path).name)
        by_name[name] = None if name in by_name else note["title"]
        for alias in set(map(title_key, note["aliases"])):
            by_alias[alias] = None if alias in by_alias else note["title"]
    return {**{name: title for name, title in {**by_alias, **by_name}.items() if title is not None}, **by_path}


def links_pointed_at_titles(body: str, titles: dict[str, str]) -> str:
    """Links name files in Obsidian and titles here: each `[[link]]` to a note whose title is not
    what the link says becomes `[[Title|what the link said]]`, so that it still leads there and
    reads the same. Links in code are left as they are."""
    if "[[" not in body:
        return body

    def pointed_at_title(match: re.Match) -> str | None:
        target, shown = match.group(1), match.group(2)
        name = link_name(target)
        title = titles.get(title_key(composed(name)))
        if title is None or title_key(title) == title_key(name):
            return None
        # `[[plan#Goals]]` keeps its heading (or `^block`), which the app's links lead to too.
        heading = target.strip()[len(name):] if target.strip().startswith(name) else ""
        heading = heading.removeprefix(".md")
        return f"[[{title}{heading}|{shown if shown is not None else target}]]"

    return links_replaced(body, pointed_at_title)


def markdown_links_to_notes(body: str, path: str, root: str, titles_by_path: dict[str, str]) -> str:
    """`[text](../Work/Plan.md)`, as Joplin's Markdown export and Obsidian's Markdown links write a
    link to another note (relative to the note, or to the folder): `[[Plan|text]]` (`[[Plan]]` if
    the text is the title, `#heading` kept), a link here, which the preview shows as none. Links in
    code, to files that are not notes of the folder, and whose text holds a `|` stay as they are."""
    if ".md" not in body.lower():
        return body
    pieces, done, text = [], 0, without_code(body)
    for found in NOTE_LINK.finditer(text):
        match = NOTE_LINK.fullmatch(body, found.start(), found.end())
        if match is None:
            continue
        shown, target = match.group(1), unquote(match.group(2) or match.group(3))
        target, _, heading = target.partition("#")
        if not target.lower().endswith(".md") or URL_SCHEME.match(target) or "|" in shown:
            continue
        candidates = [posixpath.normpath((PurePosixPath(path).parent / target).as_posix()), posixpath.normpath(root + target.lstrip("/"))]
        title = next((titles_by_path[candidate] for candidate in candidates if candidate in titles_by_path), None)
        if title is None or not is_linkable(title):
            continue
        link = title + (f"#{heading}" if heading else "")
        shown = " ".join(shown.split())
        pieces += [body[done : match.start()], f"[[{link}]]" if shown in ("", title) and not heading else f"[[{link}|{shown or title}]]"]
        done = match.end()
    return "".join(pieces) + body[done:]


def linked_files(note: dict, vault: Vault, files_by_name: dict[str, list[str]]) -> list[str]:
    """The paths of the files other than notes that the note links to or embeds: `[text](path)`
    and `![alt](path)` relative to its folder, and Obsidian's `[[file.pdf]]` and `![[image.png]]`
    by path in the folder or by file name. Each once, in the order of the text."""
    text, folder = without_code(note["body"]), PurePosixPath(note["path"]).parent
    found: dict[str, None] = {}
    for match in MARKDOWN_LINK.finditer(text):
        target = unquote(match.group(1)).split("#")[0].split("?")[0]
        if not target or URL_SCHEME.match(target) or target.startswith("/"):
            continue
        path = posixpath.normpath((folder / target).as_posix())
        if path in vault.files:
            found[path] = None
    for match in LINK.finditer(text):  # a link to a note names no file here, and finds none
        name = link_name(match.group(1))
        paths = [path for path in (vault.root + name, (folder / name).as_posix()) if path in vault.files]
        # Else by file name, as Obsidian does: the one in the note's folder, or the least nested; first
        # the one in the folder named like the note, where Notedesk's export puts a note's files.
        own_folder = PurePosixPath(note["path"]).with_suffix("")
        paths = paths or sorted(files_by_name.get(PurePosixPath(name).name, []), key=lambda path: (
            PurePosixPath(path).parent != own_folder, PurePosixPath(path).parent != folder, path.count("/"), path))
        if paths:
            found[paths[0]] = None
    return list(found)


def attachment_of(path: str, vault: Vault, found: ForeignSource, name: str | None = None) -> ImportedAttachment | None:
    """The file a note links to, as its attachment (named `name`, or as the file is); None, and
    listed as skipped, if it cannot be one."""
    file, limit = vault.files[path], settings.NOTEDESK_MAX_ATTACHMENT_SIZE
    too_large = Skipped(path, f"a linked file larger than the limit for an attachment ({filesizeformat(limit)})")
    if file.size > limit:
        found.skipped.append(too_large)
        return None
    try:
        size, digest = measured(file.chunks())
    except (OSError, *UNREADABLE_ZIP) as error:
        found.skipped.append(Skipped(path, f"a linked file that cannot be read ({error})"))
        return None
    if size > limit:
        found.skipped.append(too_large)
        return None
    return ImportedAttachment(display_name(name or PurePosixPath(path).name), size, digest, file.chunks)


def fitted(where: str, raw: dict, skipped: list[Skipped], tags_left_out: int = 0) -> dict:
    """`raw` with its title and tags cut to what a note holds, each cut said in `skipped` (the note
    itself is imported): a title past TITLE_MAX_LENGTH characters, a tag past TAG_MAX_LENGTH, the
    tags past MAX_TAGS_PER_NOTE (with `tags_left_out`, those the reader did not keep)."""
    if len(raw["title"]) > TITLE_MAX_LENGTH:
        skipped.append(Skipped(where, f"its title is longer than {TITLE_MAX_LENGTH} characters: "
                                      f"the note is imported with the first {TITLE_MAX_LENGTH}"))
    tags = normalise_foreign_tags(raw["tags"])
    for name in (name for name in tags if len(name) > TAG_MAX_LENGTH):
        skipped.append(Skipped(where, f"its tag “{name[:40]}…” is longer than {TAG_MAX_LENGTH} characters: "
                                      "the note is imported without it"))
    tags = [name for name in tags if len(name) <= TAG_MAX_LENGTH]
    if len(tags) + tags_left_out > MAX_TAGS_PER_NOTE:
        skipped.append(Skipped(where, f"it has {len(tags) + tags_left_out} tags, more than the {MAX_TAGS_PER_NOTE} a "
                                      f"note holds: the note is imported with the first {MAX_TAGS_PER_NOTE}"))
    return {**raw, "title": raw["title"][:TITLE_MAX_LENGTH], "tags": tags[:MAX_TAGS_PER_NOTE]}


def parts_of(where: str, raw: dict, skipped: list[Skipped]) -> list[dict]:
    """`raw`, or, when its body is longer than a note holds, a note for each part of it, cut between
    lines: the first keeps the title and uid (the links to it lead there), the next are titled
    "… (2 of n)" and so on. Said in `skipped`."""
    body = raw["body"]
    if len(body) <= BODY_MAX_LENGTH:
        return [raw]
    pieces, start = [], 0
    while start < len(body):
        end = start + BODY_MAX_LENGTH
        if end < len(body):
            line_end = body.rfind("\n", start, end)
            end = line_end + 1 if line_end >= start else end  # a line longer than a note is cut where it must be
        pieces.append(body[start:end])
        start = end
    count = len(pieces)
    suffixes = ["", *(f" ({number} of {count})" for number in range(2, count + 1))]
    titles = [raw["title"][:TITLE_MAX_LENGTH - len(suffix)] + suffix for suffix in suffixes]
    skipped.append(Skipped(where, f"longer than the {BODY_MAX_LENGTH:,} characters a note holds: imported as {count} "
                                  f"notes, “{titles[0]}” to “{titles[-1]}”"))
    return [{**raw, "title": title, "body": piece,
             "uid": raw["uid"] if number == 0 else str(uuid.uuid5(NAMESPACE, f"{raw['uid']} part {number + 1}"))}
            for number, (title, piece) in enumerate(zip(titles, pieces))]


def add_in_parts(found: ForeignSource, where: str, raw: dict, attachments: list[ImportedAttachment]) -> None:
    """The note as a record of `found`, in parts if it is longer than a note holds (parts_of), the
    first part with its attachments; or, if it cannot be a note, as skipped, with why."""
    for number, part in enumerate(parts_of(where, raw, found.skipped)):
        record = checked_record(where, part, attachments if number == 0 else [])
        (found.skipped if isinstance(record, Skipped) else found.records).append(record)


def checked_record(where: str, raw: dict, attachments: list[ImportedAttachment] = ()) -> dict | Skipped:
    form = ImportedNoteForm(raw)
    if not form.is_valid():
        field_name, messages = next(iter(form.errors.items()))
        return Skipped(where, f"{field_name}: {messages[0]}")
    return {**form.cleaned_data, "attachments": list(attachments), "revisions": []}


def front_matter(text: str) -> tuple[dict, str]:
    """A YAML front matter's simple keys (`key: value`, a `[a, b]` list or `- item` lines), and
    the body after it. Anything else in it is left alone."""
    values, _, body = split_front_matter(text)
    return values, body


def split_front_matter(text: str) -> tuple[dict, str, str]:
    """As front_matter(), with the front matter's own text (between its `---` lines) as well. A
    front matter that is not YAML (a list not closed, a quote not ended) is no front matter: it
    stays in the text as it was, and none of it is read."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, "", text
    values: dict = {}
    key = None
    front_text = match.group(1) or ""
    try:
        for line in front_text.splitlines():
            item = re.match(r"^\s+-\s+(.*)$", line) or re.match(r"^-\s+(.*)$", line)
            if item and key:
                values.setdefault(key, [])
                if isinstance(values[key], list):
                    values[key].append(yaml_scalar(item.group(1)))
                continue
            pair = FRONT_MATTER_KEY.match(line)
            if pair:
                key, value = pair.group(1).lower(), pair.group(2).strip()
                if value.startswith("["):
                    values[key] = json_or_flow_list(value)
                else:
                    values[key] = yaml_scalar(value) if value else []
    except ValueError:
        return {}, "", text
    return values, front_text, text[match.end() :]


def front_matter_without(front_text: str, keys: set) -> str:
    """The front matter's lines but those of `keys`: each key's line, and the lines under it
    (indented, or `- item`). "" if nothing else is in it but blank lines."""
    kept, keeping = [], True
    for line in front_text.splitlines():
        if pair := FRONT_MATTER_KEY.match(line):
            keeping = pair.group(1).lower() not in keys
        elif line.strip() and not line[0].isspace() and not line.startswith("-"):
            keeping = True  # a line of its own, a comment say
        if keeping:
            kept.append(line)
    return "\n".join(kept) if any(line.strip() for line in kept) else ""


def first_date(front: dict, keys: tuple[str, ...]) -> tuple[str | None, datetime | None]:
    """The first of the front matter's `keys` that holds a date, and that date."""
    for key in keys:
        if parsed := front_date(front.get(key)):
            return key, parsed
    return None, None


def yaml_scalar(value: str) -> str:
    """A YAML scalar's text: "double quoted" with its escapes (JSON's, which YAML's include),
    'single quoted' with '' for a quote, or plain. ValueError for a quote not ended."""
    value = value.strip()
    if value[:1] == '"':
        try:
            text = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"not a YAML string: {value}") from None
        if not isinstance(text, str):
            raise ValueError(f"not a YAML string: {value}")
        return text
    if value[:1] == "'":
        if len(value) < 2 or value[-1] != "'" or "'" in value[1:-1].replace("''", ""):
            raise ValueError(f"not a YAML string: {value}")
        return value[1:-1].replace("''", "'")
    return value


def json_or_flow_list(value: str) -> list:
    """A list written as JSON (Notedesk's export writes its attachments so, objects in it), else as
    YAML's flow list."""
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return yaml_flow_list(value)
    return parsed if isinstance(parsed, list) else yaml_flow_list(value)


def yaml_flow_list(value: str) -> list[str]:
    """`[a, "b, c", 'd']`: its items, a comma inside quotes kept in its item."""
    if not value.endswith("]"):
        raise ValueError(f"a list not closed: {value}")
    items, start, quote = [], 1, None
    for at, character in enumerate(value[1:-1], start=1):
        if quote:
            if character == quote and not (quote == '"' and value[at - 1] == "\\"):
                quote = None
        elif character in "'\"":
            quote = character
        elif character == ",":
            items.append(value[start:at])
            start = at + 1
    if quote:
        raise ValueError(f"a quote not ended: {value}")
    items.append(value[start:-1])
    return [yaml_scalar(item) for item in items if item.strip()]


def as_list(value) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value if str(item).strip()]
    if isinstance(value, str):
        return [part for part in re.split(r"[,\s]+", value) if part]
    return []


def inline_tags(body: str) -> list[str]:
    """Obsidian's `#tag` in the text: not in code, not a heading's `# `, not in a URL or a link's
    target, and not all digits (`#1984` is none, `#y1984` and `#2024-review` are)."""
    if "#" not in body:
        return []
    text = NOT_TAG_TEXT.sub(" ", without_code(body))
    return [tag for tag in map(tag_characters, INLINE_TAG.findall(text)) if not tag.isdigit()]


def tag_characters(text: str) -> str:
    """The start of `text` that a tag holds: letters, digits, `_`, `-`, `/`, and the marks that
    go with the letters (a Devanagari or Thai vowel sign, a virama, an Arabic haraka), which
    Python's \\w leaves out, so that `#टैग` is the tag टैग, not ट."""
    for index, character in enumerate(text):
        if not (character.isalnum() or character in "_/-" or unicodedata.category(character).startswith("M")):
            return text[:index]
    return text


def front_date(value) -> datetime | None:
    return iso_moment(value) if isinstance(value, str) and value else None


def iso_moment(value: str) -> datetime | None:
    """An ISO 8601 date or time; one without an offset (Obsidian's date and time properties,
    `2025-03-01T09:30` or a day alone) is the person's own time, as it was written and shown."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else make_aware(parsed)


# Evernote --------------------------------------------------------------------------------

def read_enex(file: BinaryIO, spool: BinaryIO) -> ForeignSource:
    """The notes of an Evernote export: title, content (ENML, as Markdown), tags, dates and the
    attached files (resources). The file is read a megabyte at a time, and each attached file is
    decoded as it comes into `spool` (a temporary file, kept until the notes are imported), so
    that an export of any size takes little memory: only what a note's record keeps."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import XMLParser

    found = ForeignSource()
    notes = EnexNotes(AttachmentSpool(spool), found)
    parser = XMLParser(target=notes)
    try:
        while chunk := file.read(CHUNK_SIZE):
            parser.feed(chunk)
        parser.close()
    except DefusedXmlException as error:
        raise ImportFileError(
            f"This Evernote export declares entities or external references ({type(error).__name__}), which "
            "Notedesk does not read: they can make a small file expand without end or read other files."
        ) from None
    except ParseError as error:
        line, column = error.position
        raise ImportFileError(f"This is not a valid Evernote export: {reason_of(error)} (line {line}, column {column}).") from None
    except LookupError as error:  # codecs.lookup() of the encoding its <?xml?> names
        if type(error) is not LookupError:  # a KeyError or an IndexError: ours, not the file's
            raise
        encoding = str(error).rpartition(": ")[2]
        raise ImportFileError(f"This is not a valid Evernote export: its encoding, {encoding}, is not one Notedesk "
                              "knows (Evernote writes UTF-8).") from None
    if not found.records and not found.skipped:
        raise ImportFileError("This Evernote export has no notes.")
    return found


def reason_of(error) -> str:
    return str(error).split(":")[0]


@dataclass
class EnexResource:
    """An attached file of an Evernote note."""

    decoding: Decoding
    name: str = ""


@dataclass
class EnexNote:
    texts: dict[str, str] = field(default_factory=dict)  # the first title, content, created, updated
    oversized: set[str] = field(default_factory=set)
    tags: list[str] = field(default_factory=list)
    tags_left_out: int = 0  # past MAX_TAGS_PER_NOTE: counted, not kept
    resources: list[EnexResource] = field(default_factory=list)


class EnexNotes:
    """The XML parser's target: each <note> of the export becomes a record (or a Skipped) once
    its end tag is read. Only the text of the elements read below is kept, each up to a limit;
    a resource's data goes to the spool."""

    TEXTS = {"title", "content", "created", "updated"}
    MAX_TEXT = MAX_FILE_SIZE + 1  # characters: the largest text kept, and one more to tell it is larger

    def __init__(self, spool: AttachmentSpool, found: ForeignSource):
        self.spool, self.found = spool, found
        self.taken: set[str] = set()
        self.open: list[str] = []
        self.note: EnexNote | None = None
        self.text: list[str] | None = None  # the text of the element being kept
        self.text_depth = 0  # that element's depth
        self.kept = 0
        self.notes_read = 0

    def start(self, tag: str, attributes: dict) -> None:
        self.open.append(tag)
        if len(self.open) == 1 and tag != "en-export":
            raise ImportFileError("This XML file is not an Evernote export (its root is not <en-export>).")
        if len(self.open) > MAX_XML_DEPTH:
            raise ImportFileError(f"This Evernote export is nested more than {MAX_XML_DEPTH} elements deep.")
        inside = self.open[1:]
        if inside == ["note"]:
            self.note = EnexNote()
        elif self.note is None or inside[0] != "note":
            return
        elif inside[1:] == ["resource"]:
            self.note.resources.append(EnexResource(self.spool.begin(md5=True)))
        elif inside[1:] in (["resource", "resource-attributes", "file-name"], ["tag"]) or (
                len(inside) == 2 and tag in self.TEXTS):
            self.text, self.text_depth, self.kept = [], len(self.open), 0

    def data(self, text: str) -> None:
        if self.text is not None:
            if self.kept < self.MAX_TEXT:
                self.text.append(text[: self.MAX_TEXT - self.kept])
            self.kept += len(text)
        elif self.open[1:] == ["note", "resource", "data"]:
            self.spool.feed(self.note.resources[-1].decoding, text)

    def end(self, tag: str) -> None:
        inside, note = self.open[1:], self.note
        self.open.pop()
        if note is None or not inside or inside[0] != "note":
            return
        if self.text is not None and len(inside) + 1 == self.text_depth:
            text, self.text = "".join(self.text), None
            if tag == "tag" and text.strip():
                if len(note.tags) < MAX_TAGS_PER_NOTE:
                    note.tags.append(text.strip())
                else:
                    note.tags_left_out += 1
            elif tag == "file-name":
                note.resources[-1].name = note.resources[-1].name or text
            elif tag not in note.texts:
                note.texts[tag] = text
                if self.kept >= self.MAX_TEXT:
                    note.oversized.add(tag)
        elif inside[1:] == ["resource", "data"]:
            self.spool.finish(note.resources[-1].decoding)
        elif inside == ["note"]:
            self.notes_read += 1
            enex_note(note, self.notes_read, self.taken, self.found, self.spool)
            self.note = None


def enex_note(note: EnexNote, number: int, taken: set[str], found: ForeignSource, spool: AttachmentSpool) -> None:
    """The note, added to `found` (in parts if it is longer than a note holds); an attached file
    that cannot be one of its attachments is left out of it, listed as skipped."""
    skipped = found.skipped
    title = note.texts.get("title", "").strip()
    where = f"Note {number}" + (f" “{title[:60]}”" if title else "")
    if "content" in note.oversized:
        skipped.append(Skipped(where, f"its text is larger than {filesizeformat(MAX_FILE_SIZE)}"))
        return
    created_text, updated_text = (note.texts.get(name, "").strip() for name in ("created", "updated"))
    created_moment, updated_moment = enex_date(created_text), enex_date(updated_text)
    if created_text and not created_moment:
        skipped.append(Skipped(where, f"its creation date “{created_text[:40]}” is not a date: the import time is used"))
    if updated_text and not updated_moment:
        skipped.append(Skipped(where, f"its modification date “{updated_text[:40]}” is not a date: its creation date is used"))
    created = created_moment or datetime.now(timezone.utc)
    updated = max(updated_moment or created, created)
    attachments, names_by_md5 = [], {}
    for resource_number, resource in enumerate(note.resources, start=1):
        if resource.decoding.problem:
            skipped.append(Skipped(where, f"its attachment {resource_number} {resource.decoding.problem}: the note is imported without it"))
            continue
        attachments.append(spool.attachment(resource.decoding, display_name(resource.name or f"attachment {resource_number}")))
        names_by_md5[resource.decoding.md5.hexdigest()] = attachments[-1].name
    # Without a date of its own, the note's uid comes from the date's text, so that importing it again finds it.
    key = f"enex:{title}\n{created_moment.isoformat() if created_moment else created_text}"
    while key in taken:  # two notes of one title made in the same second
        key += "+"
    taken.add(key)
    left_out: list[str] = []
    body = enml_to_markdown(note.texts.get("content", ""), names_by_md5, left_out)
    skipped += [Skipped(where, reason) for reason in left_out]
    raw = {
        "uid": str(uuid.uuid5(NAMESPACE, key)),
        "title": title,
        "body": body,
        "tags": note.tags, "pinned": False, "created": created.isoformat(), "updated": updated.isoformat(),
    }
    add_in_parts(found, where, fitted(where, raw, skipped, note.tags_left_out), attachments)


def enex_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


@dataclass
class Element:
    """An element of a note's ENML; its children are Elements and strings of text."""

    tag: str
    attributes: dict[str, str]
    children: list = field(default_factory=list)


class EnmlTree(HTMLParser):
    """Evernote's note markup (XHTML) as a tree of Elements. An element nested deeper than
    MAX_XML_DEPTH is left out, its text kept, so that converting the tree never recurses deeper.
    The stdlib's HTML parser expands no declared entities."""

    EMPTY = {"br", "hr", "img", "en-media", "en-todo"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("en-note", {})
        self.open = [self.root]
        self.too_deep = 0  # start tags left out, whose end tags are left out too
        self.encrypted = 0  # <en-crypt> elements

    def handle_starttag(self, tag, attrs):
        if len(self.open) > MAX_XML_DEPTH:
            self.too_deep += tag not in self.EMPTY
            return
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.encrypted += tag == "en-crypt"
        self.open[-1].children.append(element)
        if tag not in self.EMPTY:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.EMPTY and len(self.open) > 1 and self.open[-1].tag == tag:
            self.open.pop()

    def handle_endtag(self, tag):
        if self.too_deep:
            self.too_deep -= 1
            return
        for depth in range(len(self.open) - 1, 0, -1):  # an end tag with no start tag is left out
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


@dataclass
class Block:
    """A block of the Markdown text: a paragraph, a list, a table… A to-do outside a list is a
    "task", written "[ ] text" here and "- [ ] text" where it stands alone."""

    text: str
    kind: str = ""  # "task", "list" or ""


HARD_BREAK = "\\\n"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements that hold blocks, whose content becomes blocks of its own (lines in Evernote are <div>s).
CONTAINERS = {"en-note", "div", "p", "li", "tr", "td", "th", "thead", "tbody", "tfoot"}
BLOCK_TAGS = CONTAINERS | HEADINGS | {"ul", "ol", "table", "blockquote", "pre", "hr", "en-crypt"}
SAFE_LINK = re.compile(r"^(https?|mailto):")
# Inline CSS that has a Markdown mark (web clips write bold as a styled <span>); underline has none.
STYLE_MARKS = (
    (re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)\b"), "**"),
    (re.compile(r"font-style\s*:\s*(italic|oblique)\b"), "*"),
    (re.compile(r"text-decoration(-line)?\s*:[^;]*\bline-through\b"), "~~"),
)


def enml_to_markdown(content: str, names_by_md5: dict[str, str] | None = None, left_out: list[str] | None = None) -> str:
    """An Evernote note's text as Markdown: blocks apart by a blank line, nested lists, to-dos
    (`- [x]`, each an item of its own), `<br>` as a hard line break, tables as pipe tables, fenced
    code, bold, italics and strikethrough (as tags or as inline styles), code, links (http, https
    and mailto only: another keeps its text), and where it showed an attached file (`<en-media>`,
    named by its MD5 in `names_by_md5`) the app's embed of it, `![[photo.png]]` for an image,
    `[[file.pdf]]` for another file. Encrypted text (`<en-crypt>`) is marked as not imported, its
    cipher text kept in a code block, and said in `left_out`. Other markup is dropped; its text
    is kept."""
    # The ENML's own XML declaration and DOCTYPE are not markup of the note.
    content = re.sub(r"^\s*<\?xml[^>]*\?>", "", content)
    content = re.sub(r"^\s*<!DOCTYPE[^>]*>", "", content)
    tree = EnmlTree()
    tree.feed(content)
    tree.close()
    if tree.encrypted and left_out is not None:
        texts = "an encrypted text" if tree.encrypted == 1 else f"{tree.encrypted} encrypted texts"
        left_out.append(f"it holds {texts}, which only Evernote can read, with the passphrase: the note is "
                        "imported with each marked “Encrypted content from Evernote: not imported”")
    return joined(markdown_blocks(tree.root.children, names_by_md5 or {}))


def markdown_blocks(nodes: list, names_by_md5: dict[str, str]) -> list[Block]:
    """Each block element a block, and each run of text and inline elements between them a
    paragraph. A to-do starts a run of its own, which a line break ends: Evernote often writes
    to-dos a `<br>` apart in one `<div>`."""
    blocks, run = [], []

    def end_run() -> None:
        if run:
            blocks.append(paragraph(run, names_by_md5))
            run.clear()

    for node in nodes:
        if isinstance(node, Element) and node.tag == "en-todo":
            end_run()
            run.append(node)
        elif isinstance(node, Element) and node.tag == "br" and is_task(run):
            end_run()
        elif isinstance(node, Element) and node.tag in BLOCK_TAGS:
            end_run()
            blocks += block_of(node, names_by_md5)
        else:
            run.append(node)
    end_run()
    return [block for block in blocks if block.text]


def block_of(element: Element, names_by_md5: dict[str, str]) -> list[Block]:
    tag = element.tag
    if tag == "pre" or "-en-codeblock:true" in element.attributes.get("style", "").replace(" ", ""):
        return [Block(fenced(plain_text(element).strip("\n")))]
    if tag in CONTAINERS:
        return markdown_blocks(element.children, names_by_md5)
    if tag in HEADINGS:
        text = one_line(paragraph(element.children, names_by_md5).text)
        return [Block(f"{'#' * int(tag[1])} {text}" if text else "")]
    if tag in ("ul", "ol"):
        return [list_block(element, names_by_md5)]
    if tag == "table":
        return [table_block(element, names_by_md5)]
    if tag == "blockquote":
        lines = joined(markdown_blocks(element.children, names_by_md5)).split("\n")
        return [Block("\n".join(f"> {line}" if line else ">" for line in lines))]
    if tag == "en-crypt":
        return [Block(f"{encrypted_mark(element)}\n\n{fenced(plain_text(element).strip())}")]
    return [Block("---")]  # hr


def joined(blocks: list[Block], in_item: bool = False) -> str:
    """The blocks as Markdown, a blank line apart; to-dos one after another make one list, and a
    list nested in a list item follows its text on the next line. In a list item the first block
    follows its marker (a to-do's "[ ]" included)."""
    text = ""
    for number, block in enumerate(blocks):
        if number:
            tight = (block.kind == "task" and blocks[number - 1].kind == "task") or (in_item and block.kind == "list")
            text += "\n" if tight else "\n\n"
        standalone_task = block.kind == "task" and not (in_item and number == 0)
        text += list_item("- ", block.text) if standalone_task else block.text
    return text


def list_item(marker: str, text: str) -> str:
    """`text` after the marker, its further lines indented to line up with its first."""
    lines = text.split("\n")
    return "\n".join([marker + lines[0], *(" " * len(marker) + line if line else "" for line in lines[1:])]).rstrip()


def list_block(element: Element, names_by_md5: dict[str, str]) -> Block:
    items: list[list[Block]] = []
    for child in element.children:
        if isinstance(child, Element) and child.tag in ("ul", "ol") and items:
            items[-1].append(list_block(child, names_by_md5))  # Evernote puts a nested list after its item, not in it
        elif isinstance(child, Element) or child.strip():
            items.append(markdown_blocks(child.children if isinstance(child, Element) and child.tag == "li" else [child], names_by_md5))
    start = element.attributes.get("start", "")
    first = int(start) if start.isdigit() and len(start) < 10 else 1
    markers = [f"{first + number}. " if element.tag == "ol" else "- " for number in range(len(items))]
    return Block("\n".join(list_item(marker, joined(blocks, in_item=True)) for marker, blocks in zip(markers, items)), "list")


def table_block(element: Element, names_by_md5: dict[str, str]) -> Block:
    """A GFM pipe table, its first row the header (GFM has no table without one)."""
    return Block(pipe_table([
        [table_cell(cell, names_by_md5) for cell in row.children if isinstance(cell, Element) and cell.tag in ("td", "th")]
        for row in table_rows(element)
    ]))


def pipe_table(rows: list[list[str]]) -> str:
    """Rows of cells (each one_cell) as a GFM pipe table, the first row its header (GFM has no
    table without one); "" for no cells."""
    width = max(map(len, rows), default=0)
    if not width:
        return ""
    rows = [row + [""] * (width - len(row)) for row in rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [rows[0], ["---"] * width, *rows[1:]])


def table_rows(element: Element) -> Iterator[Element]:
    for child in element.children:
        if isinstance(child, Element) and child.tag == "tr":
            yield child
        elif isinstance(child, Element) and child.tag in ("thead", "tbody", "tfoot"):
            yield from table_rows(child)


def table_cell(cell: Element, names_by_md5: dict[str, str]) -> str:
    return one_cell(" ".join(block.text for block in markdown_blocks(cell.children, names_by_md5)))


def one_cell(text: str) -> str:
    """`text` as a table's cell: on one line (a table row cannot hold more), its `|` escaped."""
    return one_line(text).replace("|", "\\|")


def one_line(text: str) -> str:
    return re.sub(r"\s*\\\n\s*|\s*\n\s*", " ", text).strip()


def paragraph(nodes: list, names_by_md5: dict[str, str]) -> Block:
    lines = [line.strip() for line in inline_markdown(nodes, names_by_md5).split(HARD_BREAK)]
    while lines and not lines[-1]:  # a <br> that ends a line, as Evernote's empty <div><br/></div> has
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return Block(HARD_BREAK.join(lines), "task" if is_task(nodes) else "")


def is_task(nodes: list) -> bool:
    first = next((node for node in nodes if not (isinstance(node, str) and not node.strip())), None)
    return isinstance(first, Element) and first.tag == "en-todo"


def inline_markdown(nodes: list, names_by_md5: dict[str, str]) -> str:
    pieces = []
    for node in nodes:
        if isinstance(node, str):
            pieces.append(re.sub(r"[ \t\r\n\f]+", " ", node))
            continue
        tag, inner = node.tag, partial(inline_markdown, node.children, names_by_md5)
        if tag == "br":
            pieces.append(HARD_BREAK)
        elif tag == "en-todo":
            pieces.append("[x] " if node.attributes.get("checked") == "true" else "[ ] ")
        elif tag == "en-media":
            pieces.append(media_markdown(node.attributes, names_by_md5))
        elif tag == "en-crypt":  # inside an inline element: its cipher text would not fit on the line
            pieces.append(encrypted_mark(node))
        elif tag in ("b", "strong"):
            pieces.append(emphasised("**", inner()))
        elif tag in ("i", "em"):
            pieces.append(emphasised("*", inner()))
        elif tag in ("s", "strike", "del"):
            pieces.append(emphasised("~~", inner()))
        elif tag == "code":
            pieces.append(code_span(plain_text(node)))
        elif tag == "a" and SAFE_LINK.match(href := node.attributes.get("href", "")):
            pieces.append(markdown_link(inner(), href))
        elif tag == "img" and SAFE_LINK.match(src := node.attributes.get("src", "")):
            pieces.append(markdown_link(node.attributes.get("alt", ""), src))  # a link: the app shows no image from elsewhere
        else:
            pieces.append(styled(node.attributes.get("style", "").lower(), inner()))
    return "".join(pieces)


def markdown_link(text: str, address: str) -> str:
    return f"[{text.strip() or address}]({address})"


def styled(style: str, text: str) -> str:
    for pattern, marker in STYLE_MARKS:
        if pattern.search(style):
            text = emphasised(marker, text)
    return text


def encrypted_mark(element: Element) -> str:
    hint = one_line(element.attributes.get("hint", ""))
    return f"[Encrypted content from Evernote: not imported{f' (hint: {hint})' if hint else ''}]"


def emphasised(marker: str, text: str) -> str:
    """`text` between the markers, its spaces outside them: `** bold**` would not be bold."""
    core = text.strip()
    if not core:
        return text
    return text[: len(text) - len(text.lstrip())] + marker + core + marker + text[len(text.rstrip()) :]


def code_span(text: str) -> str:
    text = " ".join(text.split())
    ticks = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    padding = " " if "`" in text else ""
    return f"{ticks}{padding}{text}{padding}{ticks}" if text else ""


def fenced(code: str) -> str:
    fence = "`" * max(3, max(map(len, re.findall("`+", code)), default=0) + 1)
    return f"{fence}\n{code}\n{fence}"


def plain_text(element: Element) -> str:
    """The element's text as it is, a line for each <br> and each block in it (the lines of
    Evernote's code block are <div>s)."""
    pieces: list[str] = []

    def end_line() -> None:
        if pieces and not pieces[-1].endswith("\n"):
            pieces.append("\n")

    def add(node: Element) -> None:
        for child in node.children:
            if isinstance(child, str):
                pieces.append(child)
            elif child.tag == "br":
                pieces.append("\n")
            elif child.tag in BLOCK_TAGS:
                end_line()
                add(child)
                end_line()
            else:
                add(child)

    add(element)
    return "".join(pieces)


def media_markdown(attributes: dict[str, str], names_by_md5: dict[str, str]) -> str:
    """Where the note showed an attached file: the app's embed of it, found by the MD5 ENML
    names it by. A name a `[[link]]` cannot hold, and a file not imported, are said in words."""
    name = names_by_md5.get(attributes.get("hash", "").lower())
    if not name:
        return "(attachment)"
    return embedded(name, attributes.get("type", "").startswith("image/"))


def embedded(name: str, image: bool) -> str:
    """The app's embed of an attached file, `![[photo.png]]` for an image, `[[file.pdf]]` for another
    file; a name a `[[link]]` cannot hold said in words."""
    if not LINK.fullmatch(f"[[{name}]]") or " ".join(name.split()) != name:
        return f"(attachment: {name})"
    return f"![[{name}]]" if image else f"[[{name}]]"
