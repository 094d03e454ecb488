"""Full-text search: GET /api/notes/?q=…"""

from datetime import datetime, timezone

import pytest
from django.db import connection

from embedded_site.notes import search_query
from embedded_site.notes.models import Note
from tests.notes.conftest import SUBSTRING_INDEX, check_search_index


def titles(response):
    assert response.status_code == 200, response.content
    return [note["title"] for note in response.json()["notes"]]


def test_search_finds_notes_by_the_start_of_a_word(api, make_note):
    make_note(title="Animals", body="A zebra crossing")
    make_note(title="Plants", body="A fern")
    assert titles(api.get("/api/notes/", {"q": "zeb"})) == ["Animals"]


def test_search_needs_every_word(api, make_note):
    make_note(title="both", body="red apple")
    make_note(title="one", body="red car")
    assert titles(api.get("/api/notes/", {"q": "apple red"})) == ["both"]


def test_search_ignores_case_and_accents(api, make_note):
    make_note(title="Café crème")
    assert titles(api.get("/api/notes/", {"q": "CAFE creme"})) == ["Café crème"]


# What a person of each language types for a word written with its marks, or the other way round.
FOLDED_SEARCHES = [
    ("كَتَبَ الوَلَدُ الدَّرْسَ", "كتب", "<mark>كَتَبَ</mark> الوَلَدُ الدَّرْسَ"),  # Arabic harakat
    ("الدرس الأول", "الدَّرْسُ", "<mark>الدرس</mark> الأول"),  # and the other way round
    ("بسم الله الرحمـــن", "الرحمن", "بسم الله <mark>الرحمـــن</mark>"),  # a tatweel's stretch
    ("إسلام وأمن", "اسلام وامن", "<mark>إسلام</mark> <mark>وأمن</mark>"),  # alef typed without its hamza
    ("این کتاب خوبی است", "كتاب", "این <mark>کتاب</mark> خوبی است"),  # Persian kaf, searched on an Arabic keyboard
    ("كتاب عربي", "کتاب عربی", "<mark>كتاب</mark> <mark>عربي</mark>"),  # and Arabic kaf and ye on a Persian one
    ("خانۀ ما", "خانه", "<mark>خانۀ</mark> ما"),  # Persian heh with yeh
    ("فاتورة رقم ١٢٣٤", "1234", "فاتورة رقم <mark>١٢٣٤</mark>"),  # Arabic-Indic digits
    ("سال ۱۴۰۳", "١٤٠٣", "سال <mark>۱۴۰۳</mark>"),  # Persian digits, searched with Arabic ones
    ("שָׁלוֹם עוֹלָם", "שלום", "<mark>שָׁלוֹם</mark> עוֹלָם"),  # Hebrew niqqud
    ("Καλημέρα κόσμε", "καλημερα", "<mark>Καλημέρα</mark> κόσμε"),  # Greek accents
    ("Ёлка и ёж", "елка", "<mark>Ёлка</mark> и ёж"),  # Russian ё
    ("Die Straße ist groß", "strasse", "Die <mark>Straße</mark> ist groß"),  # German ß
    ("Die Strasse", "Straße", "Die <mark>Strasse</mark>"),
    ("型番 ＡＢＣ１２３ を注文", "abc123", "型番 <mark>ＡＢＣ１２３</mark> を注文"),  # full-width Latin
    ("order abc123", "ＡＢＣ", "order <mark>abc123</mark>"),
    ("नमस्ते दुनिया", "नमस्ते", "<mark>नमस्ते</mark> दुनिया"),  # a virama does not cut a Hindi word in two
]


@pytest.mark.desktop  # the marks on the notes' own letters: PostgreSQL's ts_headline marks the words as written (docs/server.md)
@pytest.mark.parametrize("body, query, snippet", FOLDED_SEARCHES)
def test_search_folds_the_marks_a_language_may_leave_out_and_marks_the_notes_own_letters(api, make_note, body, query, snippet):
    make_note(title="Note", body=body)
    make_note(title="Other", body="nothing of the kind")
    found = api.get("/api/notes/", {"q": query}).json()
    assert found["index"] == "word" and [note["snippet"] for note in found["notes"]] == [snippet]
    check_search_index()


