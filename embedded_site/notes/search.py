"""Full-text search with SQLite FTS5: the word index's table (its triggers: migrations/0002_search.py)
and the ranking weights. search_query.py reads a query and runs it, on this index or the trigram one.
"""

FTS_TABLE = "notes_note_fts"
# bm25 weights per column (title, body): a word in the title counts ten times one in the body.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
