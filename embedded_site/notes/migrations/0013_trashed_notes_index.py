"""On SQLite: a partial index of the notes in the trash, by owner, pinning and date.

The trash's list (`trashed_at IS NOT NULL`, in the list's order) read every note: the listing
index (0006) serves an equality on its trash column, not a test for a value, and the statistics
of 0008 tell SQLite that its first two columns select nothing. 366 ms at a million notes with
5,000 in the trash; from this index, which holds only the trashed notes in the list's order,
under 1 ms. PostgreSQL plans from its own statistics.
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

FORWARDS = [
    'CREATE INDEX "notes_trashed" ON "notes_note" ("owner_id", "pinned", "updated") WHERE "trashed_at" IS NOT NULL'
]
BACKWARDS = ['DROP INDEX "notes_trashed"']


class Migration(migrations.Migration):
    dependencies = [("notes", "0012_links_skip_own_files")]

    operations = [on_vendor("sqlite", FORWARDS, BACKWARDS)]