@pytest.mark.parametrize("body, query", [(body, query) for body, query, _ in FOLDED_SEARCHES] + [
    ("Η οδός μας", "ΟΔΟΣ"), ("ΟΔΟΣ ΠΑΝΕΠΙΣΤΗΜΙΟΥ", "οδος"), ("Η οδός μας", '"ΟΔΟΣ ΜΑΣ"'),  # Greek's final sigma
])
def test_search_finds_the_folded_words_on_either_database(api, make_note, body, query):
    """On PostgreSQL, search took off what unaccent takes off alone, and its lower() left the final
    sigma (ς) apart from σ: `كتب` missed "كَتَبَ", `ΟΔΟΣ` "οδός", `1234` "١٢٣٤" (migration 0028)."""
    make_note(title="Note", body=body)
    make_note(title="Other", body="nothing of the kind")
    assert titles(api.get("/api/notes/", {"q": query})) == ["Note"]
    check_search_index()


@pytest.mark.desktop
def test_folded_words_are_found_in_titles_among_the_pinned_notes_and_as_phrases(api, make_note):
    make_note(title="Straße der Einheit", body="Karte", pinned=True)
    make_note(title="Plain", body="كَتَبَ الوَلَدُ الدَّرْسَ في المدرسة")
    assert titles(api.get("/api/notes/", {"q": "is:pinned strasse"})) == ["Straße der Einheit"]
    phrase = api.get("/api/notes/", {"q": '"كتب الولد"'}).json()
    assert [note["snippet"] for note in phrase["notes"]] == ["<mark>كَتَبَ الوَلَدُ</mark> الدَّرْسَ في المدرسة"]
    assert titles(api.get("/api/notes/", {"q": "-كتب"})) == ["Straße der Einheit"]


@pytest.mark.desktop
def test_a_lone_arabic_digit_lists_the_notes_a_lone_latin_one_does_in_the_same_order(api, make_note):
    make_note(title="٣ ٣ ٣", body="صفحة")
    make_note(title="Later", body="page 3")
    make_note(title="Other", body="page 4")
    latin, arabic = (titles(api.get("/api/notes/", {"q": digit})) for digit in ("3", "٣"))
    assert latin == arabic == ["Later", "٣ ٣ ٣"]


@pytest.mark.desktop
def test_turkish_dotless_i_and_russian_short_i_stay_letters_of_their_own(api, make_note):
    make_note(title="ılık", body="йод")
    assert titles(api.get("/api/notes/", {"q": "ilik"})) == []
    assert titles(api.get("/api/notes/", {"q": "иод"})) == []
    assert titles(api.get("/api/notes/", {"q": "ılık йод"})) == ["ılık"]


def test_a_title_match_ranks_before_body_matches(api, make_note):
    make_note(title="Shopping", body="zebra zebra zebra zebra, and another zebra")
    make_note(title="Zebra", body="Notes about stripes and a long walk through the savannah.")
    make_note(title="Trip", body="We saw a zebra.")
    assert titles(api.get("/api/notes/", {"q": "zebra"}))[0] == "Zebra"


@pytest.mark.parametrize(
    "query",
    [
        'zebra" OR (',
        '"',
        '""',
        "*",
        "(",
        ")))",
        "zebra AND",
        "NOT zebra",
        "NEAR(zebra stripes)",
        "title:zebra",
        "{title body}: zebra",
        "-zebra",
        "^zebra",
        "zebra*",
        "'; DROP TABLE notes_note; --",
        "\\",
        "+",
        ":",
        "a\tb\nc",
    ],
)
def test_search_syntax_from_the_person_is_taken_as_words_never_a_500(api, make_note, query):
    make_note(title="zebra stripes")
    response = api.get("/api/notes/", {"q": query})
    assert response.status_code == 200
    assert Note.objects.count() == 1


def test_quotes_in_a_word_are_escaped_inside_the_phrase():
    query = search_query.parse('zebra" OR (')  # (an OR with nothing after it is left out, as being typed)
    assert search_query.expression(search_query.WORD_INDEX, query.positive, query.negative) == '("zebra"""*)'
    query = search_query.parse('zebra" OR "NEAR" OR (')
    assert search_query.expression(search_query.WORD_INDEX, query.positive, query.negative) == '(("zebra"""* OR "NEAR"))'


