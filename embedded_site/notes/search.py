"""Full-text search with SQLite FTS5: the word index's table (its triggers: migrations/0002_search.py)
and the ranking weights. search_query.py reads a query and runs it, on this index or the trigram one.
On PostgreSQL (a server), search_postgres.py runs the same queries: engine() says which.
"""

from types import ModuleType

from django.db import connection

FTS_TABLE = "notes_note_fts"
# bm25 weights per column (title, body): a word in the title counts ten times one in the body.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0


def engine() -> ModuleType:
    """The module that runs a search on this database: its search_page() and excluded_notes()."""
    if connection.vendor == "postgresql":
        from embedded_site.notes import search_postgres

        return search_postgres
    from embedded_site.notes import search_query

    return search_query
