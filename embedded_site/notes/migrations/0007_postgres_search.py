"""On PostgreSQL: the full-text vector of each note, kept by the database, and its GIN index
(search_postgres.py queries them). SQLite has its FTS5 indexes instead.

The words are `simple`'s (no stemming, as FTS5's unicode61) with accents removed, by a text search
configuration of ours using the unaccent extension (trusted since PostgreSQL 13: the database's
owner may create it). The vector is a stored generated column, the title weighted A and the body
B: a ranking reads it instead of making the vector of every matching note again (an index of
the expression alone left that to each query: 0.9 s for a common word at 20,000 notes).
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

VECTOR = (
    "setweight(to_tsvector('notedesk_words', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('notedesk_words', coalesce(body, '')), 'B')"
)
FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION notedesk_words (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION notedesk_words ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    f"ALTER TABLE notes_note ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX notes_note_search ON notes_note USING gin (search_vector)",
]
BACKWARDS = [
    "DROP INDEX notes_note_search",
    "ALTER TABLE notes_note DROP COLUMN search_vector",
    "DROP TEXT SEARCH CONFIGURATION notedesk_words",
]


class Migration(migrations.Migration):
    dependencies = [("notes", "0006_owners")]

    operations = [on_vendor("postgresql", FORWARDS, BACKWARDS)]