# Words the desktop's index cuts at each punctuation mark, and PostgreSQL's parser kept whole: an
# e-mail address, a host, a path, a number with a point, a date.
JOINED_WORDS = "Mail ana@example.com, guide at docs.example.org/setup.html; pi 3.14 by 2026-12-07 in /usr/local/bin"


@pytest.mark.parametrize("query", ["example", "com", "org", "setup", "html", "14", "12", "07", "local", "bin",
                                   "ana@example", "example.org", "3.14", "2026-12", '"example com"', '"ana@example.com"'])
def test_words_joined_by_punctuation_are_found_each_as_on_the_desktop_on_either_database(api, make_note, query):
    """On PostgreSQL, `ana@example.com` was one word: `example` or `14` alone missed the note (or
    found it by a scan only if no note had it as a word), where the desktop's FTS5 finds it."""
    make_note(title="Contacts", body=JOINED_WORDS)
    make_note(title="Other", body="example com org setup html 14 12 07 local bin, each alone")
    found = api.get("/api/notes/", {"q": f"{query} -alone"}).json()
    assert ([note["title"] for note in found["notes"]], found["index"]) == (["Contacts"], "word")


def test_search_words_that_are_fts_keywords_are_searched_as_words(api, make_note):
    make_note(title="Or else", body="near the end")
    make_note(title="Other")
    assert titles(api.get("/api/notes/", {"q": "OR NEAR"})) == ["Or else"]


def test_the_snippet_marks_the_matching_words(api, make_note):
    make_note(title="Trip", body="We saw a zebra by the river.")
    snippet = api.get("/api/notes/", {"q": "zebra"}).json()["notes"][0]["snippet"]
    assert "<mark>zebra</mark>" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1


@pytest.mark.desktop  # FTS5's snippet text; ts_headline drops what looks like a tag (docs/server.md)
def test_the_snippet_escapes_the_note_text_and_adds_only_mark_tags(api, make_note):
    make_note(title="x", body='<script>alert("zebra")</script> & <b>zebra</b>')
    snippet = api.get("/api/notes/", {"q": "zebra"}).json()["notes"][0]["snippet"]
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;alert(&quot;<mark>zebra</mark>&quot;)&lt;/script&gt; &amp; &lt;b&gt;<mark>zebra</mark>" in snippet


@pytest.mark.desktop  # FTS5's snippet text; ts_headline drops what looks like a tag (docs/server.md)
def test_characters_of_the_note_never_turn_into_mark_tags(api, make_note):
    """They were the markers: U+E000 and U+E001 in a note became <mark> and </mark>."""
    make_note(title="Private use", body="before \ue000not a match\ue001 and a zebra [0] [mark]")
    snippet = api.get("/api/notes/", {"q": "zebra"}).json()["notes"][0]["snippet"]
    assert snippet == "before \ue000not a match\ue001 and a <mark>zebra</mark> [0] [mark]"


@pytest.mark.parametrize("query, index", [("会議", SUBSTRING_INDEX), ("eting", SUBSTRING_INDEX), ("zebra", "word")])
def test_private_use_characters_stay_text_on_every_index(api, make_note, query, index):
    make_note(title="Private use", body="今日の会議 \ue000not a match\ue001 meeting zebra")
    response = api.get("/api/notes/", {"q": query}).json()
    assert response["index"] == index
    snippet = response["notes"][0]["snippet"]
    assert "\ue000not a match\ue001" in snippet and snippet.count("<mark>") == snippet.count("</mark>") >= 1


