"""Search operators, and the choice of index for each query (docs/api.md, "Search").

A query is plain words, `"exact phrases"`, `-word` or `-"phrase"` to leave notes out, and the
operators `title:garden` (`title:"a phrase"`: the word or phrase in the title only, on every index
through FTS5's column filter), `tag:work` (`tag:"two words"`), `is:pinned`, `in:trash`
(`-title:draft`, `-is:pinned`, `-in:trash`: the opposite), `created:2026-11` and
`updated:2026-11-28` (a year, a month or a day in the computer's time zone; `today`, `yesterday`,
or Joplin's `day-7`: since the start of the day a week ago). Anything that does not parse as one of
these, an unclosed quote or an unknown operator say, is searched as plain words: a query never fails. An
operator with nothing after it (`title:`, `-tag:`, as it is typed) is left out. A term of punctuation alone (`-`,
`"`, as when `-word` or a phrase is half typed) is left out: no index holds punctuation as words,
so it would match no note, and the list would empty as the person types.

Two FTS5 indexes hold the notes' text: the word index (migrations/0002_search.py) and a trigram
index (migrations/0005_trigram_search.py). A query goes to the word index, unless one of its
terms has a character of a script written without spaces (Chinese, Japanese, Korean, Thai, …) or
an emoji, which the word index cannot split into words: then to the trigram index. A query the
word index finds nothing for, whose terms all have 3 characters or more, is tried again on the
trigram index, as substrings ("eting" finds "meeting"). On both, the same filters, the same
ranking (bm25, a title match counting ten times one in the body, then newest first) and the same
marks around what matched. The pinned notes outside the trash have a word index of their own too
(migrations/0016_pinned_word_index.py), which a search of words kept to them reads instead.

What a search costs is bounded, whatever the number of notes: of a query matching more than
MOST_SCORED notes, bm25 scores only the MOST_SCORED newest matches (the rest follow them, newest
first), and the count stops at COUNT_AHEAD matches past the page asked for.
"""

import math
import re
import secrets
import string
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
# The standard library's escape, which Django's wraps (to take lazy text, and mark the result
# safe): unwrapped, 2-3 times quicker, and a snippet escapes every stretch of text between marks.
from html import escape

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from embedded_site.notes.models import Note, TagNoteCount
from embedded_site.notes.search import BODY_WEIGHT, FTS_TABLE, TITLE_WEIGHT
from embedded_site.notes.search_folding import fold, unfolded, without_accents
from embedded_site.notes.whole_characters import whole_characters_end, whole_characters_start
from embedded_site.notes.tagging import normalise_tag

WORD_INDEX = FTS_TABLE
TRIGRAM_INDEX = "notes_note_trigram"
TRIGRAM_VOCABULARY = "notes_note_trigram_vocab"
# How many words FTS5's snippet() shows of the word index's matches (excerpt() makes the others').
SNIPPET_WORDS = 12
# A note whose body has no match (its title has them) has the start of its body as its snippet.
BODY_START = 200
# What may follow a lone letter in a word of the word index, as its tokenizer folds words: a word
# that goes on with another character (`aж`, `a中`) is not found by a search of its first letter.
LETTER_FOLLOWERS = string.ascii_lowercase + string.digits
# A term shorter than a trigram is looked up as the trigrams that start with it; past this many,
# it is too common to be worth it alone and matches the notes containing it by a scan instead.
MAX_SHORT_TERM_TRIGRAMS = 400
# bm25 scores at most this many matches, the newest ones (FTS5 reads them newest first and stops):
# scored, every match of a common word takes a time that grows with the notes (a look-up of each
# note's length; 18,000 matches among 100,000 notes). What no LIMIT bounds is bm25 counting, once
# a statement, the notes that have each phrase (docs/performance.md, issue 18).
MOST_SCORED = 500
# FTS5's bm25 parameters, fixed in its source (fts5_aux.c), for bm25_order(); and how many notes
# must have a substring for bm25_order() to be quicker than FTS5's bm25 (measured, medians of 40:
# at 1,740 notes 3.3 against 2.2 ms; at 17,900, 3.6 against 6.4 ms; at 179,000, 5.2 against 60).
BM25_K1 = 1.2
BM25_B = 0.75
MANY_NOTES_WITH_PHRASE = 8_000
PHRASE_SAMPLE = 50
# A quoted phrase of words is looked for among the newest PHRASE_WINDOW notes (by id), then among
# the PHRASE_WINDOW before them, until the page is full: checking the words' positions in each
# note that has them all is what a phrase costs (65,000 notes have both words of "project
# deadline" among a million, 725 the phrase), so a page costs what a window of notes does.
PHRASE_WINDOW = 100_000
# The pinned notes outside the trash are read through a partial index of their ids (migrations/0011),
# which SQLite does not pick by itself: the filters that make a set of them. Their words are in a
# word index of their own too (0016), which a search kept to them reads instead of the whole one.
PINNED_INDEX = "notes_pinned"
PINNED_OUTSIDE_THE_TRASH = {("pinned", "exact", True), ("trashed_at", "isnull", True)}
PINNED_WORD_INDEX = "notes_note_pinned_fts"
# A search in a tag keeps its notes as a set if it has at most √(TAG_SET_FACTOR × notes) of them
# (few_to_keep()): 10,000 at 100,000 notes, 31,600 at a million; measured, `tag:work meeting` with
# 6,400 notes in the tag at 100,000 notes, 8.4 ms by look-ups against 4.2 ms by the set, and with
# 64,000 at a million 12 against 21 ms.
TAG_SET_FACTOR = 1_000
# Matches are counted up to this many past the page's end; beyond, the total is a lower bound.
COUNT_AHEAD = 200
# A snippet marks the matches with markers of ours, so that the text can be escaped first and
# only then the markers turned into <mark> tags. A note's text may hold any character (a
# private-use one included), so the markers are made afresh for each search: 128 random bits,
# which no note can hold, having been written before them.
MARKER_BYTES = 16

