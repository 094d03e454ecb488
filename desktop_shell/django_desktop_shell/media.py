"""Uploaded files (MEDIA_ROOT, which desktop_settings() puts in the data folder), served at
MEDIA_URL to the app's own window whatever DEBUG is.

Django serves them only with DEBUG on, through a line in the project's URLconf (`static()`), and a
packaged app has no other server: without this, a page's uploaded images show with --dev and
never in the shipped app. A project whose URLconf serves MEDIA_URL itself (a view that checks who
may see a file) keeps its views: the shell answers only the paths that URLconf does not match,
or matches only with a view that answers any path (a single-page app's catch-all).

A file shows in the page only if its type runs nothing (images, video, sound, PDF, plain text).
Every other file, SVG and HTML included, downloads as opaque bytes, so that no file someone uploaded
can run script in the app's origin, where it could use the app's session.

A request for part of a file (`Range: bytes=…`) gets that part: a <video>'s player asks so to
seek, and to play a large file without reading it from its start.
"""

import os
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, HttpResponse
from django.urls import Resolver404, resolve
from django.views.static import serve as static_serve
from django.utils._os import safe_join

from django_desktop_shell.errors import error_response, page_not_found

INLINE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".bmp": "image/bmp",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".mov": "video/quicktime",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
}
DOWNLOAD_TYPE = "application/octet-stream"
# Under the shell's own paths, which no site's URLconf has views for: only a view answering any
# path matches there.
OUTSIDE_ANY_SITE_PATH = "/_desktop/not-an-upload/"
# One range only: a player asks for one, and a server may answer any other Range with the whole file.
# Up to 18 digits (an exabyte): Python's int() refuses a number of thousands of digits.
ONE_BYTE_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")
PAST_THE_END = "past the end"


def served_type(name: str) -> tuple[str, bool]:
    """The Content-Type to serve a file with, and whether it may show inline."""
    content_type = INLINE_TYPES.get(os.path.splitext(name)[1].lower())
    return (content_type, True) if content_type else (DOWNLOAD_TYPE, False)


def shows_as_image(name: str) -> bool:
    """Whether a page may show the file of this name as an image."""
    content_type, inline = served_type(name)
    return inline and content_type.startswith("image/")


def media_prefix() -> str | None:
    """MEDIA_URL when it is a path on this server (not another host's URL, not unset)."""
    url = settings.MEDIA_URL or ""
    if url.startswith("/") and not url.startswith("//") and url != "/":
        return url
    return None


def site_serves(path: str, prefix: str) -> bool:
    """Whether the site's URLconf has a view of its own for `path`, under the media `prefix`.
    Django's `static()` helper (`urlpatterns += static(MEDIA_URL, …)`, there with DEBUG on, so with
    --dev) does not count: it would show an uploaded HTML file as a page of the app's origin, whose
    uploaded scripts the policy then lets run; the shell serves those files as it does without
    --dev. Nor does a view that answers any path at all, a single-page app's catch-all
    (`re_path(r"^.*$", spa)`): every uploaded image showed as the app's page instead."""
    try:
        match = resolve(path, settings.ROOT_URLCONF)
    except Resolver404:
        return False
    if match.func is static_serve:
        return False
    try:
        elsewhere = resolve(OUTSIDE_ANY_SITE_PATH + path[len(prefix):], settings.ROOT_URLCONF)
    except Resolver404:
        return True
    return (elsewhere.func, elsewhere.route) != (match.func, match.route)


def media_file(request, relative_path: str):
    """The file at `relative_path` under MEDIA_ROOT, for a GET or HEAD; 404 for anything else there."""
    if request.method not in ("GET", "HEAD"):
        refusal = error_response(request, 405, "Uploaded files can only be read here.")
        refusal["Allow"] = "GET, HEAD"
        return refusal
    try:
        path = Path(safe_join(settings.MEDIA_ROOT, relative_path))
    except SuspiciousFileOperation:
        path = None
    if path is None or not path.is_file():
        return page_not_found(request)
    return file_response(request, path.open("rb"), path.name)


def file_response(request, file, name: str) -> HttpResponse:
    """`file`, open for reading, as the file `name`: shown or downloaded as served_type() says,
    whole, or the part a `Range` header asks for (206): a video's player seeks so."""
    content_type, inline = served_type(name)
    size = file.seek(0, os.SEEK_END)
    # An If-Range names a version of the file; the shell gives none (no ETag, no Last-Modified), so
    # none matches, and HTTP then says to send the whole file.
    part = None if "If-Range" in request.headers else asked_part(request.headers.get("Range", ""), size)
    if part == PAST_THE_END:
        file.close()
        refusal = error_response(request, 416, f"The part asked for starts past the end of the file, "
                                               f"which has {size:,} bytes.")
        refusal["Content-Range"] = f"bytes */{size}"
        return refusal
    first, last = part or (0, size - 1)
    file.seek(first)
    answer = FileResponse(FilePart(file, last + 1), status=206 if part else 200, as_attachment=not inline,
                          filename=name, content_type=content_type)
    answer["Accept-Ranges"] = "bytes"
    if part:
        answer["Content-Range"] = f"bytes {first}-{last}/{size}"
    return answer


def asked_part(range_header: str, size: int) -> tuple[int, int] | str | None:
    """The first and last byte a Range header asks for, PAST_THE_END, or None for the whole file."""
    asked = ONE_BYTE_RANGE.fullmatch(range_header.strip())
    if asked is None or asked.groups() == ("", ""):
        return None
    first, last = asked.groups()
    if not first:  # the last N bytes
        return (max(size - int(last), 0), size - 1) if int(last) and size else PAST_THE_END
    if last and int(last) < int(first):
        return None
    if int(first) >= size:
        return PAST_THE_END
    return int(first), min(int(last), size - 1) if last else size - 1


class FilePart:
    """A file read from where it is up to `end` (not included) and no further. It is seekable, so
    waitress sends it from the file itself, without holding a thread for the time it takes."""

    def __init__(self, file, end: int):
        self.file, self.end = file, end

    def read(self, size: int = -1) -> bytes:
        left = max(self.end - self.file.tell(), 0)
        return self.file.read(left if size < 0 else min(size, left))

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END:
            return self.file.seek(self.end + offset)
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        self.file.close()