def test_a_scanned_search_marks_only_the_match(api, make_note, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_SHORT_TERM_TRIGRAMS", 0)
    make_note(title="Private use", body="\ue000before\ue001 会 <b>")
    response = api.get("/api/notes/", {"q": "会"}).json()
    assert response["index"] == "scan"
    assert response["notes"][0]["snippet"] == "\ue000before\ue001 <mark>会</mark> &lt;b&gt;"


@pytest.mark.parametrize("query, snippet", [
    ("tickets", "# Plan\n- [x] <mark>Tickets</mark> booked"),
    ("ickets", "# Plan\n- [x] T<mark>ickets</mark> booked"),
    ("-zebra", "# Plan\n- [x] Tickets booked"),
])
def test_a_snippet_keeps_the_notes_line_breaks_for_the_row_to_take_each_lines_markdown_out(api, make_note, query, snippet):
    """Made one line, `- [x]` amid the text is no list item's start any more (list.js)."""
    make_note(title="Plan", body="# Plan\n\n- [x]  Tickets \t booked\n")
    assert [note["snippet"] for note in api.get("/api/notes/", {"q": query}).json()["notes"]] == [snippet]


@pytest.mark.parametrize("query, marked", [
    ("会", "今日の<mark>会</mark>議と<mark>会</mark>食、それから長い文章。長い文章。長い文章。長い文章。長…"),
    ("🎉", "Party <mark>🎉</mark> then cake <mark>🎉</mark>"),
    ("会議 会食", "今日の<mark>会議</mark>と<mark>会食</mark>、それから長い文章。長い文章。長い文章。長い文章。長い…"),
    ("EADLIN", "the d<mark>eadlin</mark>e, and the D<mark>EADLIN</mark>E and more…"),
])
def test_a_substring_is_marked_wherever_the_excerpt_has_it_as_the_note_writes_it(api, make_note, query, marked):
    make_note(title="Party", body="Party 🎉 then cake 🎉")
    make_note(title="予定", body="今日の会議と会食、それから" + "長い文章。" * 20)
    make_note(title="Dates", body="the deadline, and the DEADLINE" + " and more words" * 10)
    response = api.get("/api/notes/", {"q": query}).json()
    assert response["index"] == SUBSTRING_INDEX
    assert [note["snippet"] for note in response["notes"]] == [marked]


@pytest.mark.desktop  # an excerpt of highlight()'s text; ts_headline on PostgreSQL (docs/server.md)
@pytest.mark.parametrize("body, query, snippet", [
    ("Votes 👍🏿👍🏻 and 👍", "👍", "Votes <mark>👍🏿</mark><mark>👍🏻</mark> and <mark>👍</mark>"),  # skin tones kept
    ("🇫🇷" * 20 + "。会議", "会議", "…" + "🇫🇷" * 15 + "。<mark>会議</mark>"),  # not a flag's second letter first
    ("x👩‍💻" * 20 + "。会議", "会議", "…" + "👩‍💻" + "x👩‍💻" * 7 + "。<mark>会議</mark>"),  # nor what a ZWJ joins
])
def test_a_snippet_cuts_and_marks_between_whole_characters_as_they_are_seen(api, make_note, body, query, snippet):
    make_note(title="Signs", body=body)
    response = api.get("/api/notes/", {"q": query}).json()
    assert [note["snippet"] for note in response["notes"]] == [snippet]


@pytest.mark.desktop  # an excerpt of highlight()'s text; ts_headline on PostgreSQL (docs/server.md)
def test_a_phrase_is_marked_where_the_note_has_it_and_its_words_elsewhere_are_not(api, make_note):
    make_note(title="Red apple", body='Words first: a red <b>apple</b> \ue000, then a "Red  Apple" pie and red apples' + " and more" * 9)
    make_note(title="Plain", body="apple red")
    found = api.get("/api/notes/", {"q": '"red apple"'}).json()
    assert found["index"] == "word" and [note["snippet"] for note in found["notes"]] == [
        '…a red &lt;b&gt;apple&lt;/b&gt; \ue000, then a &quot;<mark>Red Apple</mark>&quot; pie and red apples and more…'
    ]


@pytest.mark.desktop  # the SQLite engine's order; PostgreSQL ranks every match (docs/server.md)
@pytest.mark.parametrize("letter", ["a", "A", "á", "7"])
def test_a_lone_letter_finds_every_word_it_starts_newest_first(api, make_note, letter):
    found = {"a": ["Écrit", "apple", "a", "Avocado"], "7": ["7zip"]}["7" if letter == "7" else "a"]
    for title in ["Avocado", "banana", "a", "cherry", "apple", "Écrit", "7zip", "bread"]:
        make_note(title=title, body="an écrit" if title == "Écrit" else "")
    answer = api.get("/api/notes/", {"q": letter}).json()
    assert [note["title"] for note in answer["notes"]] == found  # newest first: one letter is not ranked
    assert (answer["total"], answer["total_exact"]) == (len(found), True)
    if letter == "a":
        assert sorted(titles(api.get("/api/notes/", {"q": "-a"}))) == ["7zip", "banana", "bread", "cherry"]


def test_notes_without_a_query_have_no_snippet(api, make_note):
    make_note(title="zebra")
    assert "snippet" not in api.get("/api/notes/").json()["notes"][0]


def test_search_keeps_the_filters_and_leaves_out_the_trash(api, make_note):
    make_note(title="zebra at work", tags=["work"])
    make_note(title="zebra at home", tags=["home"])
    make_note(title="zebra in the trash", tags=["work"], trashed_at=datetime.now(timezone.utc))
    assert titles(api.get("/api/notes/", {"q": "zebra", "tag": "work"})) == ["zebra at work"]
    assert titles(api.get("/api/notes/", {"q": "zebra", "trashed": "1"})) == ["zebra in the trash"]


@pytest.mark.parametrize("trashed", ["0", "1"])
@pytest.mark.parametrize("pinned", [None, "1", "0"])
@pytest.mark.parametrize("tag", [None, "work"])
def test_search_keeps_every_combination_of_filters_as_the_list_does(api, make_note, trashed, pinned, tag):
    trashed_at = datetime.now(timezone.utc)
    for in_trash in (False, True):
        for is_pinned in (False, True):
            for tags in ([], ["work"], ["home"], ["work", "home"]):
                fields = {"pinned": is_pinned, "trashed_at": trashed_at if in_trash else None}
                make_note(title=f"zebra {in_trash} {is_pinned} {tags}", tags=tags, **fields)
                make_note(title=f"giraffe {in_trash} {is_pinned} {tags}", tags=tags, **fields)
    filters = {name: value for name, value in [("trashed", trashed), ("pinned", pinned), ("tag", tag)] if value}
    zebras = sorted(title for title in titles(api.get("/api/notes/", filters)) if title.startswith("zebra"))
    found = api.get("/api/notes/", {**filters, "q": "zebra"})
    assert sorted(titles(found)) == zebras and found.json()["total"] == len(zebras) > 0


def test_search_pages_follow_the_ranking_and_count_every_match(api, make_note):
    for number in range(12):
        make_note(title="zebra" if number % 3 == 0 else f"note {number}", body="zebra " * (number % 4 + 1))
    make_note(title="zebra in the trash", trashed_at=datetime.now(timezone.utc))
    whole = api.get("/api/notes/", {"q": "zebra"})
    pages = [api.get("/api/notes/", {"q": "zebra", "limit": 5, "offset": offset}) for offset in (0, 5, 10)]
    assert [page.json()["total"] for page in [whole, *pages]] == [12] * 4
    assert sum((titles(page) for page in pages), []) == titles(whole)
    assert titles(whole)[:4] == ["zebra"] * 4


def test_search_pages_and_counts_every_match(api, make_note):
    for number in range(7):
        make_note(title=f"zebra {number}")
    make_note(title="giraffe")
    response = api.get("/api/notes/", {"q": "zebra", "limit": 3, "offset": 6})
    assert len(response.json()["notes"]) == 1
    assert response.json()["total"] == 7


def test_the_index_follows_every_write(api, make_note, django_capture_on_commit_callbacks):
    note = make_note(title="zebra", body="stripes")
    check_search_index()
    api.patch(f"/api/notes/{note.pk}/", {"version": 1, "title": "giraffe"})
    check_search_index()
    assert titles(api.get("/api/notes/", {"q": "zebra"})) == []
    assert titles(api.get("/api/notes/", {"q": "giraffe"})) == ["giraffe"]
    api.delete(f"/api/notes/{note.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/api/notes/{note.pk}/?purge=1")
    check_search_index()


EVERY_KIND_OF_QUERY = ["zebra", "red apple", '"red apple"', "eadlin", "会議", "🎉", "tag:work zebra", "zebra -apple",
                       "is:pinned zebra", "in:trash zebra"]


@pytest.mark.parametrize("query", EVERY_KIND_OF_QUERY)
def test_every_kind_of_query_finds_nothing_before_the_first_note_and_after_the_last(
    api, make_note, django_capture_on_commit_callbacks, query
):
    def found():
        response = api.get("/api/notes/", {"q": query})
        assert response.status_code == 200, response.content
        return response.json()["notes"], response.json()["total"]

    assert found() == ([], 0)
    note = make_note(title="gone", body="red apple zebra")
    api.delete(f"/api/notes/{note.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/api/notes/{note.pk}/?purge=1")
    assert found() == ([], 0)


def test_past_the_scored_matches_the_best_of_the_newest_come_first_then_the_rest_newest_first(
    api, make_note, monkeypatch
):
    monkeypatch.setattr(search_query, "MOST_SCORED", 4)
    for number in range(6):
        make_note(title=f"older {number}", body="zebra")
    make_note(title="Zebra", body="the best match, among the four newest")
    for number in range(3):
        make_note(title=f"newer {number}", body="a zebra " + "and more words " * number)
    whole = titles(api.get("/api/notes/", {"q": "zebra"}))
    assert whole[0] == "Zebra"
    assert sorted(whole[:4]) == ["Zebra", "newer 0", "newer 1", "newer 2"]
    assert whole[4:] == [f"older {number}" for number in reversed(range(6))]
    pages = [api.get("/api/notes/", {"q": "zebra", "limit": 3, "offset": offset}) for offset in (0, 3, 6, 9)]
    assert sum((titles(page) for page in pages), []) == whole


@pytest.mark.desktop  # the SQLite engine stops counting; PostgreSQL counts every match (docs/server.md)
def test_the_count_stops_past_the_page_and_says_so(api, make_note, monkeypatch):
    monkeypatch.setattr(search_query, "COUNT_AHEAD", 3)
    for number in range(10):
        make_note(title=f"zebra {number}")
    first = api.get("/api/notes/", {"q": "zebra", "limit": 2}).json()
    assert (first["total"], first["total_exact"]) == (5, False)
    last = api.get("/api/notes/", {"q": "zebra", "limit": 2, "offset": 6}).json()
    assert (last["total"], last["total_exact"], len(last["notes"])) == (10, True, 2)


@pytest.mark.desktop  # the SQLite indexes' names; PostgreSQL says "scan" for substrings (docs/server.md)
def test_a_search_of_an_empty_trash_or_an_unused_tag_finds_nothing_and_says_which_index(api, make_note):
    make_note(title="zebra", tags=["animals"])
    for query in ["in:trash zebra", "tag:plants zebra", "in:trash 東京"]:
        answer = api.get("/api/notes/", {"q": query}).json()
        assert (answer["notes"], answer["total"]) == ([], 0), query
    assert api.get("/api/notes/", {"q": "in:trash 東京"}).json()["index"] == "trigram"
    make_note(title="zebra, thrown away", trashed_at=datetime.now(timezone.utc))
    assert titles(api.get("/api/notes/", {"q": "in:trash zebra"})) == ["zebra, thrown away"]


@pytest.mark.desktop  # the SQLite indexes' names; PostgreSQL says "scan" for substrings (docs/server.md)
def test_tags_keep_and_leave_out_notes_alike_on_every_index_and_on_a_scan(api, make_note, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_SHORT_TERM_TRIGRAMS", 0)
    make_note(title="会 work", body="zebra 東京都", tags=["work"])
    make_note(title="会 home", body="zebra 東京都", tags=["home", "work"])
    make_note(title="会 none", body="zebra 東京都")
    for term, index in [("zebra", "word"), ("東京都", "trigram"), ("会", "scan")]:
        kept = api.get("/api/notes/", {"q": f"{term} tag:work -tag:home"}).json()
        assert ([note["title"] for note in kept["notes"]], kept["index"]) == (["会 work"], index)
        assert sorted(titles(api.get("/api/notes/", {"q": f"{term} -tag:work"}))) == ["会 none"], term


@pytest.mark.desktop  # against FTS5's own bm25
@pytest.mark.parametrize("many", [0, 10**9])
def test_a_substring_that_many_notes_have_is_ranked_in_bm25s_order_without_it(api, make_note, monkeypatch, many):
    monkeypatch.setattr(search_query, "MOST_SCORED", 6)
    monkeypatch.setattr(search_query, "MANY_NOTES_WITH_PHRASE", many)
    monkeypatch.setattr(search_query, "PHRASE_SAMPLE", 3)
    texts = [
        ("older", "deadline"), ("older", "a deadline"), ("older", "deadlines"),
        ("Deadline", "filler words here " * 30), ("x", "deadline deadline"), ("y", "deadline"),
        ("Deadline notes", "deadline"), ("Long", "deadline " + "filler words here " * 40),
        ("DEADLINE", "the title's match, in capitals: " + "filler words here " * 5),
        ("z", "deadline deadline deadline " + "filler words here " * 5),
    ]
    for title, body in texts:
        make_note(title=title, body=body)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM notes_note_trigram WHERE notes_note_trigram MATCH %s AND rowid >= "
            "(SELECT rowid FROM notes_note_trigram WHERE notes_note_trigram MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET 5) "
            "ORDER BY bm25(notes_note_trigram, 10.0, 1.0), rowid DESC",
            ['"eadlin"', '"eadlin"'],
        )
        expected = [note_id for (note_id,) in cursor.fetchall()]
    found = api.get("/api/notes/", {"q": "eadlin"}).json()
    assert found["index"] == "trigram" and len(expected) == 6
    assert [note["id"] for note in found["notes"]][:6] == expected


def test_a_substring_is_counted_wherever_a_trigram_phrase_matches_it_overlaps_included():
    assert search_query.occurrences("banana bandana", "ana") == 3
    assert search_query.occurrences("a deadline, two deadlines", "eadlin") == 2
    assert search_query.occurrences("🎉🎉🎉", "🎉🎉") == 2


@pytest.mark.desktop  # against FTS5's own bm25
def test_a_phrase_of_words_is_ranked_in_bm25s_order_without_it(api, make_note):
    texts = [
        ("Red apple", "filler words here " * 30), ("x", "red apple red apple"), ("y", "a red apple"),
        ("Red apple notes", "red apple"), ("Long", "red apple " + "filler words here " * 40),
        ("z", "red apple, red apple and a red apple " + "filler words here " * 5), ("apple red", "apple red"),
    ]
    for title, body in texts:
        make_note(title=title, body=body)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM notes_note_fts WHERE notes_note_fts MATCH %s "
                       "ORDER BY bm25(notes_note_fts, 10.0, 1.0), rowid DESC", ['"red apple"'])
        expected = [note_id for (note_id,) in cursor.fetchall()]
    found = api.get("/api/notes/", {"q": '"red apple"'}).json()
    assert found["index"] == "word" and len(expected) == 6 and [note["id"] for note in found["notes"]] == expected


