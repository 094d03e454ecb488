"""A key of the user's own, kept outside every data folder (0600, in the user's state folder, 0700:
`~/.local/state/<slug>/` on Linux), that signs what the app keeps in a data folder and trusts at a
later launch. A data folder may be someone else's (a stick handed over, "here are my notes"), and
holds files of theirs: a kept start page with their script, the update metadata of their keys."""

import errno
import hashlib
import hmac
import secrets
from contextlib import suppress
from pathlib import Path

import platformdirs

from django_desktop_shell.files import durable_file

KEY_FILE = "signing.key"


def signature(slug: str, content: bytes) -> str:
    return hmac.new(user_key(slug), content, hashlib.sha256).hexdigest()


def signed_by_user(slug: str, content: bytes, given: str) -> bool:
    return hmac.compare_digest(signature(slug, content), given)


def key_folder(slug: str) -> Path:
    """Raises OSError, as a folder that cannot be written does, for a user with no home folder."""
    try:
        return Path(platformdirs.user_state_dir(slug, appauthor=False))
    except RuntimeError as error:  # no HOME, and no home in the password database (a container's uid)
        raise FileNotFoundError(errno.ENOENT, str(error)) from None


def user_key(slug: str) -> bytes:
    folder = key_folder(slug)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file = folder / KEY_FILE
    if not key_file.exists():
        with suppress(FileExistsError), durable_file(key_file, replace=False) as file:  # another launch won the race
            file.write(secrets.token_bytes(32))
    return key_file.read_bytes()
