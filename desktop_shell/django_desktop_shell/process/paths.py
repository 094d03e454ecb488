"""Where the app keeps the person's data: --data-dir, else <APP>_DATA_DIR, else the OS's
user data dir (platformdirs)."""

import errno
import os
import shlex
import tempfile
from pathlib import Path

import platformdirs
from filelock import FileLock, Timeout

from django_desktop_shell.files import make_private
from django_desktop_shell.identity import Identity
from django_desktop_shell.process.errors import DataFolderError

def resolve_data_dir(cli_value: str | None, identity: Identity) -> Path:
    # The variable's own $USER or $HOME is expanded here: /etc/environment, where an administrator
    # sets it for every user, does not expand variables, and each user's folder would be "$USER".
    chosen = cli_value or os.path.expandvars(os.environ.get(f"{identity.env_prefix}_DATA_DIR", ""))
    if chosen:
        try:
            return Path(chosen).expanduser().resolve()
        except RuntimeError:  # a ~ for a user with no home folder (a container's uid)
            raise DataFolderError(f"The data folder {chosen} is in the home folder, and this user has none: name a data "
                                  f"folder with a full path, with --data-dir DIR, or {identity.env_prefix}_DATA_DIR for "
                                  "every launch.") from None
    return default_data_dir(identity)


def default_data_dir(identity: Identity) -> Path:
    try:
        return Path(platformdirs.user_data_dir(identity.name, appauthor=False, roaming=True))
    except RuntimeError:  # no HOME, and no home in the password database (a container's uid)
        raise DataFolderError(f"This user has no home folder, where {identity.name} keeps its data unless told: name "
                              f"a data folder with --data-dir DIR, or {identity.env_prefix}_DATA_DIR for every launch.") from None


def shown_default_data_dir(identity: Identity) -> str:
    try:
        return shown(default_data_dir(identity))
    except DataFolderError:
        return "none: this user has no home folder"


def home_folder() -> Path | None:
    """The user's home folder; None for a user with none (no HOME, no home in the password
    database: a container's uid), for whom Path.home() raises."""
    try:
        return Path.home()
    except RuntimeError:
        return None


def shown(path: Path) -> str:
    """The path as a person reads it: their home folder as ~."""
    home = Path.home()
    return str(Path("~") / path.relative_to(home)) if path.is_relative_to(home) else str(path)


def prepare_data_dir(path: Path) -> Path:
    """Make sure the data dir exists (mode 0700) and is writable; fail with one clear line."""
    if not path.exists():
        try:
            path.mkdir(mode=0o700, parents=True)
        except OSError as error:
            raise DataFolderError(f"Cannot create the data folder {path}: {error.strerror}.") from None
    if not path.is_dir():
        raise DataFolderError(f"The data folder {path} is not a folder.")
    try:
        make_private(path, 0o700)
        with tempfile.TemporaryFile(dir=path) as probe:
            probe.write(b"\0" * 4096)  # a full disk still makes an empty file
            probe.flush()
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DataFolderError(f"The disk that holds the data folder {path} is full: free some space on it, "
                                  "then start again.") from None
        raise DataFolderError(f"Cannot write to the data folder {path}: {error.strerror}.") from None
    refuse_unusable_entries(path)
    return path


def refuse_a_disk_that_cannot_lock_files(data_dir: Path, identity: Identity) -> None:
    """Raise DataFolderError if the data folder's disk refuses a file lock (NFS without its lock
    service: ENOLCK; sshfs: EOPNOTSUPP), which a launch and a management command take so that two
    never write the folder at once."""
    lock = FileLock(data_dir / "instance.lock")
    try:
        lock.acquire(blocking=False)
    except Timeout:
        return  # a running launch holds it: the disk locks files
    except OSError as error:
        raise DataFolderError(
            f"The data folder {data_dir} is on a disk that cannot lock files ({error.strerror}), which {identity.name} "
            "needs so that two launches never write it at once: keep the data folder on a local disk "
            f"(--data-dir DIR, or {identity.env_prefix}_DATA_DIR for every launch), or have the file server's "
            "locking turned on (NFS: its lock service, rpc.statd)."
        ) from None
    lock.release()


def refuse_unusable_entries(folder: Path) -> None:
    """Raise DataFolderError for a symbolic link anywhere in `folder` (none is followed), a file or
    folder at its top that another user owns, or a folder in it that cannot be read. (Deeper, an
    owner is not looked at: 20,000 attachments took 0.07 s more at each launch. A launch with sudo
    replaces files at the top, instance.key and the database's -wal; a copy with sudo owns them all.)

    A data folder made by someone else (on a stick) with `exports` a link to the person's
    documents, or its log a link to their ~/.bashrc, had the launch delete the documents (an earlier
    run's exports, it thought) and write its log into .bashrc. A data folder copied back with sudo
    (a restored backup), or used once by a launch with sudo, holds root's files, which the app can
    neither replace nor, in a folder, read: the launch stopped on "Unexpected error:
    PermissionError: [Errno 13] Permission denied: '…/imports'", with no log and nothing to do."""
    mine = os.getuid() if hasattr(os, "getuid") else None  # Windows: no owners to compare
    folders = [(folder, 0)]
    while folders:
        current, depth = folders.pop()
        try:
            entries = list(os.scandir(current))
        except PermissionError as error:
            raise DataFolderError(f"Cannot read {current} in the data folder {folder}: {error.strerror}. "
                                  + give_back(folder)) from None
        for entry in entries:
            if entry.is_symlink():
                target = Path(os.path.realpath(entry.path))
                raise DataFolderError(
                    f"The data folder {folder} holds a symbolic link, {entry.path} → {target}: the app writes and "
                    f"deletes files in its data folder, and through the link would do so in {target}. Remove the link "
                    "(a data folder someone else made may hold others), then start again.")
            owner = entry.stat(follow_symlinks=False).st_uid if mine is not None and depth == 0 else mine
            if owner != mine:
                raise DataFolderError(
                    f"The data folder {folder} holds {entry.path}, which belongs to another user ({user_name(owner)}): "
                    "the app could not change it. It happens when the app was run with sudo, or the folder was copied "
                    f"back with sudo. {give_back(folder)}")
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, depth + 1))


def give_back(folder: Path) -> str:
    quoted, user = shlex.quote(str(folder)), known_user_name(os.getuid()) or os.getuid()
    return (f"Make it yours again with `sudo chown -R {user} {quoted} && chmod -R u+rwX {quoted}` "
            "(nothing in it is changed but its owner and modes), then start again.")


def user_name(uid: int) -> str:
    return known_user_name(uid) or f"user id {uid}"


def known_user_name(uid: int) -> str | None:
    """None for a user id the system has no name for (a container's): getpass.getuser() raised
    there, and the launch said "Unexpected error" instead of how to give the folder back."""
    import pwd  # POSIX only, as owners are

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None
