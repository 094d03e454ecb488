"""The one way the shell and its sites write a file: whole or not at all, even after a power cut
or a kill -9.

A file is written under a temporary name in its own folder (mode 0600), flushed and fsynced,
moved into place, and then the folder is fsynced, so that the move itself is on the disk too.
If anything fails on the way, the temporary file is removed: nothing half-written is left.
A file of no use after a power cut (synced=False: a launch's own key) skips both fsyncs: it is
still whole or not at all to every other process, and nothing waits for the disk.
"""

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

TEMPORARY_PREFIX = ".partial-"
# What a file system answers an operation it does not have: Linux's vfat EPERM, FUSE ones ENOSYS.
NOT_SUPPORTED = {errno.EPERM, errno.ENOSYS, errno.ENOTSUP}


@contextmanager
def durable_file(target: Path, *, replace: bool = True, synced: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write that becomes `target` once the block ends without an exception.

    With replace=False an existing `target` is kept and FileExistsError raised: of two processes
    creating the same file, the first one's content wins, whole."""
    with durable_path(target, replace=replace, synced=synced) as draft, draft.open("r+b") as file:
        yield file


@contextmanager
def durable_path(target: Path, *, replace: bool = True, synced: bool = True) -> Iterator[Path]:
    """As durable_file, for a writer that opens the file by its name (SQLite): the path of an
    empty file to write, which becomes `target` once the block ends without an exception."""
    fd, draft = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
    os.close(fd)
    try:
        yield Path(draft)
        if synced:
            fd = os.open(draft, os.O_RDWR)  # Windows's fsync needs a handle that may write
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if replace:
            os.replace(draft, target)
        else:
            publish_new(draft, target)
    finally:
        Path(draft).unlink(missing_ok=True)
    if synced:
        sync_folder(target.parent)


def publish_new(draft: str, target: Path) -> None:
    """Move `draft` to `target` unless `target` exists (FileExistsError). A hard link does it at
    once; FAT and exFAT (a USB stick) have none, and refuse it: there the check and the move are
    two steps, and of two processes racing through them the later one's file stays."""
    try:
        os.link(draft, target)
    except OSError as error:
        if isinstance(error, FileExistsError) or error.errno not in NOT_SUPPORTED:
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.replace(draft, target)


def make_private(path: Path | str, mode: int) -> None:
    """chmod `path` to `mode`. A file system without POSIX modes (FAT, exFAT: a USB stick) refuses
    it for a file the person owns, or ignores it: there every file has the modes the mount gives."""
    try:
        os.chmod(path, mode)
    except OSError as error:
        if error.errno not in NOT_SUPPORTED or os.stat(path).st_uid != os.getuid():
            raise


def write_file(target: Path, content: bytes, *, synced: bool = True) -> None:
    with durable_file(target, synced=synced) as file:
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
