"""The per-install SECRET_KEY, generated on first run and kept (mode 0600) in the data dir."""

import os
import tempfile
from pathlib import Path

from django.core.management.utils import get_random_secret_key


def load_or_create_secret_key(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(get_random_secret_key())
            file.flush()
            os.fsync(file.fileno())
        # link() publishes the complete file or fails if another process won the race.
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(draft)
    return path.read_text(encoding="ascii").strip()
