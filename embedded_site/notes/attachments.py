"""Attachment files: stored under generated names, served with a safe type and disposition."""

import os
import unicodedata
import uuid

from django.core.files.uploadedfile import UploadedFile

from embedded_site.notes.models import ATTACHMENT_NAME_MAX_LENGTH, Attachment, Note

FALLBACK_NAME = "attachment"
MAX_KEPT_EXTENSION = 16  # a longer "extension" is cut like the rest of the name
# Types a browser shows without running anything; every other file downloads as opaque bytes
# (SVG and HTML, which can carry scripts, included).
INLINE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
}
DOWNLOAD_TYPE = "application/octet-stream"


def display_name(client_name: str) -> str:
    """The client's file name, made safe to show and to send back in a header: no folders, and
    no control or format characters (right-to-left overrides can disguise an extension)."""
    name = unicodedata.normalize("NFC", client_name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C")).strip()
    if name in ("", ".", ".."):
        return FALLBACK_NAME
    stem, extension = os.path.splitext(name)
    if len(extension) > MAX_KEPT_EXTENSION:
        stem, extension = name, ""
    return stem[: ATTACHMENT_NAME_MAX_LENGTH - len(extension)] + extension


def served_type(name: str) -> tuple[str, bool]:
    """The Content-Type to serve a file with, and whether it may show inline."""
    content_type = INLINE_TYPES.get(os.path.splitext(name)[1].lower())
    return (content_type, True) if content_type else (DOWNLOAD_TYPE, False)


def store_attachment(note: Note, upload: UploadedFile) -> Attachment:
    storage = Attachment.file.field.storage
    stored_name = uuid.uuid4().hex
    try:
        stored_name = storage.save(stored_name, upload)
        return Attachment.objects.create(
            note=note, name=display_name(upload.name), file=stored_name, size=upload.size
        )
    except BaseException:
        storage.delete(stored_name)  # a file cut short by a full disk, too
        raise