WHITESPACE = re.compile(r"\s")
OPERATORS = "title|tag|is|in|created|updated"
TOKEN = re.compile(rf'(-?)(?:({OPERATORS}):)?("([^"]*)"|(\S+))', re.IGNORECASE)
# An operator with nothing after it yet, as `title:` is typed before its word.
BARE_OPERATOR = re.compile(rf"(?:{OPERATORS}):", re.IGNORECASE)
CALENDAR_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
DAYS_AGO = re.compile(r"^day-(\d{1,5})$", re.IGNORECASE)

# Scripts written without spaces between words, by code point ranges; and emoji.
NO_SPACE_RANGES = [
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x31FF),  # CJK punctuation, Hiragana, Katakana, Bopomofo
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK ideographs
    (0xA960, 0xA97F),  # Hangul
    (0xAC00, 0xD7FF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility
    (0xFF00, 0xFFEF),  # full-width forms
    (0x1F000, 0x1FAFF),  # emoji and pictographs
    (0x20000, 0x3FFFF),  # CJK extensions
]
EMOJI_PARTS = {"\u200d", "\ufe0f", "\u20e3"}


@dataclass
class Term:
    text: str
    phrase: bool = False
    negated: bool = False
    in_title: bool = False  # `title:garden`
    # `budget OR Fahrplan`: the terms after an OR, any of which matches in this one's place.
    alternatives: list["Term"] = field(default_factory=list)

    @property
    def choices(self) -> list["Term"]:
        return [self, *self.alternatives]


@dataclass
class Period:
    """`created:2026-11`: the notes whose `field` is from `start` until `end` (now, if None)."""
    field: str
    start: datetime
    end: datetime | None
    negated: bool = False

    @property
    def lookups(self) -> dict:
        return {f"{self.field}__gte": self.start, **({f"{self.field}__lt": self.end} if self.end else {})}


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excluded_tags: list[str] = field(default_factory=list)
    pinned: bool | None = None
    trashed: bool | None = None
    periods: list[Period] = field(default_factory=list)

    @property
    def positive(self) -> list[Term]:
        return [term for term in self.terms if not term.negated]

    @property
    def negative(self) -> list[Term]:
        return [term for term in self.terms if term.negated]

    @property
    def searched(self) -> list[Term]:
        """Every term, each of an OR's too."""
        return [choice for term in self.terms for choice in term.choices]

    @property
    def words(self) -> list[str]:
        """What the notes found may hold (to mark in their snippets): each term, each of an OR's too."""
        return [choice.text for term in self.positive for choice in term.choices]

    @property
    def body_words(self) -> list[str]:
        """The words that may be in the notes' body: all but `title:` terms."""
        return [choice.text for term in self.body_terms for choice in term.choices]

    @property
    def body_terms(self) -> list[Term]:
        """The positive terms that may be in the notes' body, each without its `title:` choices."""
        found = []
        for term in self.positive:
            choices = [replace(choice, alternatives=[]) for choice in term.choices if not choice.in_title]
            if choices:
                found.append(replace(choices[0], alternatives=choices[1:]))
        return found


def parse(text: str) -> Query:
    query = Query()
    position = 0
    either = False  # an OR between the last term and the next
    while match := TOKEN.search(text, position):
        position = match.end()
        minus, operator, _, _, word = match.groups()
        last = query.terms[-1] if query.terms and not query.terms[-1].negated else None
        # `a OR b`, as Obsidian, Standard Notes and web searches have it: either; `a AND b` is `a b`.
        # A lower-case "or", or an OR with no term before it, is a word.
        if word in ("OR", "AND") and not minus and not operator and query.terms:
            either = either or (word == "OR" and last is not None)  # (after a left-out term, as a space)
            continue
        if either:
            either = False
            count = len(query.terms)
            parse_token(query, match)
            if len(query.terms) > count and not query.terms[count].negated:
                last.alternatives.append(query.terms.pop(count))
            continue
        parse_token(query, match)
    return query


def parse_token(query: Query, match: re.Match) -> None:
    minus, operator, _, phrase, word = match.groups()
    negated = bool(minus)
    # (An unclosed quote never matches as a phrase: it is part of a word.)
    quoted_value = phrase is not None
    if operator and apply_operator(query, operator.lower(), phrase if quoted_value else word, negated, quoted_value):
        return
    if not operator and word and BARE_OPERATOR.fullmatch(word):
        return
    if phrase is not None and not operator:
        if has_searchable_text(phrase):
            query.terms.append(Term(" ".join(phrase.split()), phrase=True, negated=negated))
        return
    # Plain words: the token as typed, an operator that is not one and its quotes included.
    query.terms.extend(Term(part, negated=negated) for part in match.group(0)[len(minus) :].split()
                       if has_searchable_text(part))


