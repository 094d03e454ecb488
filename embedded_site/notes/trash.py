"""Deleting notes for good: their rows (the FTS indexes follow by trigger), their words left in
the FTS indexes' pages, and their files.

A note leaves the trash by itself once it has been there for TRASH_KEPT_FOR: by the clock on a
server, and on a desktop in the days it was launched on as well (launch_days.py).
"""

import logging
import threading
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from embedded_site.notes import changes, launch_days
from embedded_site.notes.attachments import discard_files
from embedded_site.notes.models import Attachment, Note
from embedded_site.notes.search_query import PINNED_WORD_INDEX, TRIGRAM_INDEX, WORD_INDEX

logger = logging.getLogger(__name__)
TRASH_KEPT_FOR = timedelta(days=30)
# FTS5 merges an index this many pages (4 KB each) at a time, each step a transaction of its own,
# so that a save waits for one step at most, never for the whole index to be written again.
MERGE_STEP_PAGES = 500
forgetting = threading.Lock()  # one rewrite at a time
waiting_to_forget = threading.Lock()  # held by the rewrite waiting for its turn, which covers every purge until it starts
# A step of the rewrite took 360 ms at 10,000 notes (docs/security.md): the quit waits for the one under way.
STEP_UNDER_WAY_WAIT_S = 0.5
quitting = threading.Event()


def purge_notes(notes: QuerySet) -> int:
    """Delete the notes and, once that is committed, their attachment files (attachments.discard_files).
    Returns how many."""
    with transaction.atomic():
        stored_names = list(Attachment.objects.filter(note__in=notes).values_list("file", flat=True))
        gone = list(notes.values_list("owner_id", "uid"))
        notes.delete()
        for owner_id, uid in gone:
            changes.record(owner_id, [uid], purged=True)
        transaction.on_commit(lambda: discard_files(stored_names))
        if gone and connection.vendor == "sqlite":
            transaction.on_commit(forget_purged_words_in_background)
    return len(gone)


def forget_purged_words_in_background() -> None:
    """After notes are deleted for good, write the SQLite search indexes again without their words,
    off the request path. FTS5 keeps a deleted note's words, each with its place in the note (so
    the text can be read back from the file), in the index's pages, merely marked deleted until
    the pages holding them are merged with those holding the marks: in a busy index, for good. A
    merge with a negative step merges every page of the index into one, a step at a time;
    secure_delete (the shell's SQLite settings) zeroes the pages it frees, and a checkpoint then
    empties the write-ahead log, which held copies of them."""
    if not waiting_to_forget.acquire(blocking=False):
        return

    def run() -> None:
        try:
            with forgetting:
                waiting_to_forget.release()
                for index in (WORD_INDEX, PINNED_WORD_INDEX, TRIGRAM_INDEX):
                    while not quitting.is_set() and merged_a_step(index):
                        pass
                if not quitting.is_set():  # the quit empties the -wal itself
                    with connection.cursor() as cursor:
                        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:
            logger.exception("The search index could not be written again without the words of the notes deleted "
                             "for good: they stay in its pages until notes are next deleted for good")
        finally:
            connection.close()

    threading.Thread(target=run, name="notedesk-forget-purged-words", daemon=True).start()


def stop_forgetting() -> None:
    """At the quit (app_stopping): the rewrite ends after its step under way, and the next deletion
    for good does it again. Writing on, it filled the -wal after the quit had emptied it."""
    quitting.set()
    if forgetting.acquire(timeout=STEP_UNDER_WAY_WAIT_S):
        forgetting.release()


def merged_a_step(index: str) -> bool:
    with transaction.atomic(), connection.cursor() as cursor:
        before = connection.connection.total_changes
        cursor.execute(f"INSERT INTO {index}({index}, rank) VALUES ('merge', %s)", [-MERGE_STEP_PAGES])
        return connection.connection.total_changes - before > 1  # the command's own row is one change


def delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def purge_expired_trash(now: datetime | None = None) -> int:
    """Delete the notes that have been in the trash for longer than TRASH_KEPT_FOR (a server's upkeep)."""
    return purge_notes(Note.objects.filter(trashed_at__lt=(now or timezone.now()) - TRASH_KEPT_FOR))


def purge_expired_trash_at_launch() -> int:
    """As purge_expired_trash(), with the time in the trash counted in launch days too."""
    before = launch_days.cutoff(TRASH_KEPT_FOR)
    return purge_notes(Note.objects.filter(trashed_at__lt=before)) if before else 0
