"""Files dropped from the file manager: onto the editor, attached under their real names; anywhere
else in the window, opened as notes, as `notedesk FILE…` opens them. The page sends only the
names of the files dropped; the shell gives the paths the OS reported for them
(django_desktop_shell.native.take_dropped_files), and the server reads each file itself, within
the attachment limit, so a file's content never passes through the page's memory."""

from pathlib import Path

from django.conf import settings
from django.http import JsonResponse
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_POST

from django_desktop_shell import native
from embedded_site.notes.api import ApiError, api_view, json_object
from embedded_site.notes.attachments import display_name, save_attachment
from embedded_site.notes.models import Attachment, Note
from embedded_site.notes.serialize import attachment_payload
from embedded_site.notes.views import untrashed_note
from embedded_site.open_with.handlers import open_files
from embedded_site.open_with.text_files import RefusedFile, open_regular_file, quoted, unreadable

MAX_NAMES = 100
CHUNK = 1024 * 1024


@require_POST
@api_view
def attach_dropped_files(request, note_id):
    """{"names": [...]} → {"attachments": [...], "messages": [...], "unmatched": [names]}: the
    page uploads the unmatched ones itself (dropped from somewhere that gives no path)."""
    names = dropped_names(request)
    note = untrashed_note(request.user, note_id)
    attachments, messages, unmatched = [], [], []
    for name, path in zip(names, native.functions.take_dropped_files(names)):
        if path is None:
            unmatched.append(name)
            continue
        try:
            attachments.append(attachment_payload(attach_file(note, path, check=lambda: untrashed_note(request.user, note_id))))
        except RefusedFile as refusal:
            messages.append(str(refusal))
    return JsonResponse({"attachments": attachments, "messages": messages, "unmatched": unmatched})


@require_POST
@api_view
def open_dropped_files(request):
    """{"names": [...]} → what opening the files from outside gives (handlers.open_files: the notes,
    the imports started, a message for each file refused) and "unmatched": the names the window
    has no path for (dragged from a web page, say)."""
    names = dropped_names(request)
    paths = native.functions.take_dropped_files(names)
    opened = open_files([path for path in paths if path is not None])
    return JsonResponse({**opened, "unmatched": [name for name, path in zip(names, paths) if path is None]})


def dropped_names(request) -> list[str]:
    names = json_object(request).get("names")
    if not (isinstance(names, list) and 0 < len(names) <= MAX_NAMES and all(isinstance(name, str) and name for name in names)):
        raise ApiError(400, f"Send the names of the dropped files: a list of 1 to {MAX_NAMES} names.")
    if native.functions is None:
        raise ApiError(409, "Only the app's window gives the paths of dropped files: upload them instead.")
    return names


def attach_file(note: Note, path: Path, check=None) -> Attachment:
    limit = settings.NOTEDESK_MAX_ATTACHMENT_SIZE
    file, size = open_regular_file(path, "only files can be attached")
    with file:
        if size > limit:
            raise over_limit(path, size, limit)
        return save_attachment(note, display_name(path.name), chunks_within(file, path, limit), check)


def chunks_within(file, path: Path, limit: int):
    """The file's content, stopped (and so nothing kept: save_attachment removes what it wrote)
    if it has grown past the limit since it was measured."""
    read = 0
    while True:
        try:
            chunk = file.read(CHUNK)
        except OSError as error:
            raise unreadable(path, error) from None
        if not chunk:
            return
        read += len(chunk)
        if read > limit:
            raise over_limit(path, read, limit)
        yield chunk


def over_limit(path: Path, size: int, limit: int) -> RefusedFile:
    return RefusedFile(f"{quoted(path)} is {filesizeformat(size)}: larger than the limit of {filesizeformat(limit)} for an "
                       "attachment. It was not attached.")
