"""When the data folder cannot take a write: the disk is full, the folder went read-only, another
program holds the database past the busy timeout, or the database file was deleted under the app.
None of these is a bug, and each is the person's to fix, so the answer says which it is (a 503:
nothing was saved, try again later) instead of "something went wrong"."""

import errno
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from django.conf import settings

from django_desktop_shell.settings import read_only_sqlite, sqlite_database

FULL = "The disk that holds your data is full, so nothing was saved. Free some space and try again."
READ_ONLY = (
    "The folder that holds your data has become read-only, so nothing was saved. "
    "Make it writable again (or restart the computer) and try again."
)
BUSY = "Another program is using the database, so nothing was saved. Try again in a moment."
DISK_ERROR = "Your data could not be written to the disk (a disk error), so nothing was saved. Check the disk."
NO_SHARED_MEMORY = (
    "The folder that holds your data is on a file system where SQLite cannot share its write-ahead log "
    "between connections (a network share, or a FUSE file system). Keep the data folder on a local disk: quit "
    "{app}, move the folder there, and start {app} with --data-dir naming it."
)
UNREACHABLE = ("The drive or network folder that holds your data cannot be reached (it was removed or disconnected), "
               "so nothing was saved. Copy what you wrote since elsewhere, connect it again, then quit {app} and start "
               "it again.")
REPLACED = (
    "The database file was replaced while {app} was running: a sync service (Dropbox, Syncthing, OneDrive…) or "
    "another program put another copy in its place, so nothing was saved, to keep the two from mixing. Copy what "
    "you wrote since elsewhere, then quit {app} and start it again: it opens the copy now in the folder."
)
GONE = ("The database file was moved or deleted while {app} was running, so nothing was saved. Quit {app}, "
        "put its data folder back, and start it again.")


# Each database file as the launch opened it, (st_dev, st_ino) by path: a file put in its place
# (a rename over it) is another file, while the app's connections still write to the first.
opened_files: dict[str, tuple[int, int]] = {}

# The last write the data folder refused: (time.monotonic(), why). A window that closes asks
# before it leaves an edit whose last save failed so (process/window.py).
last_refused_write: tuple[float, str] | None = None


def note_refused_write(problem: str) -> None:
    global last_refused_write
    last_refused_write = (time.monotonic(), problem)


def refused_write_since(moment: float) -> str | None:
    """Why a write was refused at or after `moment` (time.monotonic()), if one was."""
    refused = last_refused_write
    return refused[1] if refused and refused[0] >= moment else None


def note_opened(path: Path) -> None:
    status = path.stat()
    opened_files[str(path)] = (status.st_dev, status.st_ino)


def replaced_database() -> Path | None:
    """The database file another was put in place of since the launch opened it, if one was."""
    for path, opened in opened_files.items():
        try:
            status = Path(path).stat()
        except OSError:
            continue  # gone, or unreachable: a write says which
        if (status.st_dev, status.st_ino) != opened:
            return Path(path)
    return None


def needs_restart(problem: str) -> bool:
    """Whether `problem` lasts until the app is started again: its connections are to a file that
    is gone, or on a drive that is, so a save that waits for it to be fixed waits in vain."""
    return problem in {message.format(app=settings.DESKTOP_APP_NAME) for message in (UNREACHABLE, GONE, REPLACED)}


def storage_problem(error: BaseException) -> str | None:
    """The person's explanation of `error` if the data folder is what failed, else None."""
    cause = error.__cause__ if isinstance(error.__cause__, sqlite3.Error) else error
    code = getattr(cause, "sqlite_errorname", "")  # Django's DatabaseError wraps sqlite3's
    number = error.errno if isinstance(error, OSError) else None
    if code.startswith(("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN")) or isinstance(error, OSError):
        found = database_file_found()
        if found is None:
            return UNREACHABLE.format(app=settings.DESKTOP_APP_NAME)
        if not found and code:
            return GONE.format(app=settings.DESKTOP_APP_NAME)
    if no_shared_memory(error):
        return f"{NO_SHARED_MEMORY.format(app=settings.DESKTOP_APP_NAME)} Nothing was saved."
    if code == "SQLITE_FULL" or number in (errno.ENOSPC, errno.EDQUOT):
        return FULL
    if number == errno.EROFS:
        return READ_ONLY
    if code.startswith("SQLITE_READONLY"):
        # With the data folder and its databases writable, the write went to a database the project
        # opens read-only (shipped with the app): the app's own error, not the person's to fix.
        return probe_data_dir() or (None if databases_writable() else READ_ONLY)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return BUSY
    if code.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or number == errno.EIO:
        return probe_data_dir() or DISK_ERROR
    return None


def databases_writable() -> bool:
    """Whether this user may write each database file the app writes (a sync service or another
    program may have made one read-only)."""
    return all(os.access(file, os.W_OK) for file in written_database_files() if file.exists())


def written_database_files() -> list[Path]:
    return [Path(database["NAME"]) for database in settings.DATABASES.values()
            if sqlite_database(database) and not read_only_sqlite(database)]


def no_shared_memory(error: BaseException) -> bool:
    """SQLite could not map its `-shm` file: WAL cannot work in that folder, though the database is sound."""
    cause = error.__cause__ if isinstance(error.__cause__, sqlite3.Error) else error
    return getattr(cause, "sqlite_errorname", "").startswith("SQLITE_IOERR_SHM")


def database_file_found() -> bool | None:
    """Whether each database file the app writes is there; None if one's folder cannot be reached at
    all: its FUSE file system (an exFAT drive, a phone) ended with the drive pulled out, or a
    network share is gone."""
    for file in written_database_files():
        try:
            file.stat()
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError:
            return None
    return True


def probe_data_dir() -> str | None:
    """SQLite reports a write that failed on a file it holds open as a plain I/O error: find out
    whether the folder has gone read-only or full, or away (its FUSE driver gone: the file's
    details may still come from the kernel's cache)."""
    try:
        with tempfile.TemporaryFile(dir=settings.DESKTOP_DATA_DIR) as probe:
            probe.write(b"\0" * 4096)
            probe.flush()
    except OSError as error:
        if error.errno in (errno.ENOTCONN, errno.ESTALE, errno.ENODEV):
            return UNREACHABLE.format(app=settings.DESKTOP_APP_NAME)
        return {errno.EROFS: READ_ONLY, errno.ENOSPC: FULL, errno.EDQUOT: FULL}.get(error.errno)
    return None
