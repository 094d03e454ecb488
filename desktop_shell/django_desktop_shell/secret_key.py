"""Per-install secrets, generated on first run and kept (mode 0600) in the data folder: the
SECRET_KEY, and the label of the host name a browser reaches the app at."""

import re
import secrets
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from django.core.management.utils import get_random_secret_key

from django_desktop_shell.files import durable_file

HOST_LABEL = re.compile(r"[0-9a-f]{24}")
# What a run that keeps nothing (--diagnose) made in place of each file: the settings and the checks
# of them must see one host label, not one each.
made_for_this_run: dict[Path, str] = {}


def load_or_create_secret_key(path: Path, *, keep: bool = True) -> str:
    return per_install_value(path, get_random_secret_key, keep=keep)


def load_or_create_host_label(path: Path, *, keep: bool = True) -> str:
    """96 random bits in hex: a DNS label no other site or app shares, and none can guess. A file
    that holds anything else is written anew: a data folder someone else made, whose `host_label`
    read `127.0.0.1:9999/x?`, had the launch URL take its token to the server on port 9999."""
    label = per_install_value(path, new_host_label, keep=keep)
    if HOST_LABEL.fullmatch(label):
        return label
    if not keep:
        return made_for_this_run.setdefault(path, new_host_label())
    with durable_file(path) as file:
        file.write(new_host_label().encode("ascii"))
    return path.read_text(encoding="ascii").strip()


def new_host_label() -> str:
    return secrets.token_hex(12)


def per_install_value(path: Path, make: Callable[[], str], *, keep: bool = True) -> str:
    """The value kept in `path`; on first use, made by `make` and written there whole (unless not
    `keep`: then made for this run alone)."""
    if not path.exists():
        if not keep:
            return made_for_this_run.setdefault(path, make())
        with suppress(FileExistsError), durable_file(path, replace=False) as file:  # another process won the race
            file.write(make().encode("ascii"))
    return path.read_text(encoding="ascii").strip()
