"""Multipart uploads with a size limit that holds whatever the client declares.

A body whose Content-Length is already too large is refused before a byte of it is read. Any
other is parsed with SizeLimitedUploadHandler first in line, which stops the parser as soon as
the files pass the limit; the parser then closes the partial files (temporary files included),
so nothing is kept.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig, SuspiciousOperation, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MAX_TOTAL_HEADER_SIZE, MultiPartParserError
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from django_desktop_shell.errors import RequestRefused, size_in_english
from django_desktop_shell.settings import MULTIPART_OVERHEAD
# Django reads at most MAX_TOTAL_HEADER_SIZE (1 KB) of headers for each part of a multipart body.
# A file's name is the only long thing in them: past it, the name is what to shorten.
PART_HEADERS_TOO_LONG = "Request max total header size exceeded."


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of all the files in a request, and stops the parser past `limit`."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler in line keeps the file


def too_large(limit: int) -> RequestRefused:
    return RequestRefused(413, f"The file is larger than the limit of {size_in_english(limit)}.")


def parse_upload(request, limit: int) -> None:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + MULTIPART_OVERHEAD:
        raise too_large(limit)
    handler = SizeLimitedUploadHandler(request, limit)
    request.upload_handlers.insert(0, handler)
    try:
        request.FILES  # reading it parses the body: here, under the limit
    except RequestDataTooBig:
        raise RequestRefused(413, "The form fields of the upload are too large.") from None
    except MultiPartParserError as error:
        if str(error) == PART_HEADERS_TOO_LONG:
            raise RequestRefused(400, f"The file's name is too long to upload: with it, the headers of its part of the "
                                      f"upload pass {MAX_TOTAL_HEADER_SIZE} bytes. Rename the file with a shorter name "
                                      "and try again.") from None
        raise unreadable_upload() from None
    except TooManyFilesSent:
        raise RequestRefused(400, f"The upload holds more files than the {settings.DATA_UPLOAD_MAX_NUMBER_FILES} one "
                                  "upload may hold. Send them in smaller groups.") from None
    except SuspiciousOperation:
        raise unreadable_upload() from None
    if handler.exceeded:
        raise too_large(limit)


def unreadable_upload() -> RequestRefused:
    return RequestRefused(400, "The upload could not be read. Send it as multipart/form-data.")


def upload_view(limit_setting: str):
    """Decorate a view that receives files, at most settings.<limit_setting> bytes in all.

    The body must be parsed here, before CSRF middleware reads request.POST with the default
    handlers; so the view is exempt from the middleware and checked by csrf_protect instead,
    once the upload is parsed (the pattern Django's file-upload docs give). An upload refused
    (too large, unreadable) raises RequestRefused, which the shell's middleware answers.
    """

    if not isinstance(getattr(settings, limit_setting, None), int):
        raise ImproperlyConfigured(f"upload_view({limit_setting!r}) names a setting that is not set: give "
                                   f"{limit_setting} in the settings the most, in bytes, the files of one upload may take.")

    def decorator(view):
        protected_view = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def parsing_upload_first(request, *args, **kwargs):
            parse_upload(request, getattr(settings, limit_setting))
            return protected_view(request, *args, **kwargs)

        return parsing_upload_first

    return decorator
