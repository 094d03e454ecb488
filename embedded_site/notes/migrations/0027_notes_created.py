"""The first and last note made out of the trash, which the previous and next day's note bound
their walk with (days.py), read from an index: at 100,000 notes they read every note, some 40 ms
(docs/performance.md).

On SQLite, with the planner's statistics for it, as 0008 wrote them for the other indexes: with
none, SQLite took this index's two first columns for selective ones, and read every note through
it for a query that looks notes up by their uids (some 800 ms at 100,000 notes).
"""

from django.db import migrations, models

from embedded_site.notes.vendor_sql import on_vendor

# owner, trashed_at, created: the owner and the trash select nothing, a moment nearly one note.
STAT = "1000000 1000000 1000000 1"


class Migration(migrations.Migration):
    dependencies = [("notes", "0026_journal")]

    operations = [
        migrations.AddIndex(
            model_name="note",
            index=models.Index(fields=["owner", "trashed_at", "created"], name="notes_created"),
        ),
        on_vendor(
            "sqlite",
            [
                "ANALYZE sqlite_master",  # makes sqlite_stat1 if there is none (an application may not)
                "DELETE FROM sqlite_stat1 WHERE tbl = 'notes_note' AND idx = 'notes_created'",
                f"INSERT INTO sqlite_stat1(tbl, idx, stat) VALUES ('notes_note', 'notes_created', '{STAT}')",
                "ANALYZE sqlite_master",  # reloads the statistics into this connection
            ],
            ["DELETE FROM sqlite_stat1 WHERE tbl = 'notes_note' AND idx = 'notes_created'"],
        ),
    ]
