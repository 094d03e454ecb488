"""Full-text search on PostgreSQL (a server's database): the same queries (search_query.parse),
the same filters and the same answer (search_query.Results) as the SQLite path, from
PostgreSQL's own full-text search. docs/server.md says where the two differ.

The text is indexed as words of `simple` with accents removed (no stemming, as FTS5's unicode61),
the title weighted A and the body B, in a generated column with a GIN index (migration 0007),
which the model does not declare (SQLite has no such column): SEARCH_VECTOR names it. A word
matches as a prefix (`zeb` finds "zebra"), a phrase exactly. Ranking is ts_rank with a title match
counting ten times one in the body, then newest first; snippets (of the body) and marked titles are
ts_headline's, marked as the SQLite path marks them. A query with a term in a script written without spaces, or an emoji,
and one whose words all have 3 characters or more but find nothing, match as substrings instead
(`eting` finds "meeting"), by a scan: PostgreSQL's words are not FTS5's trigrams. ASCII's
punctuation is read as spaces, in the notes' text (migration 0029) and in a query's, so that the
words are cut where FTS5 cuts them: PostgreSQL's parser keeps `ana@example.com`, a host, a path and
`3.14` as one word.
"""

import string
from dataclasses import replace

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left, Lower, StrIndex

from embedded_site.notes.links import NOT_IN_LINKS
from embedded_site.notes.models import Note
from embedded_site.notes.search import BODY_WEIGHT, TITLE_WEIGHT
from embedded_site.notes.search_folding import fold, word_form
from embedded_site.notes.search_query import (
    BODY_START, Query, Results, Term, excerpts, marked_html, needs_trigrams, new_markers, start_of_body,
)

CONFIG = "notedesk_words"  # `simple` without accents (migration 0007)
# Unqualified, so that in a subquery it is the subquery's note's.
SEARCH_VECTOR = RawSQL("search_vector", [], output_field=SearchVectorField())
# ts_rank's weights, for D, C, B and A: the body's B to the title's A as BODY_WEIGHT to TITLE_WEIGHT.
RANK_WEIGHTS = [0.0, 0.0, BODY_WEIGHT / TITLE_WEIGHT, 1.0]
HEADLINE_WORDS = {"max_words": 14, "min_words": 6, "short_word": 0}
PUNCTUATION_AS_SPACES = str.maketrans(string.punctuation, " " * len(string.punctuation))


def term_query(term: Term) -> SearchQuery:
    if term.alternatives:  # `a OR b`
        combined = None
        for choice in term.choices:
            query = term_query(replace(choice, alternatives=[]))
            combined = query if combined is None else combined | query
        return combined
    if term.in_title:  # `title:garden`: the title's words, weighted A
        return word_starts_query([fold(term.text)], "A", last_a_prefix=not term.phrase)
    if term.phrase:
        return SearchQuery(fold(term.text).translate(PUNCTUATION_AS_SPACES), search_type="phrase", config=CONFIG)
    return word_starts_query([fold(term.text)])


def word_starts_query(words: list[str], weight: str = "", last_a_prefix: bool = True) -> SearchQuery:
    """The notes with a word starting with each of `words` (folded), in the text of `weight` (A:
    the title) or in either; a word with punctuation in it as FTS5 reads it: `ana@exa` is `ana`
    followed by a word starting with `exa`. Not `last_a_prefix`: a word is found whole (a phrase)."""
    starts = []
    for word in words:
        pieces = word.translate(PUNCTUATION_AS_SPACES).split()
        if pieces:
            in_order = [lexeme(piece) + (f":{weight}" if weight else "") for piece in pieces]
            if last_a_prefix:
                in_order[-1] = f"{lexeme(pieces[-1])}:*{weight}"
            starts.append("(" + " <-> ".join(in_order) + ")")
    return SearchQuery(" & ".join(starts), search_type="raw", config=CONFIG)


def lexeme(word: str) -> str:
    """One quoted lexeme of a raw tsquery: quotes and backslashes escaped inside it."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def full_text(positive: list[Term], negative: list[Term]) -> SearchQuery | None:
    combined = None
    for query in [term_query(term) for term in positive] + [~term_query(term) for term in negative]:
        combined = query if combined is None else combined & query
    return combined


def scoped(within: list[QuerySet], outside: list[QuerySet]) -> QuerySet:
    notes = Note.objects.all()
    for note_ids in within:
        notes = notes.filter(pk__in=note_ids)
    for note_ids in outside:
        notes = notes.exclude(pk__in=note_ids)
    return notes


def search_page(query: Query, within: list[QuerySet], outside: list[QuerySet], limit: int, offset: int) -> Results:
    """One page of the notes matching the query's terms, in the scope of `within` and `outside`."""
    notes = scoped(within, outside)
    if not any(needs_trigrams(fold(term.text)) for term in query.searched):
        results = ranked(notes, query, limit, offset)
        if results.total or any(len(text) < 3 for text in query.words):
            return results
    return scanned(notes, query, limit, offset)


