"""The per-install SECRET_KEY, generated on first run and kept (mode 0600) in the data folder."""

from contextlib import suppress
from pathlib import Path

from django.core.management.utils import get_random_secret_key

from django_desktop_shell.files import durable_file


def load_or_create_secret_key(path: Path) -> str:
    if not path.exists():
        with suppress(FileExistsError), durable_file(path, replace=False) as file:  # another process won the race
            file.write(get_random_secret_key().encode("ascii"))
    return path.read_text(encoding="ascii").strip()