def has_searchable_text(text: str) -> bool:
    """Whether one of the indexes holds a character of `text`: the word index's letters, numbers
    and private-use characters (unicode61's own categories), or a character that sends a term to
    the trigram index (needs_trigrams). Punctuation and symbols such as `+`, `=`, `$` or `^` are
    neither: a term of them alone would match nothing."""
    return any(unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "Co" or needs_trigrams(char)
               for char in text)


def apply_operator(query: Query, operator: str, value: str, negated: bool, phrase: bool) -> bool:
    """Apply `operator:value` to the query (`phrase`: the value was quoted); False if it is not one
    (then it is plain words)."""
    if operator == "title":
        # Punctuation alone (`title:"` as a phrase is begun) is left out, as it is without `title:`.
        if has_searchable_text(value):
            query.terms.append(Term(" ".join(value.split()), phrase=phrase, negated=negated, in_title=True))
        return True
    if operator == "tag" and normalise_tag(value) and not value.startswith('"'):
        (query.excluded_tags if negated else query.tags).append(normalise_tag(value))
        return True
    if operator == "is" and value.lower() == "pinned":
        query.pinned = not negated
        return True
    if operator == "in" and value.lower() == "trash":
        query.trashed = not negated
        return True
    if operator in ("created", "updated") and (period := period_of(value)):
        query.periods.append(Period(operator, *period, negated=negated))
        return True
    return False


def period_of(value: str) -> tuple[datetime, datetime | None] | None:
    """A year, a month or a day (`2026`, `2026-11`, `2026-11-28`), from the start of its first day
    to the start of the day after its last, in the computer's time zone; `today`, `yesterday`, or
    `day-7` (Joplin's: from the start of the day 7 days ago) until now. None if it is none of them."""
    today = timezone.localdate()
    start_of = lambda day: datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())  # noqa: E731
    relative = {"today": 0, "yesterday": 1}.get(value.lower())
    if relative is None and (ago := DAYS_AGO.match(value)):
        relative = int(ago.group(1))
    if relative is not None:
        return (start_of(today - timedelta(days=relative)), start_of(today) if value.lower() == "yesterday" else None)
    calendar = CALENDAR_DATE.match(value)
    if calendar is None:
        return None
    year, month, day = (int(part) if part else None for part in calendar.groups())
    try:
        first = date(year, month or 1, day or 1)
        if day:
            after = first + timedelta(days=1)
        elif month:
            after = date(year + month // 12, month % 12 + 1, 1)
        else:
            after = date(year + 1, 1, 1)
        # In UTC, as the database compares them: year 1's first day east of UTC is in year 0.
        return start_of(first).astimezone(UTC), start_of(after).astimezone(UTC)
    except (ValueError, OverflowError):  # `2026-13`, `2026-02-30`, the calendar's two ends
        return None


def needs_trigrams(text: str) -> bool:
    """Whether the word index cannot find `text`: a script without spaces, or an emoji."""
    for character in text:
        point = ord(character)
        if character in EMOJI_PARTS or any(low <= point <= high for low, high in NO_SPACE_RANGES):
            return True
        if point > 0x7F and unicodedata.category(character) in ("So", "Sk"):
            return True
    return False


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# The FTS5 expressions ----------------------------------------------------------------------

NOTHING = object()  # a term no note contains


def word_phrase(term: Term) -> str:
    """A word as a prefix (`zeb` finds "zebra"), a phrase exactly. A lone Latin letter or digit
    is the word itself or a prefix of two characters, which the index has (0010), in any of
    LETTER_FOLLOWERS: the prefix of one character alone made FTS5 merge the lists of every word
    that starts with it first (`a`: 311 ms at a million notes, against 2 ms)."""
    if term.phrase:
        return quoted(fold(term.text))
    letter = lone_letter(term)
    if letter:
        return "(" + " OR ".join([quoted(letter), *(quoted(letter + follower) + "*" for follower in LETTER_FOLLOWERS)]) + ")"
    return quoted(fold(term.text)) + "*"


def lone_letter(term: Term) -> str | None:
    """The Latin letter or digit a term of one character is, as the word index folds it (`É`: e, `٣`: 3)."""
    if len(term.text) != 1 or term.phrase:
        return None
    folded = without_accents(fold(term.text).lower())
    return folded if len(folded) == 1 and folded in LETTER_FOLLOWERS else None


def trigram_phrase(term: Term):
    """A term as a substring; one of 1 or 2 characters as any trigram that starts with it (the
    index's content ends in two spaces, so every character starts one). None if there are too
    many such trigrams; NOTHING if there are none."""
    text = term.text.lower()
    if len(text) >= 3:
        return quoted(text)
    starts = trigrams_starting_with(text)
    if starts is None:
        return None
    return "(" + " OR ".join(map(quoted, starts)) + ")" if starts else NOTHING


def expression(index: str, positive: list[Term], negative: list[Term]):
    """`(a AND b) NOT (c OR d)` on the index; None (scan instead) or NOTHING as trigram_phrase.
    A `title:` term is kept to the title column by FTS5's column filter."""
    of_the_index = word_phrase if index == WORD_INDEX else trigram_phrase

    def single(term: Term):
        found = of_the_index(term)
        return f"{{title}} : {found}" if term.in_title and found not in (None, NOTHING) else found

    def phrase(term: Term):
        if not term.alternatives:
            return single(term)
        choices = [single(choice) for choice in term.choices]
        if None in choices:
            return None
        choices = [choice for choice in choices if choice is not NOTHING]
        return "(" + " OR ".join(choices) + ")" if choices else NOTHING

    positives = [phrase(term) for term in positive]
    negatives = [phrase(term) for term in negative]
    if None in positives or None in negatives:
        return None
    if NOTHING in positives:
        return NOTHING
    negatives = [item for item in negatives if item is not NOTHING]
    text = "(" + " AND ".join(positives) + ")" if positives else ""
    if negatives:
        text += (" NOT (" if positives else "(") + " OR ".join(negatives) + ")"
    return text


def index_for(query: Query) -> str:
    return TRIGRAM_INDEX if any(needs_trigrams(fold(term.text)) for term in query.searched) else WORD_INDEX


def trigrams_starting_with(text: str) -> list[str] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term FROM {TRIGRAM_VOCABULARY} WHERE term >= %s AND term < %s LIMIT %s",
            [text, text + "\U0010ffff", MAX_SHORT_TERM_TRIGRAMS + 1],
        )
        terms = [term for (term,) in cursor.fetchall()]
    return None if len(terms) > MAX_SHORT_TERM_TRIGRAMS else terms


