"""Files that are on the disk whole or not at all, even after a power cut or a kill -9.

A file is written under a temporary name in its own folder, flushed and fsynced, renamed into
place, and then the folder is fsynced, so that the rename itself is on the disk too. If anything
fails on the way, the temporary file is removed: nothing half-written is left.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

TEMPORARY_PREFIX = ".notedesk-partial-"


@contextmanager
def durable_file(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write that becomes `target` once the block ends without an exception."""
    fd, draft = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(draft, target)
    except BaseException:
        Path(draft).unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    # Windows cannot open a folder to fsync it; NTFS journals the rename itself.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
