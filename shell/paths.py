"""Where Notedesk keeps the person's data: --data-dir, else NOTEDESK_DATA_DIR, else the OS's
user data dir (platformdirs)."""

import os
import tempfile
from pathlib import Path

import platformdirs

from shell.errors import StartupError

APP_NAME = "Notedesk"


def resolve_data_dir(cli_value: str | None) -> Path:
    chosen = cli_value or os.environ.get("NOTEDESK_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True))


def prepare_data_dir(path: Path) -> Path:
    """Make sure the data dir exists (mode 0700) and is writable; fail with one clear line."""
    if not path.exists():
        try:
            path.mkdir(mode=0o700, parents=True)
        except OSError as error:
            raise StartupError(f"Cannot create the data folder {path}: {error.strerror}.") from None
    if not path.is_dir():
        raise StartupError(f"The data folder {path} is not a folder.")
    try:
        os.chmod(path, 0o700)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise StartupError(f"Cannot write to the data folder {path}: {error.strerror}.") from None
    return path