# Running a search ---------------------------------------------------------------------------

@dataclass
class Results:
    ids: list[int]
    total: int
    snippets: dict[int, str]  # of the body (its start if only the title matches)
    index: str  # "word", "trigram", "scan" or "none" (only filters)
    total_exact: bool = True  # False: more notes match than `total` (counting stopped there)
    titles: dict[int, str] = field(default_factory=dict)  # each title, HTML, its matches marked


def search_page(query: Query, within: list[QuerySet], outside: list[QuerySet], limit: int, offset: int) -> Results:
    """One page of the notes matching the query's terms, in the scope of `within` and `outside`
    (sets of note ids, as ranked() takes them)."""
    if any(is_empty(note_ids) for note_ids in within):  # an empty trash, say: no pass over the matches
        return Results([], 0, {}, "word" if index_for(query) == WORD_INDEX else "trigram")
    if index_for(query) == WORD_INDEX:
        match = expression(WORD_INDEX, query.positive, query.negative)
        words_phrase = (len(query.positive) == 1 and query.positive[0].phrase and " " in query.positive[0].text
                        and not query.positive[0].alternatives)
        letters_only = all(lone_letter(term) and not term.alternatives for term in query.positive)
        # Kept to the pinned notes outside the trash, the search reads their own index: through the
        # whole one, it read every match of its words to keep the pinned few (issue 18).
        table = PINNED_WORD_INDEX if any(map(pinned_outside_the_trash, within)) else WORD_INDEX
        results = ranked(table, match, within, outside, limit, offset, words_phrase=words_phrase,
                         newest_first=letters_only)
        if results.total or any(len(text) < 3 for text in query.words):
            return results
    match = expression(TRIGRAM_INDEX, query.positive, query.negative)
    if match is None:
        return scanned(query, within, outside, limit, offset)
    if match is NOTHING:
        return Results([], 0, {}, "trigram")
    # (bm25_order() counts a substring in the title and the body: not a `title:` term's score.)
    two_trigrams_or_more = (len(query.positive) == 1 and len(query.positive[0].text) > 3
                            and not query.positive[0].alternatives and not query.positive[0].in_title)
    return ranked(TRIGRAM_INDEX, match, within, outside, limit, offset,
                  common_substring=query.positive[0].text.lower() if two_trigrams_or_more else None,
                  marked=query)


def excluded_notes(query: Query):
    """The notes matching any term left out, as SQL for `pk__in`: for a query of such terms only."""
    index = index_for(query)
    match = expression(index, [], query.negative)
    if match is None:  # too common for the trigram index: a scan
        conditions, params = [], []
        for term in query.negative:
            condition, condition_params = contains_sql(term)
            conditions.append(condition)
            params += condition_params
        return RawSQL(f"SELECT id FROM notes_note WHERE {' OR '.join(conditions)}", params)
    if match is NOTHING or not match:
        return RawSQL("SELECT id FROM notes_note WHERE 0", [])
    return RawSQL(f"SELECT rowid FROM {index} WHERE {index} MATCH %s", [match])


def scope_conditions(
    within: list[QuerySet], outside: list[QuerySet], column: str, pinned_only: bool = False
) -> tuple[list[str], list]:
    """SQL conditions keeping `column`'s notes in every set of `within` and out of every one of
    `outside`. A set is built once per statement (the pinned notes outside the trash from their
    own index); but a tag's notes, of which a common tag has 60,000 among a million, are looked
    up for each row instead, in the (note, tag) index, unless few_to_keep() says the set is cheaper.
    So are the pinned notes outside the trash when `column` holds only such notes (`pinned_only`:
    the pinned notes' word index), each row in their index: what is left to check is whose they are."""
    conditions, params = [], []
    for note_ids, operator in [*((ids, "IN") for ids in within), *((ids, "NOT IN") for ids in outside)]:
        if note_ids.model is Note.tags.through:
            looked_up = operator == "NOT IN" or not few_to_keep(note_ids)
        else:
            looked_up = pinned_only and operator == "IN" and pinned_outside_the_trash(note_ids)
        if looked_up:
            subquery, subquery_params = set_sql(note_ids, of_the_note_in=column.lstrip("+"))
            conditions.append(f"{'NOT ' if operator == 'NOT IN' else ''}EXISTS ({subquery})")
        else:
            subquery, subquery_params = set_sql(note_ids)
            conditions.append(f"{column} {operator} ({subquery})")
        params += subquery_params
    return conditions, params