def ranked(notes: QuerySet, query: Query, limit: int, offset: int) -> Results:
    search = full_text(query.positive, query.negative)
    matching = notes.annotate(search=SEARCH_VECTOR).filter(search=search)
    total = matching.count()
    markers = new_markers()
    marks = {"config": CONFIG, "start_sel": markers[0], "stop_sel": markers[1]}
    # ts_headline marks a query's words wherever they are: the body's is of its words alone, not a `title:` term's.
    in_body = full_text(query.body_terms, [])
    page = (
        matching.annotate(rank=SearchRank(SEARCH_VECTOR, search, weights=RANK_WEIGHTS))
        .annotate(
            title_headline=SearchHeadline("title", search, highlight_all=True, **marks),
            body_headline=SearchHeadline("body", in_body, **marks, **HEADLINE_WORDS) if in_body else Value(""),
            body_start=Left("body", BODY_START),
        )
        .order_by("-rank", "-id")
        .values_list("id", "title_headline", "body_headline", "body_start")[offset : offset + limit]
    )
    snippets, titles = {}, {}
    for note_id, title_headline, body_headline, body_start in page:
        snippets[note_id] = marked_html(body_headline, markers) if markers[0] in body_headline else start_of_body(body_start)
        titles[note_id] = marked_html(title_headline, markers, collapsed=False)
    return Results(list(snippets), total, snippets, "word", titles=titles)


def contains(term: Term) -> Q:
    found = Q()
    for choice in term.choices:
        found |= Q(title__icontains=choice.text)
        if not choice.in_title:
            found |= Q(body__icontains=choice.text)
    return found


def scanned(notes: QuerySet, query: Query, limit: int, offset: int) -> Results:
    """Substrings, each note's text read: a title match first, then the newest."""
    for term in query.terms:
        notes = notes.exclude(contains(term)) if term.negated else notes.filter(contains(term))
    total = notes.count()
    first = query.positive[0].text.lower() if query.positive else ""
    rows = list(
        notes.annotate(title_match=StrIndex(Lower("title"), Value(first)))
        .annotate(in_title=Case(When(title_match__gt=0, then=1), default=0))
        .order_by("-in_title", "-updated", "-id")
        .values_list("id", "title", "body")[offset : offset + limit]
    )
    snippets, titles = excerpts(rows, query)
    return Results([row[0] for row in rows], total, snippets, "scan", titles=titles)


def excluded_notes(query: Query) -> QuerySet:
    """The notes matching any term left out, as ids for `pk__in`: for a query of such terms only."""
    if any(needs_trigrams(fold(term.text)) for term in query.negative):
        matching = Q()
        for term in query.negative:
            matching |= contains(term)
        return Note.objects.filter(matching).values("pk")
    anything = None
    for term in query.negative:
        anything = term_query(term) if anything is None else anything | term_query(term)
    return Note.objects.annotate(search=SEARCH_VECTOR).filter(search=anything).values("pk")


def title_completions(owner, key: str, limit: int, each_note: bool) -> list[dict]:
    """links.completions() on PostgreSQL: titles starting with the text, then with a word starting
    with each of its words, accents not minding, those with the text as typed first; each title
    once, as the note a link goes to spells it, with how many have it, or with `each_note` each note
    (titles a link cannot hold too)."""
    live = Note.objects.owned_by(owner).filter(trashed_at__isnull=True)
    if not each_note:
        live = live.exclude(title_key="")
        for character in NOT_IN_LINKS:
            live = live.exclude(title_key__contains=character)
    if not key:
        notes = live.order_by("-pinned", "-updated", "-id").values_list("title", "id")[:limit]
        return [{"title": title, "id": note_id, "count": 1} for title, note_id in notes]
    found: dict[str, dict] = {}
    # Then the title's words (weight A) through the word index, folded as FTS5's on the desktop
    # ("cafe" finds "Café menus"). unaccent() on each title was slower still (docs/server.md).
    each_word_starts_one = Q(search=word_starts_query(word_form(key).split(), "A"))
    without_text = Case(When(title_key__contains=key, then=0), default=1)  # the text as typed first, as on the desktop
    live = live.annotate(search=SEARCH_VECTOR)
    for matching, first in ((Q(title_key__startswith=key), []), (each_word_starts_one, [without_text])):
        rows = (
            live.filter(matching).exclude(**{"pk__in" if each_note else "title_key__in": list(found)})
            .order_by(*first, "title_key", "-updated", "-id").values_list("title_key", "title", "id")
        )
        for title_key, title, note_id in rows.iterator():  # by title: a title's notes together, newest first
            group = note_id if each_note else title_key
            if group in found:
                found[group]["count"] += 1
            elif len(found) == limit:
                break
            else:
                found[group] = {"title": title, "id": note_id, "count": 1}
    return list(found.values())
