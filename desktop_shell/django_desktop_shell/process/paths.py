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
    return path
