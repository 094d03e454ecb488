"""Where the app keeps the person's data: --data-dir, else <APP>_DATA_DIR, else the OS's
user data dir (platformdirs)."""

import errno
import os
import tempfile
from pathlib import Path

import platformdirs

from django_desktop_shell.files import make_private
from django_desktop_shell.identity import Identity
from django_desktop_shell.process.errors import DataFolderError

def resolve_data_dir(cli_value: str | None, identity: Identity) -> Path:
    chosen = cli_value or os.environ.get(f"{identity.env_prefix}_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return default_data_dir(identity)


def default_data_dir(identity: Identity) -> Path:
    return Path(platformdirs.user_data_dir(identity.name, appauthor=False, roaming=True))


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
    if link := symbolic_link_in(path):
        target = Path(os.path.realpath(link))
        raise DataFolderError(
            f"The data folder {path} holds a symbolic link, {link} → {target}: the app writes and deletes files in its "
            f"data folder, and through the link would do so in {target}. Remove the link (a data folder someone else "
            "made may hold others), then start again.")
    return path


def symbolic_link_in(folder: Path) -> Path | None:
    """A symbolic link anywhere in `folder` (none is followed), or None. A data folder made by
    someone else (on a stick) with `exports` a link to the person's documents, or its log a link
    to their ~/.bashrc, had the launch delete the documents (an earlier run's exports, it thought)
    and write its log into .bashrc."""
    folders = [folder]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    return Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
    return None
