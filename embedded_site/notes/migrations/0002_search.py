"""The FTS5 index of note titles and bodies (queried by embedded_site/notes/search.py).

An external-content table: the text stays in notes_note, FTS5 keeps only its index. Triggers
keep the index in step with every insert, update and delete, in the same transaction as the
write, whether it comes from the ORM, a bulk_create or raw SQL.
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

CREATE = [
    """CREATE VIRTUAL TABLE notes_note_fts USING fts5(
        title, body,
        content='notes_note', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3'
    )""",
    "INSERT INTO notes_note_fts(rowid, title, body) SELECT id, title, body FROM notes_note",
    """CREATE TRIGGER notes_note_fts_insert AFTER INSERT ON notes_note BEGIN
        INSERT INTO notes_note_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER notes_note_fts_delete AFTER DELETE ON notes_note BEGIN
        INSERT INTO notes_note_fts(notes_note_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER notes_note_fts_update AFTER UPDATE OF title, body ON notes_note BEGIN
        INSERT INTO notes_note_fts(notes_note_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO notes_note_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]

DROP = [
    "DROP TRIGGER notes_note_fts_update",
    "DROP TRIGGER notes_note_fts_delete",
    "DROP TRIGGER notes_note_fts_insert",
    "DROP TABLE notes_note_fts",
]


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]

    operations = [on_vendor("sqlite", CREATE, DROP)]