def few_to_keep(tagged: QuerySet) -> bool:
    """Whether the tag has few enough notes, at most √(TAG_SET_FACTOR × notes), that a search in it
    is quicker with them as a set, built once from migration 0015's index, than with a look-up of
    each match: the set costs each of the tag's notes, the look-ups each match read until the page
    is full (500 × notes ÷ the tag's notes of them). How many it has is the count the database
    keeps (TagNoteCount, its notes in the trash included): counting them took 0.4 ms at 100,000
    notes and 2.5 ms at a million for a common tag."""
    tags = next(rhs for name, lookup, rhs in filters(tagged) if (name, lookup) == ("tag", "in"))
    sql, params = tags.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM notes_note")
        most = math.isqrt(TAG_SET_FACTOR * (cursor.fetchone()[0] or 0))
        cursor.execute(f"SELECT coalesce(sum(notes), 0) FROM {TagNoteCount._meta.db_table} WHERE tag_id IN ({sql})", params)
        return cursor.fetchone()[0] <= most


def set_sql(note_ids: QuerySet, of_the_note_in: str | None = None) -> tuple[str, list]:
    """A set's SQL as Django writes it, the pinned notes outside the trash read through their index;
    with `of_the_note_in` (a column of the outer statement), the set's entry for that note only."""
    through_pinned_index = pinned_outside_the_trash(note_ids)
    if of_the_note_in:
        note = "note_id" if note_ids.model is Note.tags.through else "pk"
        note_ids = note_ids.filter(**{note: RawSQL(of_the_note_in, [])})
    sql, params = note_ids.query.sql_with_params()
    if through_pinned_index:
        table = f'FROM "{Note._meta.db_table}"'
        sql = sql.replace(table, f"{table} INDEXED BY {PINNED_INDEX}", 1)
    return sql, list(params)


def pinned_outside_the_trash(note_ids: QuerySet) -> bool:
    """Whether a set holds only pinned notes outside the trash (an owner's, say)."""
    return note_ids.model is Note and PINNED_OUTSIDE_THE_TRASH <= filters(note_ids)


