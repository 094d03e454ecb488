"""A note as a Markdown file: front matter (one `key: value` line per field, the value written
as JSON, which YAML readers accept too), then the body exactly as it is.

A note with attachments also lists them in the front matter (`attachments`, each with its name
and its file in the zip) and ends with links to them, which reading the file takes off again, so
that the body comes back exactly.
"""

import json
import os
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

from embedded_site.notes.whole_characters import whole_characters_start

FENCE = "---"
FRONT_MATTER_KEYS = ("title", "tags", "pinned", "uid", "created", "updated")
ATTACHMENTS_KEY = "attachments"
MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")
# What Windows cannot create, the strictest of the common file systems, so that a zip holding it
# does not extract there (Microsoft's "Naming Files, Paths, and Namespaces"): the characters
# < > : " / \\ | ? * and controls, a name ending in a space or a dot, and a device name (CON, NUL,
# COM1, …), with any extension and spaces before it.
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
WINDOWS_DEVICE = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]) *(\..*)?", re.IGNORECASE)
# ext4 and others allow 255 bytes in a name, Windows and macOS 255 UTF-16 units: this leaves
# room for " 2", ".md" and the like.
MAX_NAME_BYTES = 200
UNTITLED = "Untitled"  # as the app shows a note without a title
# How to_markdown() starts a note: its front matter, holding the note's uid. Another app's
# Markdown file may have front matter, but not this line in it.
EXPORTED_HEAD = re.compile(r'---\n(?:(?!---\n)[^\n]*\n){0,%d}uid: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"\n' % len(FRONT_MATTER_KEYS))
# A note's own front matter, at the top of its text (Obsidian's properties, kept by an import):
# its `key: value` lines, and the lines that go on a value (`  - item`).
NOTE_FRONT_MATTER = re.compile(r"\A---\n((?:(?!---\n)[^\n]*\n)+?)---\n")
FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")
# What attachment_links() ends a note with.
ATTACHMENT_LIST = re.compile(r"\n\n\*\*Attachments\*\*\n\n(?:- \[(?:\\.|[^\\\]\n])*\]\([^()\s]*\)\n)+\Z")
# Enough of a file to hold that line after the longest title and tags.
EXPORTED_HEAD_SIZE = 16 * 1024


def to_markdown(record: dict, attachments: list[dict]) -> str:
    """`attachments`: {"name", "file"} for each, `file` being its path in the zip. A front matter
    the note's text starts with (Obsidian's properties, which an import keeps there) joins the
    file's, after Notedesk's keys: two front matters one after the other, Obsidian read the
    second as a rule and a heading, and lost the note's properties."""
    fields = {**record, ATTACHMENTS_KEY: attachments} if attachments else record
    keys = [*FRONT_MATTER_KEYS, ATTACHMENTS_KEY] if attachments else FRONT_MATTER_KEYS
    header = "\n".join(f"{key}: {json.dumps(fields[key], ensure_ascii=False)}" for key in keys)
    body = record["body"]
    if own := own_front_matter(body):
        header += "\n" + own.group(1).removesuffix("\n")
        body = body[own.end():]
    return f"{FENCE}\n{header}\n{FENCE}\n{body}{attachment_links(attachments)}"


def own_front_matter(body: str) -> re.Match | None:
    """The front matter a note's text starts with, if the file's can take it in: its first line
    a key, and none of its keys one of Notedesk's (reading the file back gives those to the note)."""
    match = NOTE_FRONT_MATTER.match(body)
    if match is None or not FRONT_MATTER_KEY.match(match.group(1)):
        return None
    ours = {*FRONT_MATTER_KEYS, ATTACHMENTS_KEY}
    if any((key := FRONT_MATTER_KEY.match(line)) and key.group(1) in ours for line in match.group(1).split("\n")):
        return None
    return match


def attachment_links(attachments: list[dict]) -> str:
    if not attachments:
        return ""
    links = "\n".join(f"- [{escaped(item['name'])}]({quote(item['file'])})" for item in attachments)
    return f"\n\n**Attachments**\n\n{links}\n"


def without_attachment_list(body: str) -> str:
    """The body without the links to its attachments that to_markdown() ended it with, however
    the front matter was rewritten since (Obsidian rewrites it when a property is edited)."""
    return ATTACHMENT_LIST.sub("", body)


