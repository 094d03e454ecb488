"""On SQLite: tell the query planner that a note's owner selects nothing on the desktop.

The listing and title indexes start with the owner (0006), and every query names the owner. With
no statistics, SQLite takes an index's first column for a selective one, so for `owner = ? AND
id IN (…)` (a page of search results, say) it read every note through notes_listing instead of
looking up the ids: 2,000 index entries for 50 notes at 2,000 notes, all of them at 100,000. These
rows of sqlite_stat1, which SQLite lets an application write, say that all notes share an owner
(as they do on a desktop): the planner then looks up ids by rowid, and still reads the listing
and titles through these indexes. A later ANALYZE replaces them with the real figures.
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

ROWS = "1000000"
STATS = {
    # owner, trashed_at, pinned, updated: the trash and pinning select little, the time a lot.
    "notes_listing": f"{ROWS} {ROWS} {ROWS} 500000 1",
    # owner, title_key: a title is nearly unique.
    "notes_title_key": f"{ROWS} {ROWS} 2",
}

FORWARDS = [
    "ANALYZE sqlite_master",  # makes sqlite_stat1 if there is none (an application may not)
    *(f"DELETE FROM sqlite_stat1 WHERE tbl = 'notes_note' AND idx = '{index}'" for index in STATS),
    *(f"INSERT INTO sqlite_stat1(tbl, idx, stat) VALUES ('notes_note', '{index}', '{stat}')" for index, stat in STATS.items()),
    "ANALYZE sqlite_master",  # reloads the statistics into this connection
]
BACKWARDS = [f"DELETE FROM sqlite_stat1 WHERE tbl = 'notes_note' AND idx = '{index}'" for index in STATS]


class Migration(migrations.Migration):
    dependencies = [("notes", "0007_postgres_search")]

    operations = [on_vendor("sqlite", FORWARDS, BACKWARDS)]