def is_empty(note_ids: QuerySet) -> bool:
    sql, params = set_sql(note_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT NOT EXISTS ({sql})", params)
        return bool(cursor.fetchone()[0])


def filters(note_ids: QuerySet) -> set[tuple]:
    """The (field, lookup, value) filters that a set's notes all pass."""
    where = note_ids.query.where
    if where.connector != "AND" or where.negated:
        return set()
    return {(lookup.lhs.target.name, lookup.lookup_name, lookup.rhs) for lookup in where.children
            if hasattr(lookup, "lookup_name")}


def new_markers() -> tuple[str, str]:
    """The start and end markers of one search's snippets."""
    start, end = (f"[{secrets.token_hex(MARKER_BYTES)}]" for _ in range(2))
    return start, end


def spaces_collapsed(text: str) -> str:
    """A snippet's text: each run of spaces one space, its line breaks kept, as the list's row
    takes the Markdown out of each line (list.js)."""
    return "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))


def marked_html(excerpt: str, markers: tuple[str, str], collapsed: bool = True) -> str:
    """The excerpt HTML-escaped (its spaces_collapsed(), unless not `collapsed`: a title), and only
    then its markers made <mark> tags."""
    start, end = markers
    return escape(spaces_collapsed(excerpt) if collapsed else excerpt).replace(start, "<mark>").replace(end, "</mark>")


@dataclass
class Highlights:
    """Notes' title and body as FTS5's highlight() gives them, by note id: the text with the
    matches between one search's markers."""

    markers: tuple[str, str] = field(default_factory=new_markers)
    texts: dict[int, tuple[str, str]] = field(default_factory=dict)

    def excerpt(self, note_id: int) -> str:
        """The snippet: excerpt() of the body around its first match, every match in it marked."""
        return excerpt(self.texts[note_id][1], self.marks)

    def title(self, note_id: int) -> str:
        return marked_title(self.texts[note_id][0], self.marks)

    @property
    def marks(self) -> re.Pattern:
        start, end = self.markers
        return re.compile(f"{re.escape(start)}(.*?){re.escape(end)}", re.DOTALL)


def ranked(
    table: str, match: str, within: list[QuerySet], outside: list[QuerySet], limit: int, offset: int,
    common_substring: str | None = None, words_phrase: bool = False, marked: Query | None = None,
    newest_first: bool = False,
) -> Results:
    """One page of the notes matching `match` on any of the indexes, best first, with their snippets.

    Each of `within` and `outside` is a query of note ids; SQLite builds each set once per
    statement, so they should be the small side of each filter (the trash, the pinned notes, a
    tag's notes). The `+` keeps SQLite from handing the scope's ids to FTS5 as rowid lookups (a
    full-text query per id). FTS5 reads the matches newest first and stops at the LIMIT: the
    newest MOST_SCORED with their bm25 scores, sorted by them; then, without scores, the older
    ones up to COUNT_AHEAD past the page, which follow newest first and make the count. A query
    of one phrase of several tokens is scored by bm25_order() instead, in the same order: a
    substring of several trigrams (`common_substring`, lower-cased) when many notes seem to have it; a
    phrase of words always (`words_phrase`), window by window (phrase_windows()). `newest_first`:
    not ranked at all (a query of lone letters, which most notes match: bm25's IDF pass over the
    lists of 37 prefixes took 101 ms at a million notes for `a`). With `marked`
    (the trigram index: the query of substrings), the snippets are excerpts of the notes' text
    with its words marked, not FTS5's: its snippet() read every match between the page's notes again, an OR of
    84 trigrams for one emoji, and marked the trigram a short term matched. The snippets of a
    phrase of words are excerpts of the text bm25_order() had highlight() mark: snippet() checked
    the phrase again in every note with its words between the page's (2.3 of 6.2 ms at 100,000
    notes)."""
    conditions, params = scope_conditions(within, outside, f"+{table}.rowid", pinned_only=table == PINNED_WORD_INDEX)
    where = " AND ".join([f"{table} MATCH %s", *conditions])
    params = [match, *params]
    counted = offset + limit + COUNT_AHEAD
    with connection.cursor() as cursor:
        if words_phrase:
            highlights = Highlights()
            best_first, every_match = phrase_windows(cursor, table, where, params, offset + limit + 1, highlights)
            total, total_exact = len(best_first), every_match
        else:
            scored = bm25_order(cursor, table, where, params, substring=common_substring) if common_substring else None
            if scored is None:
                score, weights = ("0", []) if newest_first else (f"bm25({table}, %s, %s)", [TITLE_WEIGHT, BODY_WEIGHT])
                cursor.execute(
                    f"SELECT rowid, {score} FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s",
                    [*weights, *params, MOST_SCORED],
                )
                scored = cursor.fetchall()
            best_first = best_first_of(scored)
            if len(scored) == MOST_SCORED and counted >= MOST_SCORED:
                cursor.execute(
                    f"SELECT rowid FROM {table} WHERE {where} AND rowid < %s ORDER BY rowid DESC LIMIT %s",
                    [*params, scored[-1][0], counted + 1 - MOST_SCORED],
                )
                best_first += [note_id for (note_id,) in cursor.fetchall()]
            total, total_exact = min(len(best_first), counted), len(best_first) <= counted
        ids = best_first[offset : offset + limit]
        snippets, titles = {}, {}
        if ids and marked is not None:
            cursor.execute(f"SELECT id, title, body FROM notes_note WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
            snippets, titles = excerpts(cursor.fetchall(), marked)
        elif ids and words_phrase:
            unfold_highlights(cursor, ids, highlights)
            snippets = {note_id: highlights.excerpt(note_id) for note_id in ids}
            titles = {note_id: highlights.title(note_id) for note_id in ids}
        elif ids:
            markers = new_markers()
            # The bounds keep the pass to the matches between the page's oldest and newest notes.
            # The snippet is the body's (a `title:` term is not marked there, the column filter says).
            cursor.execute(
                f"SELECT rowid, snippet({table}, 1, %s, %s, '…', %s), highlight({table}, 0, %s, %s) FROM {table} "
                f"WHERE {table} MATCH %s AND rowid BETWEEN %s AND %s AND +rowid IN ({', '.join(['%s'] * len(ids))})",
                [*markers, SNIPPET_WORDS, *markers, match, min(ids), max(ids), *ids],
            )
            for note_id, excerpt, title in cursor.fetchall():
                snippets[note_id] = marked_html(excerpt, markers)
                titles[note_id] = marked_html(title, markers, collapsed=False)
            unmarked = [note_id for note_id, excerpt in snippets.items() if "<mark>" not in excerpt]
            if unmarked:
                cursor.execute(f"SELECT id, body FROM notes_note WHERE id IN ({', '.join(['%s'] * len(unmarked))})", unmarked)
                snippets.update({note_id: start_of_body(body) for note_id, body in cursor.fetchall()})
            highlights = Highlights()
            folded = unfold_highlights(cursor, ids, highlights, (table, match))
            snippets.update({note_id: highlights.excerpt(note_id) for note_id in folded})
            titles.update({note_id: highlights.title(note_id) for note_id in folded})
    index = "trigram" if table == TRIGRAM_INDEX else "word"
    return Results(ids, total, snippets, index, total_exact=total_exact, titles=titles)


def unfold_highlights(cursor, ids: list[int], highlights: Highlights, marking: tuple[str, str] | None = None) -> list[int]:
    """The word indexes hold the notes' text folded (search_folding.py), and FTS5 marks the matches
    in that: of the notes `ids` whose text folding changes, `highlights` gets their own text with
    the same words marked, and their ids are returned. With `marking` (an index and a MATCH), their
    matches are marked here first; else `highlights` has them."""
    cursor.execute(f"SELECT id, title, body FROM notes_note WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
    originals = {note_id: (title, body) for note_id, title, body in cursor.fetchall()
                 if fold(title) != title or fold(body) != body}
    if originals and marking:
        table, match = marking
        start, end = highlights.markers
        cursor.execute(
            f"SELECT rowid, highlight({table}, 0, %s, %s), highlight({table}, 1, %s, %s) FROM {table} "
            f"WHERE {table} MATCH %s AND rowid IN ({', '.join(['%s'] * len(originals))})",
            [start, end, start, end, match, *originals],
        )
        highlights.texts.update({note_id: (title, body) for note_id, title, body in cursor.fetchall()})
    for note_id, texts in originals.items():
        highlights.texts[note_id] = tuple(unfolded(original, marked, highlights.markers)
                                          for original, marked in zip(texts, highlights.texts[note_id]))
    return list(originals)


def best_first_of(scored: list[tuple[int, float]]) -> list[int]:
    """Note ids by bm25's score (lower is better), then newest first."""
    return [note_id for note_id, _ in sorted(scored, key=lambda row: (row[1], -row[0]))]


def phrase_windows(
    cursor, table: str, where: str, params: list, wanted: int, highlights: Highlights
) -> tuple[list[int], bool]:
    """At least `wanted` matches of a query of one phrase of words, if it has so many, and
    whether they are all of them, their text marked in `highlights`. They come window by window,
    newest first, each window best first: a window is PHRASE_WINDOW notes by id, the newest
    first, or fewer if its matches reach MOST_SCORED (then it ends at the last of them). The
    windows do not depend on the page asked for, so that pages asked one after the other follow
    one order."""
    cursor.execute("SELECT max(id) FROM notes_note")
    found, upper = [], (cursor.fetchone()[0] or 0) + 1
    while True:
        lower = upper - PHRASE_WINDOW
        window = f"{where} AND rowid >= %s AND rowid < %s"
        scored = bm25_order(cursor, table, window, [*params, lower, upper], highlights=highlights)
        found += best_first_of(scored)
        if len(scored) == MOST_SCORED:
            lower = scored[-1][0]
        if lower <= 1:
            return found, True
        if len(found) >= wanted:
            return found, False
        upper = lower


def bm25_order(
    cursor, table: str, where: str, params: list, substring: str | None = None, highlights: Highlights | None = None
) -> list[tuple[int, float]] | None:
    """The newest MOST_SCORED matches of a query of one phrase, each with bm25's score but for the
    phrase's IDF, a factor the same for every note: so in bm25's order. For a `substring` (the
    trigram index), None if few notes seem to have it: then FTS5's bm25 is quicker. For a phrase of
    words, `highlights` keeps each note's text as highlight() marked it.

    On every statement, FTS5's bm25 counts the notes that have the phrase, checking its tokens'
    positions in each note that has them all: 59 ms for `eadlin` (179,000 notes) at a million
    notes, 37 ms for "project deadline" (65,000 notes with both words). Here the phrase's matches
    in each column are counted: a substring in the note's own text, lower-cased as the trigram
    index folds it; a phrase of words in highlight()'s marks, which tokenizes each note again (26
    ms for the newest 500 at a million notes, the substring's count 5). The note's length is, on
    the trigram index, its number of characters (its text ends each column in two spaces, 0005, so
    each character starts one trigram); on the word index, read from its docsize table. The average
    length is read from the index's averages record, as bm25 reads it. How many notes have a
    substring is guessed from how far back its newest PHRASE_SAMPLE go; a phrase of words costs
    bm25 the notes with all its words, more."""
    if substring is not None:
        cursor.execute(f"SELECT rowid FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s", [*params, PHRASE_SAMPLE])
        newest = [note_id for (note_id,) in cursor.fetchall()]
        if len(newest) < PHRASE_SAMPLE or PHRASE_SAMPLE * newest[0] / (newest[0] - newest[-1] + 1) < MANY_NOTES_WITH_PHRASE:
            return None
    cursor.execute(f"SELECT block FROM {table}_data WHERE id = 1")
    rows, *column_totals = varints(cursor.fetchone()[0])
    if not rows:  # an index of no notes: before the first, or after the last was deleted
        return []
    average_length = sum(column_totals) / rows
    if substring is not None:
        cursor.execute(
            f"SELECT {table}.rowid, note.title, note.body FROM {table} "
            f"JOIN notes_note note ON note.id = {table}.rowid WHERE {where} ORDER BY {table}.rowid DESC LIMIT %s",
            [*params, MOST_SCORED],
        )
        counted = [(note_id, occurrences(title.lower(), substring), occurrences(body.lower(), substring),
                    len(title) + len(body)) for note_id, title, body in cursor.fetchall()]
    else:
        start, end = highlights.markers
        cursor.execute(
            f"SELECT rowid, highlight({table}, 0, %s, %s), highlight({table}, 1, %s, %s), "
            f"(SELECT sz FROM {table}_docsize WHERE id = {table}.rowid) FROM {table} "
            f"WHERE {where} ORDER BY rowid DESC LIMIT %s",
            [start, end, start, end, *params, MOST_SCORED],
        )
        counted = []
        for note_id, title, body, sizes in cursor.fetchall():
            highlights.texts[note_id] = title, body
            counted.append((note_id, title.count(start), body.count(start), sum(varints(sizes))))
    scored = []
    for note_id, in_title, in_body, length in counted:
        frequency = TITLE_WEIGHT * in_title + BODY_WEIGHT * in_body
        saturation = BM25_K1 * (1 - BM25_B + BM25_B * length / average_length)
        scored.append((note_id, -(frequency * (BM25_K1 + 1)) / (frequency + saturation)))
    return scored


def occurrences(text: str, substring: str) -> int:
    """How many times `substring` is in `text`, overlapping ones too: a phrase of trigrams matches
    at each place it starts. str.count()'s, unless the substring might overlap itself ("ana" in
    "banana"), which it can only if its first character comes again in it."""
    if substring[0] not in substring[1:]:
        return text.count(substring)
    count, at = 0, text.find(substring)
    while at >= 0:
        count, at = count + 1, text.find(substring, at + 1)
    return count


def varints(data: bytes) -> list[int]:
    """The numbers in SQLite's variable-length encoding, in which FTS5 keeps its sizes: 7 bits a
    byte, the high bit set on all but the last, and a 9th byte of 8 bits."""
    numbers, value, count = [], 0, 0
    for byte in data:
        count += 1
        if count == 9:
            numbers.append((value << 8) | byte)
            value, count = 0, 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            numbers.append((value << 7) | byte)
            value, count = 0, 0
    return numbers


def scanned(query: Query, within: list[QuerySet], outside: list[QuerySet], limit: int, offset: int) -> Results:
    """A term too common for the trigram index (one CJK character, say): every note's text is
    read. Ranked as bm25 would put them first: a match in the title, then the newest."""
    conditions, params = scope_conditions(within, outside, "notes_note.id")
    for term in query.terms:
        contains, contains_params = contains_sql(term)
        conditions.append(f"NOT {contains}" if term.negated else contains)
        params += contains_params
    where = " AND ".join(conditions)
    first = query.positive[0].text.lower() if query.positive else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM notes_note WHERE {where}", params)
        (total,) = cursor.fetchone()
        cursor.execute(
            f"SELECT id, title, body FROM notes_note WHERE {where} "
            "ORDER BY instr(lower(title), %s) > 0 DESC, updated DESC, id DESC LIMIT %s OFFSET %s",
            [*params, first, limit, offset],
        )
        rows = cursor.fetchall()
    snippets, marked_titles = excerpts(rows, query)
    return Results([row[0] for row in rows], total, snippets, "scan", titles=marked_titles)


def contains_sql(term: Term) -> tuple[str, list]:
    """SQL true for the notes whose text has the term (any of an OR's), case aside; a `title:`
    term in the title alone."""
    conditions, params = [], []
    for choice in term.choices:
        text = choice.text.lower()
        if choice.in_title:
            conditions.append("instr(lower(title), %s) > 0")
            params.append(text)
        else:
            conditions.append("(instr(lower(title), %s) > 0 OR instr(lower(body), %s) > 0)")
            params += [text, text]
    return "(" + " OR ".join(conditions) + ")", params


def excerpts(rows: list[tuple[int, str, str]], query: Query) -> tuple[dict[int, str], dict[int, str]]:
    """The snippet and the marked title of each (id, title, body) of the query's notes, made here
    rather than by FTS5: see excerpt(). A `title:` term is marked in the title alone."""
    in_title, in_body = words_pattern(query.words), words_pattern(query.body_words)
    snippets = {note_id: excerpt(body, in_body) for note_id, _, body in rows}
    return snippets, {note_id: marked_title(title, in_title) for note_id, title, _ in rows}


def words_pattern(words: list[str]) -> re.Pattern | None:
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE) if words else None


def start_of_body(body: str) -> str:
    """HTML: the snippet of a note whose body has no match, its first BODY_START characters (the
    row shows it as it shows the note's text with no search)."""
    return escape(spaces_collapsed(body[: whole_characters_end(body, BODY_START)]))


def marked_title(title: str, pattern: re.Pattern | None) -> str:
    """HTML: the whole title, every match of `pattern` marked (see marked_matches())."""
    html, at, _ = marked_matches(title, list(pattern.finditer(title)) if pattern else [], 0, len(title))
    return html + escape(title[at:])


def marked_matches(text: str, found: list[re.Match], begin: int, end: int) -> tuple[str, int, int]:
    """HTML of `text` from `begin`, each match of `found` that starts before `end` marked as the note
    writes it, or its first group if the pattern has one (what is between two markers), between
    whole characters as they are seen; and where the marked text stops, and `end` moved past the
    last match marked."""
    parts, at = [], begin
    for match in found:
        if match.start() >= end:
            break
        if match.lastindex:
            start, marked, after = match.start(), match.group(match.lastindex), match.end()
        else:
            start, after = max(at, whole_characters_start(text, match.start())), whole_characters_end(text, match.end())
            marked = text[start:after]
        parts += [escape(text[at:start]), "<mark>", escape(marked), "</mark>"]
        at, end = after, max(end, after)
    return "".join(parts), at, end


def excerpt(body: str, pattern: re.Pattern | None, context: int = 30) -> str:
    """HTML: the text around the first match of `pattern` in the body, each match in it marked
    (marked_matches()); start_of_body() if it has none. Where the text has spaces between words, it
    starts and ends with whole words; it is cut between whole characters as they are seen (an
    emoji's skin tone, a flag's second letter, an accent stay with theirs)."""
    found = list(pattern.finditer(body)) if pattern else []
    if not found:
        return start_of_body(body)
    begin, end = max(0, found[0].start() - context), found[0].end() + context
    if begin and not body[begin - 1].isspace():  # from the next word on, if there is one
        begin = next((space.end() for space in WHITESPACE.finditer(body, begin, found[0].start())), begin)
    begin = whole_characters_start(body, begin)
    html, at, end = marked_matches(body, found, begin, end)
    end = whole_characters_end(body, min(end, len(body)))
    if end < len(body) and not body[end].isspace():  # up to the last whole word, if there is one
        end = max([space.start() for space in WHITESPACE.finditer(body, at, end)], default=end)
    return spaces_collapsed(("…" if begin else "") + html + escape(body[at:end]) + ("…" if end < len(body) else ""))
