"""Long imports and exports as background jobs.

A job runs one of the progress generators (exporting.py, importing.py) in its own thread; the
page polls it for progress and may cancel it, which closes the generator between two batches.
An export is written to a temporary file beside its destination and moved into place only when
complete (the shell's durable_file), so a cancelled or failed export never leaves half a file behind. A full
disk is named as such, with the place that is full.
"""

import errno
import logging
import secrets
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from django_desktop_shell.files import durable_file
from embedded_site.notes.exporting import ExportError, export_json, export_markdown
from embedded_site.notes.importing import (
    ImportFileError, import_notes, imports_folder, is_notedesk_markdown_zip, read_import_file,
)
from embedded_site.notes.progress import Progress
from django_desktop_shell.storage_errors import BUSY, DISK_ERROR, FULL, READ_ONLY, storage_problem

logger = logging.getLogger(__name__)
JOBS_KEPT = 20
TAGS_SAID = 3  # of an import's notes, in its result
EXPORTERS: dict[str, tuple[Callable[[BinaryIO], Iterator[Progress]], str]] = {
    "json": (export_json, "json"),
    "markdown": (export_markdown, "zip"),
}


class JobError(Exception):
    """The job cannot go on; the message says why, for the person."""


class JobCancelled(Exception):
    """The person cancelled the job; raised between two of its steps."""


@dataclass
class Job:
    kind: str
    owner_id: int  # whose notes it reads or writes; only they can see it
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    state: str = "running"  # running, done, failed or cancelled
    done: int = 0
    total: int = 0
    result: dict = field(default_factory=dict)
    error: str = ""
    output: Path | None = None  # the finished export, for a browser to download
    cancel_requested: threading.Event = field(default_factory=threading.Event)

    def payload(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "state": self.state, "done": self.done, "total": self.total,
            "result": self.result, "error": self.error,
        }


jobs: OrderedDict[str, Job] = OrderedDict()
jobs_lock = threading.Lock()


def find_job(owner, job_id: str) -> Job | None:
    with jobs_lock:
        job = jobs.get(job_id)
    return job if job is not None and job.owner_id == owner.pk else None


def start(job: Job, work: Callable[[Job], None]) -> Job:
    with jobs_lock:
        jobs[job.id] = job
        while len(jobs) > JOBS_KEPT:
            forget(jobs.popitem(last=False)[1])
    # The request's zone, the person's on a server (embedded_site/time_zones.py), is the job's too.
    zone = timezone.get_current_timezone()
    threading.Thread(target=run, args=(job, work, zone), name=f"notedesk-{job.kind}", daemon=True).start()
    return job


def forget(job: Job) -> None:
    if job.output:
        job.output.unlink(missing_ok=True)


def run(job: Job, work: Callable[[Job], None], zone: tzinfo) -> None:
    timezone.activate(zone)
    try:
        work(job)
        job.state = "done"
    except JobCancelled:
        job.state = "cancelled"
    except (ImportFileError, ExportError, JobError) as error:
        job.state, job.error = "failed", str(error)
    except Exception:
        logger.exception("The %s job failed", job.kind)
        job.state, job.error = "failed", f"The {job.kind} failed unexpectedly. The log file has the details."
    finally:
        connection.close()  # this thread's own DB connection


def follow(job: Job, steps: Iterator[Progress]) -> Progress:
    """Record each step's progress on the job; if it is cancelled, close `steps` and raise
    JobCancelled."""
    for last in steps:
        job.done, job.total = last.done, last.total
        if job.cancel_requested.is_set():
            steps.close()
            raise JobCancelled
    return last


def is_disk_full(error: OSError) -> bool:
    return error.errno in (errno.ENOSPC, errno.EDQUOT)


def remove_job_leftovers() -> int:
    """Delete what the jobs of an earlier run left in the data folder: uploads waiting for their
    import, an import's decoded files, exports never downloaded (a run cut short by a crash or
    kill -9 left them for good). Jobs live as long as their process, so at a desktop's start,
    before serving, none of these is in use."""
    removed = 0
    for folder in (imports_folder(), exports_folder()):
        for path in folder.iterdir():
            if path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def exports_folder() -> Path:
    exports = Path(settings.DESKTOP_DATA_DIR) / "exports"
    exports.mkdir(mode=0o700, exist_ok=True)
    return exports


def start_export(owner, export_format: str, destination: Path | None, chosen: list[int] | None = None) -> Job:
    """Export the owner's notes (those of the `chosen` ids alone, if given) to `destination` (a
    path the person chose), or, with None, to a file to download."""
    exporter, extension = EXPORTERS[export_format]
    job = Job(kind="export", owner_id=owner.pk)
    target = destination or exports_folder() / f"{job.id}.{extension}"

    def work(job: Job) -> None:
        try:
            with durable_file(target) as file:
                finished = follow(job, exporter(owner, file, chosen))
        except OSError as error:
            if is_disk_full(error):
                raise JobError(
                    f"The disk is full: there is no room for the export in {target.parent}. "
                    "Nothing was written there. Free some space, or choose another place, and export again."
                ) from None
            raise JobError(f"Cannot write to {target.parent}: {error.strerror}.") from None
        job.result = {"notes": finished.total, "path": str(target) if destination else ""}
        job.output = None if destination else target

    return start(job, work)


