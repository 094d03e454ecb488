"""A text or Markdown file from outside read as a note: checked before anything is written.

The file is read by the server itself, at most `limit` + 1 bytes of it: a missing file, a folder
(or anything but a regular file, such as a FIFO, which is never waited on), a file over the limit
and a binary file are refused with a sentence saying so; invalid UTF-8 is decoded with U+FFFD in
place of what could not be read, and the caller says so.
"""

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from embedded_site.notes.forms import BODY_MAX_LENGTH
from embedded_site.notes.models import TITLE_MAX_LENGTH

# A body of at most BODY_MAX_LENGTH characters has at least that many bytes; a file this size
# always fits in a note.
MAX_FILE_BYTES = BODY_MAX_LENGTH
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
NO_WAIT = getattr(os, "O_NONBLOCK", 0)  # Windows has no FIFOs in its folders, and no such flag


class RefusedFile(ValueError):
    """The file cannot become a note; the message says why, for the person."""


@dataclass(frozen=True)
class TextFile:
    path: Path
    title: str
    body: str
    sha256: str
    replaced_bytes: bool  # invalid UTF-8 was decoded with replacement characters


def quoted(path: Path) -> str:
    return f"“{path.name or path}”"


def open_regular_file(path: Path, wanted: str) -> tuple[BinaryIO, int]:
    """The regular file at `path` open for reading, and its size; else RefusedFile, its sentence
    ending in `wanted`. Opened without waiting, then judged by what was opened: a FIFO's open
    waited for a writer, forever, and every file given to the app after it waited behind it; a
    check by name before the open left a moment to put a FIFO in the file's place."""
    try:
        descriptor = os.open(path, os.O_RDONLY | NO_WAIT | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise RefusedFile(f"{quoted(path)} was not found: {path}") from None
    except OSError as error:
        if os.path.isdir(path):  # Windows opens no folder
            raise RefusedFile(f"{quoted(path)} is a folder: {wanted}.") from None
        raise unreadable(path, error) from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        kind = "is a folder" if stat.S_ISDIR(status.st_mode) else "is not a regular file"
        raise RefusedFile(f"{quoted(path)} {kind}: {wanted}.")
    if NO_WAIT:
        os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb"), status.st_size


def read_text_file(path: Path, limit: int = MAX_FILE_BYTES) -> TextFile:
    file, size = open_regular_file(path, "open a text or Markdown file")
    with file:
        if size > limit:
            raise RefusedFile(too_large(path, size, limit))
        try:
            content = file.read(limit + 1)
        except OSError as error:
            raise unreadable(path, error) from None
    if len(content) > limit:  # it grew since
        raise RefusedFile(too_large(path, len(content), limit))
    if b"\0" in content:  # what git and grep take for binary
        raise RefusedFile(f"{quoted(path)} is not a text file: only text and Markdown files open as notes.")
    try:
        body, replaced = content.decode("utf-8"), False
    except UnicodeDecodeError:
        body, replaced = content.decode("utf-8", errors="replace"), True
    return TextFile(path, title_of(body, path), body, hashlib.sha256(content).hexdigest(), replaced)


def unreadable(path: Path, error: OSError) -> RefusedFile:
    return RefusedFile(f"{quoted(path)} could not be read: {error.strerror}.")


def too_large(path: Path, size: int, limit: int) -> str:
    return f"{quoted(path)} is {size / 1e6:.1f} MB: too large to open as a note (the limit is {limit / 1e6:g} MB)."


def title_of(body: str, path: Path) -> str:
    """The `title` of the file's front matter, else the text of its first Markdown heading after
    the front matter (outside code blocks), else the file's name without its extension."""
    from embedded_site.notes.foreign_import import front_matter  # the other apps' readers: not at every launch

    front, text = front_matter(body.removeprefix("\ufeff"))
    if title := str(front.get("title") or "").strip():
        return title[:TITLE_MAX_LENGTH]
    fence = None
    previous = ""
    for line in text.splitlines():
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        elif match := ATX_HEADING.match(line):
            if match.group(1).strip():
                return match.group(1).strip()[:TITLE_MAX_LENGTH]
        elif previous.strip() and SETEXT_UNDERLINE.match(line) and not previous.startswith((" " * 4, "\t")):
            return previous.strip()[:TITLE_MAX_LENGTH]
        previous = line if not fence else ""
    return (path.stem or path.name)[:TITLE_MAX_LENGTH]
