"""Imports from other apps over the API (docs/api.md): a folder of Markdown files (uploaded as a
zip, or chosen in the window's folder dialog) or an Evernote export, as background jobs (jobs.py)."""

import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

from django import forms
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from django_desktop_shell.uploads import upload_view
from embedded_site.notes import jobs
from embedded_site.notes.api import api_view, json_object, valid
from embedded_site.notes.importing import imports_folder, is_notedesk_markdown_zip
from embedded_site.notes.forms import JsonChoiceField
from embedded_site.notes.job_views import native_functions

SOURCE_CHOICES = [("markdown-folder", "a folder of Markdown files (zipped)"), ("enex", "an Evernote export (.enex)")]
DIALOG_FILE_TYPES = {"enex": ("Evernote export (*.enex)",)}


class ForeignSourceForm(forms.Form):
    source = JsonChoiceField(choices=SOURCE_CHOICES)


class ForeignUploadForm(ForeignSourceForm):
    file = forms.FileField()


def start_foreign_import(owner, kind: str, source: Path, *, remove_source: bool) -> jobs.Job:
    """Read the source (a folder, a zip file, an .enex file) in a job, then import its notes."""
    from embedded_site.notes.foreign_import import read_enex

    def work(job: jobs.Job) -> None:
        try:
            if kind == "markdown-folder":
                if not imported_as_notedesk_export(owner, job, source):
                    jobs.import_other_apps_source(owner, job, source)
                return
            # An Evernote note's attached files are decoded into the spool as the export is read, and
            # read from it as they are written.
            with ExitStack() as open_files:
                try:
                    spool = open_files.enter_context(tempfile.TemporaryFile(dir=imports_folder()))
                    with source.open("rb") as file:
                        found = read_enex(file, spool)
                except OSError as error:
                    raise jobs.unreadable(source, error) from None
                jobs.import_records(owner, job, found.records)
                job.result.update(found.result())
        finally:
            if remove_source:
                source.unlink(missing_ok=True)

    return jobs.start(jobs.Job(kind="import", owner_id=owner.pk), work)


def imported_as_notedesk_export(owner, job: jobs.Job, source: Path) -> bool:
    """Notedesk's own Markdown export, zipped or extracted into a folder: imported as one, by its
    notes' uids, not as new notes. False, with nothing done, for another source."""
    from embedded_site.notes.foreign_import import zipped_notedesk_export

    if not source.is_dir():
        if not is_notedesk_markdown_zip(source):
            return False
        jobs.import_export_file(owner, job, source)
        return True
    with tempfile.TemporaryDirectory(dir=imports_folder()) as work_folder:
        try:
            zipped = zipped_notedesk_export(source, Path(work_folder) / "export.zip")
        except OSError as error:
            raise jobs.unreadable(source, error) from None
        if zipped is None:
            return False
        jobs.import_export_file(owner, job, zipped)
        return True


@require_POST
@api_view
@upload_view("NOTEDESK_MAX_IMPORT_SIZE")
def start_foreign_upload(request):
    choice = valid(ForeignUploadForm(request.POST, request.FILES))
    with tempfile.NamedTemporaryFile(dir=imports_folder(), delete=False) as copy:
        try:
            shutil.copyfileobj(choice["file"], copy)
        except BaseException:
            Path(copy.name).unlink()
            raise
    return JsonResponse(start_foreign_import(request.user, choice["source"], Path(copy.name), remove_source=True).payload(), status=202)


@require_POST
@api_view
def start_foreign_dialog(request):
    kind = valid(ForeignSourceForm(json_object(request)))["source"]
    # In the window a vault is picked as the folder it is; a browser uploads a zip of it.
    chooser = native_functions()
    path = chooser.choose_folder() if kind == "markdown-folder" else chooser.choose_open_path(DIALOG_FILE_TYPES[kind])
    if path is None:
        return HttpResponse(status=204)
    return JsonResponse(start_foreign_import(request.user, kind, path, remove_source=False).payload(), status=202)
