"""Background import and export (jobs.py) over the API: start, follow, cancel, download.

In the app's window the person picks files with the OS's own dialogs (django_desktop_shell.native);
in a browser an export is downloaded and an import uploaded.
"""

import shutil
import tempfile
from pathlib import Path

from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from django_desktop_shell import native
from embedded_site.notes import jobs
from embedded_site.notes.api import ApiError, api_view, json_object, valid
from embedded_site.notes.forms import ExportJobForm, ImportJobForm
from embedded_site.notes.importing import imports_folder
from django_desktop_shell.uploads import upload_view

DIALOG_FILE_TYPES = {
    "json": ("Notedesk export (*.json)",),
    "markdown": ("Zip of Markdown notes (*.zip)",),
    "import": ("Notes from Notedesk or another app (*.json;*.zip;*.jex;*.txt;*.tgz;*.tar.gz)",),
}


def native_functions() -> native.NativeFunctions:
    if native.functions is None:
        raise ApiError(400, "File dialogs are only available in the Notedesk window.")
    return native.functions


def existing_job(owner, job_id: str) -> jobs.Job:
    job = jobs.find_job(owner, job_id)
    if job is None:
        raise ApiError(404, "There is no such import or export (it may have finished long ago).")
    return job


@require_POST
@api_view
def start_export(request):
    choice = valid(ExportJobForm(json_object(request)))
    destination = None
    if choice["destination"] == "dialog":
        extension = jobs.EXPORTERS[choice["format"]][1]
        destination = native_functions().choose_save_path(
            f"notedesk-{timezone.localdate():%Y-%m-%d}.{extension}", DIALOG_FILE_TYPES[choice["format"]]
        )
        if destination is None:
            return HttpResponse(status=204)  # the person closed the dialog
    return JsonResponse(jobs.start_export(request.user, choice["format"], destination, choice["notes"]).payload(), status=202)


@require_POST
@api_view
@upload_view("NOTEDESK_MAX_IMPORT_SIZE")
def start_upload_import(request):
    copies = []
    try:
        for upload in valid(ImportJobForm(request.POST, request.FILES))["file"]:
            # Its suffix kept: a .jex that is no tar is refused as no Joplin export.
            with tempfile.NamedTemporaryFile(dir=imports_folder(), suffix=upload_suffix(upload.name), delete=False) as copy:
                copies.append(Path(copy.name))
                shutil.copyfileobj(upload, copy)
    except BaseException:  # a full disk: the middleware says so; what was copied goes
        for copied in copies:
            copied.unlink(missing_ok=True)
        raise
    return JsonResponse(jobs.start_import(request.user, *copies, remove_source=True).payload(), status=202)


def upload_suffix(name: str) -> str:
    suffix = Path(name).suffix
    return suffix if suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 10 else ""


@require_POST
@api_view
def start_dialog_import(request):
    sources = native_functions().choose_open_paths(DIALOG_FILE_TYPES["import"])  # several: an export's parts
    if not sources:
        return HttpResponse(status=204)
    return JsonResponse(jobs.start_import(request.user, *sources, remove_source=False).payload(), status=202)


@require_http_methods(["GET", "DELETE"])
@api_view
def job_detail(request, job_id):
    job = existing_job(request.user, job_id)
    if request.method == "DELETE":
        jobs.cancel(job)
    return JsonResponse(job.payload())


@require_GET
@api_view
def job_file(request, job_id):
    job = existing_job(request.user, job_id)
    if job.output is None or not job.output.exists():
        raise ApiError(409, "This export has no file to download (yet).")
    filename = f"notedesk-{timezone.localdate():%Y-%m-%d}{job.output.suffix}"
    return FileResponse(job.output.open("rb"), as_attachment=True, filename=filename)