NOT_A_JEX = ("This .jex file is not a Joplin export: Joplin writes one as a tar archive, and this is none (cut short, "
             "or another file renamed?). Nothing was imported. Export it from Joplin again (File › Export all › JEX).")


# Why an import stopped part-way, and what the person can do, for each storage_problem().
IMPORT_STOPPED_BY = {
    FULL: ("The disk that holds your notes ({data_dir}) is full", "Free some space"),
    READ_ONLY: ("The folder that holds your notes ({data_dir}) has become read-only", "Make it writable again"),
    BUSY: ("Another program is using the notes database", "Close that program, or wait a moment,"),
    DISK_ERROR: ("The notes could not be written to the disk ({data_dir}): a disk error", "Check the disk"),
}


def start_import(owner, *sources: Path, remove_source: bool) -> Job:
    """Import the file at `source` into the owner's notes, or the parts of one export (Google
    Takeout's or Notion's) chosen together, read as one; `remove_source` for an uploaded copy that
    is ours to delete. A zip of another app's Markdown files (an Obsidian vault) or a tar (Joplin's
    .jex) is read as Import Markdown… reads it, as opening it with Notedesk does (open_with.handlers)."""

    from embedded_site.notes.foreign_import import is_notion_or_keep_zip, is_tar

    def work(job: Job) -> None:
        try:
            if len(sources) == 1 and sources[0].suffix.lower() == ".jex" and not is_tar(sources[0]):
                raise JobError(NOT_A_JEX)
            if all(map(is_notion_or_keep_zip, sources)) or (
                    len(sources) == 1 and (is_tar(sources[0]) or is_notedesk_markdown_zip(sources[0]) is False)):
                import_other_apps_source(owner, job, *sources)
            elif len(sources) == 1:
                import_export_file(owner, job, sources[0])
            else:
                other = next(source for source in sources if not is_notion_or_keep_zip(source))
                raise JobError(f"{other.name} is not a part of a Google Takeout or Notion export: choose several files "
                               "at once only for the parts of one export, and import others one at a time. Nothing was imported.")
        finally:
            if remove_source:
                for source in sources:
                    source.unlink(missing_ok=True)

    return start(Job(kind="import", owner_id=owner.pk), work)


def import_export_file(owner, job: Job, source: Path) -> None:
    """Import the Notedesk export at `source` (JSON, or a zip of Markdown notes) in the job."""
    # Not at the top: this module is imported at each launch, before the first screen, which this one would hold up.
    from embedded_site.notes.foreign_import import ForeignSource

    changed = ForeignSource()
    with ExitStack() as open_files:
        try:
            # Both open to the end: the attachments are read from them again as they are written.
            spool = open_files.enter_context(tempfile.TemporaryFile(dir=imports_folder()))
            records = read_import_file(open_files.enter_context(source.open("rb")), spool, changed.skipped)
        except OSError as error:
            raise unreadable(source, error) from None
        import_records(owner, job, records)
    if changed.skipped:
        job.result.update(changed.result())


def import_other_apps_source(owner, job: Job, *sources: Path) -> None:
    """Import another app's notes at `source`, a folder of Markdown files or a zip (read_markdown_source
    says which apps' it knows), or at the parts of one export, in the job."""
    from embedded_site.notes.foreign_import import attach_to_waiting_notes, read_markdown_source

    try:
        found = read_markdown_source(*sources)
    except OSError as error:
        raise unreadable(Path(error.filename or sources[0]), error) from None
    # A zip's attached files are read from it meanwhile.
    import_records(owner, job, found.records)
    created, changed, attached = attach_to_waiting_notes(owner, found)
    job.result.update(found.result(), created=job.result["created"] + created, updated=job.result["updated"] + changed,
                      attachments=job.result["attachments"] + attached)


def unreadable(source: Path, error: OSError) -> JobError:
    if is_disk_full(error):
        return JobError(
            f"The disk is full: there is no room to read {source.name} (its attached files are decoded into "
            f"{imports_folder()} first). Nothing was imported. Free some space and import it again."
        )
    return JobError(f"Cannot read {source}: {error.strerror}.")


def import_records(owner, job: Job, records: list[dict]) -> None:
    """Import the checked records, following progress; a storage problem says how far it got."""
    try:
        finished = follow(job, import_notes(owner, records))
    except (OSError, DatabaseError) as error:
        problem = storage_problem(error)
        if problem is None:
            raise
        cause, remedy = IMPORT_STOPPED_BY[problem]
        raise JobError(
            f"{cause.format(data_dir=settings.DESKTOP_DATA_DIR)}: the import stopped after {job.done} of {job.total} "
            f"notes. Those are kept, and nothing of the rest was written. {remedy} and import the file again "
            "to finish (nothing is imported twice)."
        ) from None
    job.result = {
        "created": finished.created, "updated": finished.updated, "unchanged": finished.unchanged,
        "attachments": finished.attachments, "tags": tags_of(records),
    }


def tags_of(records: list[dict]) -> list[dict]:
    """Where the person finds the imported notes: the tags they carry, the most used first."""
    counts = Counter(tag for record in records for tag in set(record["tags"]))
    most_used = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TAGS_SAID]
    return [{"name": name, "notes": count} for name, count in most_used]


def cancel(job: Job) -> None:
    job.cancel_requested.set()