@pytest.mark.desktop  # the SQLite engine's windows; PostgreSQL ranks every match (docs/server.md)
def test_a_phrase_is_ranked_window_by_window_of_the_newest_notes(api, make_note, monkeypatch):
    monkeypatch.setattr(search_query, "PHRASE_WINDOW", 4)
    texts = [  # oldest first; every note has both words, half of them side by side
        ("Red apple", "red apple"), ("apart 1", "red and apple"), ("old weak", "a red apple " + "filler " * 30),
        ("apart 2", "apple, red"), ("new weak", "red apple " + "filler " * 30), ("apart 3", "red, then apple"),
        ("Red apple notes", "red apple"), ("apart 4", "apple and red"),
    ]
    for title, body in texts:
        make_note(title=title, body=body)
    whole = api.get("/api/notes/", {"q": '"red apple"'}).json()
    # The newest four notes hold two with the phrase, best first; then the four before them.
    assert [note["title"] for note in whole["notes"]] == ["Red apple notes", "new weak", "Red apple", "old weak"]
    assert (whole["total"], whole["total_exact"]) == (4, True)
    first = api.get("/api/notes/", {"q": '"red apple"', "limit": 1}).json()
    assert (first["total"], first["total_exact"]) == (2, False)  # "2+ notes": the page is full, the rest unread
    pages = [api.get("/api/notes/", {"q": '"red apple"', "limit": 1, "offset": offset}).json() for offset in range(4)]
    assert [note["title"] for page in pages for note in page["notes"]] == [note["title"] for note in whole["notes"]]
    assert (pages[-1]["total"], pages[-1]["total_exact"]) == (4, True)


@pytest.mark.desktop  # the word index's tokenizer (FTS5's unicode61); PostgreSQL's differs (docs/server.md)
@pytest.mark.parametrize("character", ["²", "ª"])
def test_a_lone_character_that_only_looks_like_a_letter_finds_the_notes_that_have_it(api, make_note, character):
    make_note(title=f"{character} and y", body="")
    make_note(title="a 2 b", body="")
    assert titles(api.get("/api/notes/", {"q": character})) == [f"{character} and y"]
