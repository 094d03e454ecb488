"""On SQLite: a word index of the pinned notes outside the trash alone, which `is:pinned` searches.

Through the word index of all notes, `is:pinned budget` read every match of `budget` to keep the
pinned ones: 18,000 matches at 100,000 notes to find 527, 180,000 at a million. This index holds
the pinned notes only (3% of the demo notes), so FTS5 reads their matches alone: the statement
that ranks them, 3.6 → 0.9 ms at 100,000 notes (docs/performance.md). It is made as the word
index is (0010), so that a query reads both alike. Its content is a view of those notes, so that
FTS5's integrity check compares it with them; triggers keep it in step with every write that
pins, unpins, trashes, restores, edits or deletes a pinned note, whatever makes it (the API,
imports, sync, a purge). SQLite only: on PostgreSQL, search has its own index (0007).
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

VIEW = "notes_note_pinned"
INDEX = "notes_note_pinned_fts"
INDEXED = "{row}.pinned AND {row}.trashed_at IS NULL"
UNINDEX_OLD = f"INSERT INTO {INDEX}({INDEX}, rowid, title, body) SELECT 'delete', OLD.id, OLD.title, OLD.body"
INDEX_NEW = f"INSERT INTO {INDEX}(rowid, title, body) SELECT NEW.id, NEW.title, NEW.body"

FORWARDS = [
    f"CREATE VIEW {VIEW} AS SELECT id, title, body FROM notes_note WHERE {INDEXED.format(row='notes_note')}",
    f"""CREATE VIRTUAL TABLE {INDEX} USING fts5(
        title, body,
        content='{VIEW}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3 4 5 6 7 8'
    )""",
    f"INSERT INTO {INDEX}({INDEX}) VALUES ('rebuild')",
    f"CREATE TRIGGER {INDEX}_insert AFTER INSERT ON notes_note WHEN {INDEXED.format(row='NEW')} "
    f"BEGIN {INDEX_NEW}; END",
    f"CREATE TRIGGER {INDEX}_delete AFTER DELETE ON notes_note WHEN {INDEXED.format(row='OLD')} "
    f"BEGIN {UNINDEX_OLD}; END",
    f"CREATE TRIGGER {INDEX}_update AFTER UPDATE OF title, body, pinned, trashed_at ON notes_note "
    f"WHEN ({INDEXED.format(row='OLD')}) OR ({INDEXED.format(row='NEW')}) "
    f"BEGIN {UNINDEX_OLD} WHERE {INDEXED.format(row='OLD')}; {INDEX_NEW} WHERE {INDEXED.format(row='NEW')}; END",
]
BACKWARDS = [
    f"DROP TRIGGER {INDEX}_update",
    f"DROP TRIGGER {INDEX}_delete",
    f"DROP TRIGGER {INDEX}_insert",
    f"DROP TABLE {INDEX}",
    f"DROP VIEW {VIEW}",
]


class Migration(migrations.Migration):
    dependencies = [("notes", "0015_tag_notes_index")]

    operations = [on_vendor("sqlite", FORWARDS, BACKWARDS)]
