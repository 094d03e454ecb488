"""A note as a Markdown file: front matter (one `key: value` line per field, the value written
as JSON, which YAML readers accept too), then the body exactly as it is.

A note with attachments also lists them in the front matter (`attachments`, each with its name
and its file in the zip) and ends with links to them, which reading the file takes off again, so
that the body comes back exactly.
"""

import json
import os
import re
from urllib.parse import quote

from django.utils.text import slugify

FENCE = "---"
FRONT_MATTER_KEYS = ("title", "tags", "pinned", "uid", "created", "updated")
MAX_NAME_LENGTH = 60
ATTACHMENTS_KEY = "attachments"
MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")
# What Windows cannot create, so that a zip holding it does not extract there (Microsoft's "Naming
# Files, Paths, and Namespaces"): the characters < > : " / \\ | ? * and controls, a name ending in
# a space or a dot, and a device name (CON, NUL, COM1, …), with any extension and spaces before it.
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
WINDOWS_DEVICE = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]) *(\..*)?", re.IGNORECASE)
# Windows allows 255 characters in a name; this leaves room for " (2)" and the like.
MAX_PORTABLE_LENGTH = 240
# How to_markdown() starts a note: its front matter, holding the note's uid. Another app's
# Markdown file may have front matter, but not this line in it.
EXPORTED_HEAD = re.compile(r'---\n(?:(?!---\n)[^\n]*\n){0,%d}uid: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"\n' % len(FRONT_MATTER_KEYS))
# Enough of a file to hold that line after the longest title and tags.
EXPORTED_HEAD_SIZE = 16 * 1024


def to_markdown(record: dict, attachments: list[dict]) -> str:
    """`attachments`: {"name", "file"} for each, `file` being its path in the zip."""
    fields = {**record, ATTACHMENTS_KEY: attachments} if attachments else record
    keys = [*FRONT_MATTER_KEYS, ATTACHMENTS_KEY] if attachments else FRONT_MATTER_KEYS
    header = "\n".join(f"{key}: {json.dumps(fields[key], ensure_ascii=False)}" for key in keys)
    return f"{FENCE}\n{header}\n{FENCE}\n{record['body']}{attachment_links(attachments)}"


def attachment_links(attachments: list[dict]) -> str:
    if not attachments:
        return ""
    links = "\n".join(f"- [{escaped(item['name'])}]({quote(item['file'])})" for item in attachments)
    return f"\n\n**Attachments**\n\n{links}\n"


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
    record = {}
    for line in header.split("\n"):
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"the front matter line {line!r} is not `key: value`")
        record[key.strip()] = json_or_text(value.strip())
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
    except ValueError:
        return value


def file_name(record: dict, taken: set[str]) -> str:
    """A readable, portable name from the title, unique within `taken` (which it joins)."""
    stem = portable_name(slugify(record["title"], allow_unicode=True)[:MAX_NAME_LENGTH] or "note")
    name, number = f"{stem}.md", 2
    while name.casefold() in taken:
        name, number = f"{stem}-{number}.md", number + 1
    taken.add(name.casefold())
    return name


def unique_name(name: str, taken: set[str]) -> str:
    """`name` made portable, or `name (2)`, `name (3)`…, before its extension: the first not in
    `taken` (which it joins). Case does not count: Windows and macOS would extract "Scan.png" and
    "scan.png" into one file."""
    stem, extension = os.path.splitext(portable_name(name))
    unique, number = stem + extension, 2
    while unique.casefold() in taken:
        unique, number = f"{stem} ({number}){extension}", number + 1
    taken.add(unique.casefold())
    return unique


def portable_name(name: str) -> str:
    """`name` as a file name that Windows, macOS and Linux can all extract: a forbidden character
    is "_", a trailing space or dot goes, a device name gets "_" before it, and a long name is cut
    before its extension."""
    name = WINDOWS_FORBIDDEN.sub("_", name).rstrip(" .")
    if WINDOWS_DEVICE.fullmatch(name):
        name = "_" + name
    stem, extension = os.path.splitext(name)
    if len(extension) > MAX_PORTABLE_LENGTH // 2:
        stem, extension = name, ""
    return (stem[: MAX_PORTABLE_LENGTH - len(extension)] + extension).rstrip(" .") or "_"
