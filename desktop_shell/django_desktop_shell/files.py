"""The one way the shell and its sites write a file: whole or not at all, even after a power cut
or a kill -9.

A file is written under a temporary name in its own folder (mode 0600), flushed and fsynced,
moved into place, and then the folder is fsynced, so that the move itself is on the disk too.
If anything fails on the way, the temporary file is removed: nothing half-written is left.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

TEMPORARY_PREFIX = ".partial-"


@contextmanager
def durable_file(target: Path, *, replace: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write that becomes `target` once the block ends without an exception.

    With replace=False an existing `target` is kept and FileExistsError raised: of two processes
    creating the same file, the first one's content wins, whole."""
    with durable_path(target, replace=replace) as draft, draft.open("r+b") as file:
        yield file


@contextmanager
def durable_path(target: Path, *, replace: bool = True) -> Iterator[Path]:
    """As durable_file, for a writer that opens the file by its name (SQLite): the path of an
    empty file to write, which becomes `target` once the block ends without an exception."""
    fd, draft = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
    os.close(fd)
    try:
        yield Path(draft)
        fd = os.open(draft, os.O_RDWR)  # Windows's fsync needs a handle that may write
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(draft, target)
        else:
            os.link(draft, target)
    finally:
        Path(draft).unlink(missing_ok=True)
    sync_folder(target.parent)


def write_file(target: Path, content: bytes) -> None:
    with durable_file(target) as file:
        file.write(content)


def sync_folder(folder: Path) -> None:
    # Windows cannot open a folder to fsync it; NTFS journals the rename itself.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
