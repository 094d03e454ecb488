"""Full-text search with SQLite FTS5 (the table and its triggers: migrations/0002_search.py).

The person's words never reach FTS5 as query syntax: each is quoted as a prefix phrase, so
`zebra" OR (` searches for the words zebra, or and ( rather than failing to parse.
"""

import secrets

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape

FTS_TABLE = "notes_note_fts"
# bm25 weights per column (title, body): a word in the title counts ten times one in the body.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
# The list shows two lines of an excerpt, about 12 words; FTS5 may put a match at the end of its
# window, so a longer window can hide the very word that matched.
SNIPPET_TOKENS = 12
# FTS5's snippet marks the matches with markers of ours, so that the text can be escaped first
# and only then the markers turned into <mark> tags. A note's text may hold any character (a
# private-use one included), so the markers are made afresh for each search: 128 random bits,
# which no note can hold, having been written before them.
MARKER_BYTES = 16


def match_expression(text: str) -> str:
    """Every word of `text` as a quoted prefix phrase; FTS5 ANDs them."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in text.split())


def ranked_page(
    text: str, within: list[QuerySet], outside: list[QuerySet], limit: int, offset: int
) -> tuple[list[int], int]:
    """The ids of one page of the notes that match `text`, best first, and how many match in all.

    Only notes in every set of `within` and in none of `outside` count; each set is a query of
    note ids. SQLite builds each set once per statement, at about 0.5 µs a note, so they should be
    the small side of each filter (the trash, the pinned notes, a tag's notes): checking every
    match against the notes table instead cost as much as the ranking itself at 18,000 matches.
    The `+` keeps SQLite from handing the ids to FTS5 as rowid lookups, which would run the
    full-text query once per id.
    """
    conditions = [f"{FTS_TABLE} MATCH %s"]
    params = [match_expression(text)]
    for note_ids, operator in [*((ids, "IN") for ids in within), *((ids, "NOT IN") for ids in outside)]:
        subquery, subquery_params = note_ids.query.sql_with_params()
        conditions.append(f"+rowid {operator} ({subquery})")
        params += subquery_params
    where = " AND ".join(conditions)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", params)
        (total,) = cursor.fetchone()
        # bm25 still scores every match, but only the page's rows are sorted and fetched.
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {where} "
            f"ORDER BY bm25({FTS_TABLE}, %s, %s), rowid DESC LIMIT %s OFFSET %s",
            [*params, TITLE_WEIGHT, BODY_WEIGHT, limit, offset],
        )
        page = [note_id for (note_id,) in cursor.fetchall()]
    return page, total


def snippets(text: str, note_ids: list[int]) -> dict[int, str]:
    """An HTML-safe excerpt per note, with <mark> around the words that matched."""
    if not note_ids:
        return {}
    id_placeholders = ", ".join(["%s"] * len(note_ids))
    start, end = (f"[{secrets.token_hex(MARKER_BYTES)}]" for _ in range(2))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({FTS_TABLE}, -1, %s, %s, '…', %s) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND +rowid IN ({id_placeholders})",
            [start, end, SNIPPET_TOKENS, match_expression(text), *note_ids],
        )
        return {note_id: escape(excerpt).replace(start, "<mark>").replace(end, "</mark>")
                for note_id, excerpt in cursor.fetchall()}
