"""Full-text search with SQLite FTS5 (the table and its triggers: migrations/0002_search.py).

The person's words never reach FTS5 as query syntax: each is quoted as a prefix phrase, so
`zebra" OR (` searches for the words zebra, or and ( rather than failing to parse.
"""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape

FTS_TABLE = "notes_note_fts"
# bm25 weights per column (title, body): a word in the title counts ten times one in the body.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_TOKENS = 24
# Private-use characters mark the matches inside FTS5's snippet, so the text can be escaped
# first and only then the marks turned into <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"


def match_expression(text: str) -> str:
    """Every word of `text` as a quoted prefix phrase; FTS5 ANDs them."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in text.split())


def ranked_page(text: str, candidates: QuerySet, limit: int, offset: int) -> tuple[list[int], int]:
    """The ids of one page of the candidate notes that match `text`, best first, and how many
    match in all.

    FTS5 finds the matches and each is then checked against the candidates by primary key (a
    correlated EXISTS). Comparing rowid with the candidates directly would let SQLite hand their
    ids to FTS5 as rowid lookups, running the full-text query once per candidate.
    """
    is_candidate = candidates.filter(pk=RawSQL(f"{FTS_TABLE}.rowid", ())).values("pk")
    candidate_sql, candidate_params = is_candidate.query.sql_with_params()
    with connection.cursor() as cursor:
        # Ranking scores every match anyway, so the ids of all of them give the total too.
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND EXISTS ({candidate_sql}) "
            f"ORDER BY bm25({FTS_TABLE}, %s, %s), rowid DESC",
            [match_expression(text), *candidate_params, TITLE_WEIGHT, BODY_WEIGHT],
        )
        ranked = [note_id for (note_id,) in cursor.fetchall()]
    return ranked[offset : offset + limit], len(ranked)


def snippets(text: str, note_ids: list[int]) -> dict[int, str]:
    """An HTML-safe excerpt per note, with <mark> around the words that matched."""
    if not note_ids:
        return {}
    id_placeholders = ", ".join(["%s"] * len(note_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({FTS_TABLE}, -1, %s, %s, '…', %s) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND +rowid IN ({id_placeholders})",
            [MARK_START, MARK_END, SNIPPET_TOKENS, match_expression(text), *note_ids],
        )
        return {note_id: marked_html(excerpt) for note_id, excerpt in cursor.fetchall()}


def marked_html(excerpt: str) -> str:
    return escape(excerpt).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