def escaped(text: str) -> str:
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def from_markdown(text: str) -> dict:
    """The record of a file written by to_markdown; ValueError says what is wrong with it.

    A value that is not JSON is taken as plain text, as YAML would for `title: My note`.
    """
    if not text.startswith(FENCE + "\n"):
        raise ValueError(f"it does not start with front matter (a line {FENCE})")
    # Split on "\n" only: JSON strings may hold U+2028, which splitlines() would cut at.
    header, fence, body = text[len(FENCE) + 1 :].partition(f"\n{FENCE}\n")
    if not fence:
        raise ValueError(f"its front matter does not end with a line {FENCE}")
    record, own, ours = {}, [], {*FRONT_MATTER_KEYS, ATTACHMENTS_KEY}
    for line in header.split("\n"):
        key, colon, value = line.partition(":")
        if colon and key.strip() in ours:
            record[key.strip()] = json_or_text(value.strip())
        elif own or FRONT_MATTER_KEY.match(line):  # the note's own (to_markdown), and what goes on its values
            own.append(line)
        else:
            raise ValueError(f"the front matter line {line!r} is not `key: value`")
    if own:  # back at the top of the text, as the note had it
        body = f"{FENCE}\n" + "\n".join(own) + f"\n{FENCE}\n{body}"
    attachments = record.get(ATTACHMENTS_KEY)
    if isinstance(attachments, list) and all(valid_attachment_entry(item) for item in attachments):
        body = body.removesuffix(attachment_links(attachments))
    record["body"] = body
    return record


def written_by_notedesk(head: bytes) -> bool:
    """Whether a Markdown file starting with `head` (its first EXPORTED_HEAD_SIZE bytes) is a note
    as to_markdown() writes one."""
    return EXPORTED_HEAD.match(head.decode("utf-8", errors="replace")) is not None


def valid_attachment_entry(item: object) -> bool:
    return isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("file"), str)


def json_or_text(value: str):
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value


def note_file_names(notes: Iterable[tuple[int, str, str, datetime, datetime]], taken: set[str]) -> dict[str, str]:
    """The file name in the export of each note (id, uid, title, created, updated), by uid: its
    note_stem() and ".md", unique within `taken` (which they join). Of notes whose names collide,
    the one a link `[[Title]]` opens in the app keeps the name, so that Obsidian's link opens it
    too: the most recently updated (then the highest id, as links.resolve() orders them) of those
    whose stem is their title. The others get " 2", " 3"…, oldest first."""
    notes = list(notes)
    stems = {uid: note_stem(title) for _, uid, title, _, _ in notes}
    linked: dict[str, str] = {}  # a name's key → the uid of the note its link opens
    for _, uid, title, _, _ in sorted(notes, key=lambda note: (note[4], note[0])):
        if stems[uid] == " ".join(title.split()):
            linked[name_key(stems[uid] + ".md")] = uid
    names = {uid: stems[uid] + ".md" for uid in linked.values()}
    taken.update(linked)
    for _, uid, _, _, _ in sorted(notes, key=lambda note: (note[3], note[0])):
        if uid not in names:
            names[uid] = unique_name(stems[uid] + ".md", taken)
    return names


def note_stem(title: str) -> str:
    """The title, runs of spaces as one as links match them, as a portable name."""
    return portable_name(" ".join(title.split())) or UNTITLED


def name_key(name: str) -> str:
    """What makes two names one file on macOS or Windows, which fold case (and macOS normalises)."""
    return unicodedata.normalize("NFC", name).casefold()


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name 2`, `name 3`… before its extension: the first not in `taken` (which it
    joins), by name_key()."""
    stem, extension = os.path.splitext(name)
    unique, number = name, 2
    while name_key(unique) in taken:
        unique, number = f"{stem} {number}{extension}", number + 1
    taken.add(name_key(unique))
    return unique


def portable_name(name: str) -> str:
    """`name` as a file name that every common file system accepts, "" if nothing is left of it:
    a forbidden character is "_", leading and trailing spaces and dots go (a leading dot hides a
    file), a device name gets "_" before it, and a long name is cut before its extension to
    MAX_NAME_BYTES of UTF-8, between whole characters as they are seen (never a flag's first
    letter, an emoji without its skin tone or a letter without its vowel sign)."""
    name = FORBIDDEN.sub("_", name).strip(" .")
    stem, extension = os.path.splitext(name)
    if len(extension.encode()) > MAX_NAME_BYTES // 2:
        stem, extension = name, ""
    kept = stem.encode()[: MAX_NAME_BYTES - len(extension.encode())].decode(errors="ignore")
    stem = stem[: whole_characters_start(stem, len(kept))]
    name = (stem.rstrip(" .") + extension).strip(" .")
    return "_" + name if WINDOWS_DEVICE.fullmatch(name) else name
