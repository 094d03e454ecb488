"""A second full-text index beside the word index of 0002: FTS5's trigram tokenizer, for what a
word index cannot find: text in scripts written without spaces (Chinese, Japanese, Thai, …),
emoji, and any substring of 3 characters or more (search_query.py picks the index per query).

Like the word index it keeps only its index (external content), kept in step by triggers. Its
content is a view that ends each title and body with two spaces: then every character of the
text starts a trigram, so that a term of one or two characters is found through the index too,
as the trigrams that start with it (read from the fts5vocab table).
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

CREATE = [
    """CREATE VIEW notes_note_trigram_content AS
        SELECT id, title || '  ' AS title, body || '  ' AS body FROM notes_note""",
    """CREATE VIRTUAL TABLE notes_note_trigram USING fts5(
        title, body,
        content='notes_note_trigram_content', content_rowid='id',
        tokenize='trigram'
    )""",
    "CREATE VIRTUAL TABLE notes_note_trigram_vocab USING fts5vocab(notes_note_trigram, row)",
    "INSERT INTO notes_note_trigram(notes_note_trigram) VALUES ('rebuild')",
    """CREATE TRIGGER notes_note_trigram_insert AFTER INSERT ON notes_note BEGIN
        INSERT INTO notes_note_trigram(rowid, title, body) VALUES (new.id, new.title || '  ', new.body || '  ');
    END""",
    """CREATE TRIGGER notes_note_trigram_delete AFTER DELETE ON notes_note BEGIN
        INSERT INTO notes_note_trigram(notes_note_trigram, rowid, title, body)
            VALUES ('delete', old.id, old.title || '  ', old.body || '  ');
    END""",
    """CREATE TRIGGER notes_note_trigram_update AFTER UPDATE OF title, body ON notes_note BEGIN
        INSERT INTO notes_note_trigram(notes_note_trigram, rowid, title, body)
            VALUES ('delete', old.id, old.title || '  ', old.body || '  ');
        INSERT INTO notes_note_trigram(rowid, title, body) VALUES (new.id, new.title || '  ', new.body || '  ');
    END""",
]

DROP = [
    "DROP TRIGGER notes_note_trigram_update",
    "DROP TRIGGER notes_note_trigram_delete",
    "DROP TRIGGER notes_note_trigram_insert",
    "DROP TABLE notes_note_trigram_vocab",
    "DROP TABLE notes_note_trigram",
    "DROP VIEW notes_note_trigram_content",
]


class Migration(migrations.Migration):
    dependencies = [("notes", "0004_links")]

    operations = [on_vendor("sqlite", CREATE, DROP)]
