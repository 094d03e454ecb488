"""On PostgreSQL: the text search configuration of search_postgres.py (`simple`'s words, accents
removed by the unaccent extension, trusted since PostgreSQL 13: the database's owner may create
it), and the GIN index of the notes' full-text vector (search_postgres.SEARCH_VECTOR, built here
from the same expression, so that the queries use it). SQLite has its FTS5 indexes."""

from django.db import migrations

INDEX_NAME = "notes_note_search"


def search_index():
    # Imported only on PostgreSQL: django.contrib.postgres needs psycopg, which a desktop lacks.
    from django.contrib.postgres.indexes import GinIndex

    from embedded_site.notes.search_postgres import SEARCH_VECTOR

    return GinIndex(SEARCH_VECTOR, name=INDEX_NAME)


CONFIGURATION = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION notedesk_words (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION notedesk_words "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CONFIGURATION:
            schema_editor.execute(statement, params=None)
        schema_editor.add_index(apps.get_model("notes", "Note"), search_index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("notes", "Note"), search_index())
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION notedesk_words", params=None)


class Migration(migrations.Migration):
    dependencies = [("notes", "0006_owners")]

    operations = [migrations.RunPython(create, drop)]
