"""Attachment contents by SHA-256, as sync moves them (docs/sync.md): found in an attachment of
the owner's that has it, or in the owner's arrival area, where a content waits from the moment it
arrived (an upload on the server, a download on a device) until a note names it."""

import hashlib
import tempfile
from collections.abc import Iterable, Iterator

from django.core.files.base import File
from django.db import transaction

from embedded_site.notes.models import Attachment

CHUNK = 1024 * 1024


class ContentMismatch(ValueError):
    """What arrived is not the content its hash names."""


def storage():
    return Attachment.file.field.storage


def arrivals_folder(owner) -> str:
    return f"sync-arrivals/{owner.pk}"


def arrival_name(owner, sha256: str) -> str:
    return f"{arrivals_folder(owner)}/{sha256}"


def has_content(owner, sha256: str) -> bool:
    return find_content(owner, sha256) is not None


def find_content(owner, sha256: str) -> str | None:
    """The stored name of a file holding this content, or None."""
    for name in Attachment.objects.owned_by(owner).filter(sha256=sha256).values_list("file", flat=True):
        if storage().exists(name):
            return name
    name = arrival_name(owner, sha256)
    return name if storage().exists(name) else None


def content_chunks(name: str) -> Iterator[bytes]:
    with storage().open(name, "rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk


def receive(owner, sha256: str, chunks: Iterable[bytes]) -> None:
    """Keep the content in the arrival area if it hashes to `sha256`; ContentMismatch if not."""
    if has_content(owner, sha256):
        for _ in chunks:  # read to the end all the same: the request's body is consumed
            pass
        return
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=CHUNK) as received:
        for chunk in chunks:
            digest.update(chunk)
            received.write(chunk)
        if digest.hexdigest() != sha256:
            raise ContentMismatch(
                f"The content does not match its SHA-256 {sha256}: it was changed or cut short on the way."
            )
        received.seek(0)
        storage().save(arrival_name(owner, sha256), File(received))


def forget_arrivals(owner, sha256s: Iterable[str]) -> None:
    """Once the caller's transaction commits, delete the arrivals that an attachment now holds."""
    names = [arrival_name(owner, sha256) for sha256 in sha256s]
    transaction.on_commit(lambda: [storage().delete(name) for name in names if storage().exists(name)])
