"""Search in every script (the trigram index beside the word index) and search operators
(embedded_site/notes/search_query.py)."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from embedded_site.notes import search_query
from embedded_site.notes.models import Note
from embedded_site.notes.search_query import Term, parse
from tests.notes.conftest import SUBSTRING_INDEX, check_search_index


def search(api, q, **params):
    response = api.get("/api/notes/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return response.json()


def titles(api, q, **params):
    return [note["title"] for note in search(api, q, **params)["notes"]]


def check_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO notes_note_trigram(notes_note_trigram, rank) VALUES ('integrity-check', 1)")


def test_the_query_is_read_into_terms_and_operators():
    query = parse('tag:Work -tag:"old stuff" is:pinned -in:trash "exact  phrase" -word -"not this" plain')
    assert query.tags == ["work"] and query.excluded_tags == ["old stuff"]
    assert (query.pinned, query.trashed) == (True, False)
    assert query.terms == [
        Term("exact phrase", phrase=True), Term("word", negated=True), Term("not this", phrase=True, negated=True),
        Term("plain"),
    ]


@pytest.mark.parametrize("text, words", [
    ('"unclosed quote', ['"unclosed', "quote"]),
    ("is:everything", ["is:everything"]),
    ("in:garbage", ["in:garbage"]),
    ("foo:bar", ["foo:bar"]),
    ("title:-", []),  # punctuation alone, as `-`
    ('tag:"open', ['tag:"open']),
    ("-", []),
    ('""', []),
    ('" -- ...', []),
    ("C++ -", ["C++"]),
])
def test_bad_syntax_is_plain_words(text, words):
    query = parse(text)
    assert [term.text for term in query.terms] == words
    assert (query.tags, query.pinned, query.trashed) == ([], None, None)


@pytest.fixture
def scripts(make_note):
    make_note(title="東京の会議", body="今日は東京都で会議がありました。次は大阪です。")
    make_note(title="パーティー", body="楽しいパーティーでした 🎉")
    make_note(title="Weekly meeting", body="Agenda and minutes 🎉🎉 and cake")
    make_note(title="서울 여행", body="서울에서 친구를 만났습니다")
    make_note(title="Plain", body="Nothing special here")


@pytest.mark.parametrize("q, found", [
    ("東京都", ["東京の会議"]),
    ("会議", ["東京の会議"]),  # two characters
    ("東", ["東京の会議"]),  # one
    ("🎉", ["Weekly meeting", "パーティー"]),  # at the very end of a body too
    ("🎉🎉", ["Weekly meeting"]),
    ("서울에서", ["서울 여행"]),
    ("大阪 会議", ["東京の会議"]),
    ("パーティー -🎉", []),
    ("会議 -大阪", []),
])
def test_text_without_spaces_and_emoji_are_found_through_the_trigram_index(api, scripts, q, found):
    answer = search(api, q)
    assert [note["title"] for note in answer["notes"]] == found
    assert answer["index"] == SUBSTRING_INDEX


def test_matches_are_marked_in_the_snippet_on_both_indexes(api, scripts):
    [note] = search(api, "東京都")["notes"]
    assert "<mark>東京都</mark>" in note["snippet"]
    [note] = search(api, "minutes")["notes"]
    assert "<mark>minutes</mark>" in note["snippet"]
    [note] = search(api, "inute")["notes"]
    assert "<mark>inute</mark>" in note["snippet"]


def test_a_substring_the_word_index_cannot_find_is_found_through_the_trigram_index(api, scripts):
    answer = search(api, "eekly")
    assert [n["title"] for n in answer["notes"]] == ["Weekly meeting"] and answer["index"] == SUBSTRING_INDEX
    answer = search(api, "week")
    assert answer["index"] == "word" and answer["total"] == 1
    assert search(api, "zz")["total"] == 0  # too short for a substring


def test_a_title_match_ranks_first_on_the_trigram_index_too(api, make_note):
    make_note(title="Notes", body="会議 会議 会議 会議 の記録")
    make_note(title="会議", body="短い")
    assert titles(api, "会議") == ["会議", "Notes"]


# A tag's notes kept as a set (search_query.few_to_keep(): a tag of few notes) or looked up for each match.
@pytest.mark.parametrize("tag_set_factor", [10**9, 0])
def test_filters_apply_alike_on_both_indexes(api, make_note, monkeypatch, tag_set_factor):
    monkeypatch.setattr(search_query, "TAG_SET_FACTOR", tag_set_factor)
    make_note(title="東京 pinned", body="meeting", pinned=True, tags=["work"])
    make_note(title="東京 plain", body="meeting", tags=["home"])
    make_note(title="東京 trashed", body="meeting", trashed_at=datetime.now(timezone.utc))
    for term in ("東京", "meeting"):
        assert titles(api, f"{term} is:pinned") == ["東京 pinned"]
        assert titles(api, term, pinned=1) == ["東京 pinned"]
        assert titles(api, f"{term} tag:home") == ["東京 plain"]
        assert titles(api, f"{term} -tag:home") == ["東京 pinned"]
        assert titles(api, f"{term} in:trash") == ["東京 trashed"]
        assert titles(api, term, trashed=1) == ["東京 trashed"]
        assert sorted(titles(api, f"{term} -is:pinned")) == ["東京 plain"]


@pytest.mark.desktop  # the pinned notes' own word index (migration 0016) and its triggers
def test_is_pinned_follows_every_pin_trash_edit_and_delete_and_keeps_to_the_owner(api, make_note, owner):
    someone = get_user_model().objects.create(username="someone-else")
    Note.objects.create(owner=someone, title="zebra of someone else", pinned=True)
    note = make_note(title="zebra", body="quince")
    make_note(title="zebra too", body="quince", pinned=True)

    def pinned_titles(query):
        check_search_index()
        return sorted(titles(api, f"is:pinned {query}"))

    assert pinned_titles("zebra") == ["zebra too"]
    version = api.patch(f"/api/notes/{note.pk}/", {"version": note.version, "pinned": True}).json()["version"]
    assert pinned_titles("zebra") == ["zebra", "zebra too"]
    version = api.patch(f"/api/notes/{note.pk}/", {"version": version, "body": "plum"}).json()["version"]
    assert (pinned_titles("quince"), pinned_titles("plum")) == (["zebra too"], ["zebra"])
    assert search(api, "is:pinned plum")["notes"][0]["snippet"] == "<mark>plum</mark>"
    api.delete(f"/api/notes/{note.pk}/")  # to the trash
    assert pinned_titles("zebra") == ["zebra too"] and titles(api, "in:trash is:pinned plum") == ["zebra"]
    api.post(f"/api/notes/{note.pk}/restore/")
    assert pinned_titles("plum") == ["zebra"]
    version = api.get(f"/api/notes/{note.pk}/").json()["version"]
    api.patch(f"/api/notes/{note.pk}/", {"version": version, "pinned": False})
    assert pinned_titles("zebra") == ["zebra too"] and titles(api, "-is:pinned plum") == ["zebra"]
    Note.objects.filter(title="zebra too").delete()
    assert pinned_titles("zebra") == []


def test_phrases_must_be_exact_and_words_left_out_leave_notes_out(api, make_note):
    make_note(title="a", body="red apple pie")
    make_note(title="b", body="apple, red and green")
    make_note(title="c", body="a red apple with a zebra")
    assert sorted(titles(api, '"red apple"')) == ["a", "c"]
    assert titles(api, '"red apple" -zebra') == ["a"]
    assert titles(api, 'apple -"red apple"') == ["b"]


def test_punctuation_half_typed_leaves_the_list_as_it_was(api, make_note):
    make_note(title="Weekly meeting", body="zebra crossing")
    make_note(title="Other meeting")
    make_note(title="Groceries")
    assert titles(api, "-") == titles(api, '"') == titles(api, "") == ["Groceries", "Other meeting", "Weekly meeting"]
    assert titles(api, "meeting -") == titles(api, 'meeting "') == titles(api, "meeting")
    assert titles(api, "meeting -zebra") == ["Other meeting"]


def test_symbols_typed_alone_leave_the_list_as_it_was(api, make_note):
    """No index holds `+`, `=`, `$`, `^` or `→` as a word: as their own terms they are left out,
    as punctuation is, instead of emptying the list."""
    make_note(title="Weekly meeting", body="a + b = c, $5 → ✅")
    make_note(title="Groceries")
    for symbols in ["+", "^", "=", "$", "|", "<", "`", "→", "€", "+ = $"]:
        assert titles(api, symbols) == ["Groceries", "Weekly meeting"], symbols
        assert titles(api, f"meeting {symbols}") == ["Weekly meeting"], symbols
    assert titles(api, "✅") == ["Weekly meeting"]  # an emoji is searched for, in the trigram index
    assert titles(api, "c++") == titles(api, "c") == ["Weekly meeting"]


def test_operators_alone_filter_the_list_in_its_order(api, make_note):
    make_note(title="work pinned", pinned=True, tags=["work", "urgent"])
    make_note(title="work", tags=["work"])
    make_note(title="home", tags=["home"], body="zebra")
    answer = search(api, "tag:work")
    assert [n["title"] for n in answer["notes"]] == ["work pinned", "work"] and answer["index"] == "none"
    assert titles(api, "tag:work tag:urgent") == ["work pinned"]
    assert titles(api, "is:pinned") == ["work pinned"]
    assert titles(api, "-zebra -is:pinned") == ["work"]
    assert sorted(titles(api, "-東京")) == ["home", "work", "work pinned"]


def test_left_out_terms_alone_are_counted_as_a_search_counts(api, make_note, monkeypatch):
    monkeypatch.setattr(search_query, "COUNT_AHEAD", 1)
    for number in range(5):
        make_note(title=f"note {number}", tags=["home"])
    make_note(title="zebra note")
    for q in ("-zebra", "-tag:work -zebra"):
        answer = search(api, q, limit=2)
        assert (len(answer["notes"]), answer["total"], answer["total_exact"]) == (2, 3, False)
        answer = search(api, q, limit=4)
        assert (len(answer["notes"]), answer["total"], answer["total_exact"]) == (4, 5, True)
    answer = search(api, "tag:home", limit=2)
    assert (answer["total"], answer["total_exact"]) == (5, True)  # the list's own count, exact


def test_title_is_read_as_words_or_a_phrase_in_the_title():
    query = parse('title:Garden title:"tomato  plan" -title:draft title:a OR title:b plain')
    assert query.terms == [
        Term("Garden", in_title=True), Term("tomato plan", phrase=True, in_title=True),
        Term("draft", negated=True, in_title=True), Term("a", in_title=True, alternatives=[Term("b", in_title=True)]),
        Term("plain"),
    ]
    assert parse('title:"half typed').terms == [Term('"half', in_title=True), Term("typed")]


@pytest.fixture
def titled(make_note):
    make_note(title="Garden plan", body="Tomatoes, beans")
    make_note(title="Tomato notes", body="The garden plan for spring, garden beds")
    make_note(title="東京の会議 🎉", body="議事録")
    make_note(title="議事録", body="東京の会議 🎉")
    make_note(title="Weekly meeting", body="Agenda")
    make_note(title="Agenda", body="weekly meeting")


@pytest.mark.parametrize("q, found", [
    ("title:garden", ["Garden plan"]),
    ("title:gard", ["Garden plan"]),  # a prefix, as any word
    ("TITLE:GARDEN", ["Garden plan"]),
    ('title:"garden plan"', ["Garden plan"]),
    ('title:"plan garden"', []),
    ("title:garden beans", ["Garden plan"]),
    ("garden -title:garden", ["Tomato notes"]),
    ("title:garden OR title:tomato", ["Garden plan", "Tomato notes"]),
    ("title:tomato OR title:agenda", ["Agenda", "Tomato notes"]),
    ("title:会議", ["東京の会議 🎉"]),  # through the trigram index
    ("title:議", ["東京の会議 🎉", "議事録"]),
    ("title:議事", ["議事録"]),
    ("title:🎉", ["東京の会議 🎉"]),
    ("title:eekly", ["Weekly meeting"]),  # a substring the word index does not have
    ("title:genda", ["Agenda"]),
    ("title:omatoes", []),  # in a body only
    ("title:xylophone", []),
])
def test_title_finds_the_notes_with_it_in_their_title_only(api, titled, q, found):
    """Someone used to Joplin typed `title:garden`: it was searched as the words "title garden"
    and found nothing. It keeps to the titles, with the rules of any word, phrase or substring."""
    assert sorted(titles(api, q)) == found


def test_title_alone_left_out_or_too_common_for_the_trigram_index(api, titled, monkeypatch):
    assert sorted(titles(api, "-title:garden -title:議")) == ["Agenda", "Tomato notes", "Weekly meeting"]
    Note.objects.filter(title__in=["Garden plan", "Tomato notes"]).update(pinned=True)
    assert titles(api, "is:pinned title:garden") == ["Garden plan"]  # the pinned notes' own index (0016)
    monkeypatch.setattr(search_query, "MAX_SHORT_TERM_TRIGRAMS", 0)  # a scan
    answer = search(api, "title:議")
    assert sorted(note["title"] for note in answer["notes"]) == ["東京の会議 🎉", "議事録"]
    assert sorted(titles(api, "-title:議")) == ["Agenda", "Garden plan", "Tomato notes", "Weekly meeting"]
    assert sorted(titles(api, "title:東")) == ["東京の会議 🎉"]


@pytest.mark.parametrize("q, marked", [("title:garden", "Garden"), ("title:議事", "議事"), ("title:eekly", "eekly")])
def test_a_title_term_is_marked_in_the_title_not_in_the_body(api, make_note, q, marked):
    make_note(title="Garden plan 議事 Weekly", body="The garden beds, 議事, weekly")
    [note] = search(api, q)["notes"]
    assert note["marked_title"] == "Garden plan 議事 Weekly".replace(marked, f"<mark>{marked}</mark>")
    assert note["snippet"] == "The garden beds, 議事, weekly"  # the body's start, nothing marked


@pytest.mark.parametrize("q, title, snippet", [
    ("title:garden beans", "<mark>Garden</mark> plan", "The garden <mark>beans</mark>, the garden peas"),  # the word index
    ("title:arden eans", "G<mark>arden</mark> plan", "The garden b<mark>eans</mark>, the garden peas"),  # the trigram index
    ("title:garden OR title:plot beans", "<mark>Garden</mark> plan", "The garden <mark>beans</mark>, the garden peas"),
])
def test_a_title_term_is_marked_in_the_title_and_the_plain_words_in_the_body(api, make_note, q, title, snippet):
    make_note(title="Garden plan", body="The garden beans, the garden peas")
    [note] = search(api, q)["notes"]
    assert (note["marked_title"], note["snippet"]) == (title, snippet)


@pytest.mark.parametrize("q, index", [("zucchini", "word"), ("ucchin", SUBSTRING_INDEX), ('"zucchini plan"', "word"),
                                      ("title:zucchini", "word"), ("Straße", "word")])
def test_a_note_found_by_its_title_alone_shows_its_body_s_start_and_its_title_marked(api, make_note, q, index):
    """The snippet repeated the title, which the row shows above it, for the note's words."""
    make_note(title="Zucchini plan Straße", body="Sow in May.\nWater often, and " + "more words " * 30)
    answer = search(api, q)
    assert answer["index"] == index
    [note] = answer["notes"]
    assert note["snippet"].startswith("Sow in May.\nWater often, and more words") and "<mark>" not in note["snippet"]
    assert "<mark>" in note["marked_title"] and note["marked_title"].replace("<mark>", "").replace("</mark>", "") == "Zucchini plan Straße"


def test_a_note_found_in_its_title_and_its_body_has_both_marked(api, make_note):
    make_note(title="Zucchini plan", body="Sow in May. " + "More words. " * 10 + "The zucchini grows fast.")
    [note] = search(api, "zucchini")["notes"]
    assert note["marked_title"] == "<mark>Zucchini</mark> plan"
    assert "<mark>zucchini</mark> grows" in note["snippet"] and not note["snippet"].startswith("Sow")


@pytest.mark.parametrize("q, searched", [
    ("title:", ""), ("tag:", ""), ("-title:", ""), ("is:", ""), ("TITLE:", ""), ("in:", ""), ("created:", ""),
    ("title: garden", "garden"), ("tag: garden", "garden"), ("garden title:", "garden"),
])
def test_an_operator_with_nothing_after_it_is_left_out_not_searched_as_its_name(api, make_note, q, searched):
    """`title:`, as it is typed before its word, searched the notes with the word "title"."""
    make_note(title="Title ideas", body="A tag, what is in it")
    make_note(title="Garden", body="")
    assert parse(q).terms == ([Term(searched)] if searched else [])
    assert sorted(titles(api, q)) == (["Garden"] if searched else ["Garden", "Title ideas"])


@pytest.mark.parametrize("q", [
    '"', '""', '"""', "-", "--", "- -", "tag:", "tag:\"", "title:", "title:\"", "title:\"\"", "-title:-", "title:(", "is:", "in:", "-is:", "-tag:", '-""', "🎉\"", '"🎉',
    "東京\" OR (", "NOT 東京", "(東 OR 京)", "\\", "*", "a" * 500, "東" * 500, "-" + "x" * 499, "\u200d", "\ufe0f",
])
def test_hostile_queries_are_words_never_a_500(api, scripts, q):
    assert api.get("/api/notes/", {"q": q}).status_code == 200


def test_a_short_term_too_common_for_the_index_is_found_by_a_scan(api, scripts, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_SHORT_TERM_TRIGRAMS", 0)
    answer = search(api, "会")
    assert answer["index"] == "scan" and [n["title"] for n in answer["notes"]] == ["東京の会議"]
    assert "<mark>会</mark>" in answer["notes"][0]["snippet"]
    assert titles(api, "tag:none 会") == []
    assert sorted(titles(api, "-会 -🎉")) == ["Plain", "서울 여행"]


@pytest.mark.desktop  # FTS5's trigram index
def test_the_trigram_index_follows_every_change(api, scripts):
    note = Note.objects.get(title="パーティー")
    response = api.patch(f"/api/notes/{note.pk}/", {"body": "新しい本文", "version": note.version})
    assert response.status_code == 200
    assert titles(api, "新しい") == ["パーティー"] and titles(api, "楽しい") == []
    Note.objects.filter(title="Plain").delete()
    check_trigram_index()
    check_search_index()


def test_or_between_terms_is_either_and_and_is_both():
    query = parse('budget OR "train times" OR Fahrplan AND lang -old or')
    assert query.terms == [
        Term("budget", alternatives=[Term("train times", phrase=True), Term("Fahrplan")]),
        Term("lang"), Term("old", negated=True), Term("or"),
    ]
    assert [term.text for term in parse("OR AND").terms] == ["OR"]  # no word before it: a word
    assert parse("budget OR").terms == [Term("budget")]  # being typed
    assert parse("budget -old OR new").terms == [Term("budget"), Term("old", negated=True), Term("new")]


@pytest.mark.parametrize("q", ["budget OR Fahrplan", "Fahrplan OR budget", "budg OR Fahrpl", "预算 OR Fahrplan"])
def test_a_search_with_or_finds_the_notes_with_either(api, make_note, q):
    make_note(title="Money", body="The budget for 2027, 预算")
    make_note(title="Trains", body="Der Fahrplan ist lang.")
    make_note(title="Other", body="Nothing of either")
    found = search(api, q)
    assert sorted(note["title"] for note in found["notes"]) == ["Money", "Trains"] and found["total"] == 2
    assert titles(api, q + " -lang") == ["Money"]
    assert titles(api, "Fahrplan AND lang") == ["Trains"]


def test_created_and_updated_find_a_lecture_by_its_day_month_or_year(api, make_note, settings):
    """"Last week's lecture" could be found only by scrolling the list; `created:` and `updated:`
    keep a search to a day, a month or a year, in the computer's time zone, as Joplin's do."""
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = ZoneInfo("Europe/Berlin")
    at = lambda *moment: datetime(*moment, tzinfo=berlin)  # noqa: E731
    make_note(title="Analysis 4", body="Taylor series", tags=["analysis"], created=at(2026, 11, 23, 10), updated=at(2026, 11, 23, 12))
    make_note(title="Analysis 5", body="Taylor remainder", tags=["analysis"], created=at(2026, 11, 30, 0, 30), updated=at(2026, 12, 1, 9))
    make_note(title="Linear algebra 5", body="Eigenvalues", created=at(2026, 11, 29, 23, 59), updated=at(2026, 11, 29, 23, 59))
    make_note(title="Old notes", body="Taylor", created=at(2025, 11, 30, 10), updated=at(2025, 11, 30, 10))
    # 2026-11-30 00:30 in Berlin is still the 29th in UTC: the day is the computer's.
    assert titles(api, "created:2026-11-30") == ["Analysis 5"]
    assert titles(api, "created:2026-11-29") == ["Linear algebra 5"]
    assert titles(api, "created:2026-11") == ["Analysis 5", "Linear algebra 5", "Analysis 4"]
    assert titles(api, "updated:2026-12") == ["Analysis 5"]
    assert sorted(titles(api, "Taylor created:2026")) == ["Analysis 4", "Analysis 5"]
    assert titles(api, "Taylor -created:2026") == ["Old notes"]
    assert titles(api, "tag:analysis created:2026-11-23") == ["Analysis 4"]
    assert titles(api, "created:2026-11 -tag:analysis") == ["Linear algebra 5"]
    assert search(api, "created:2026-11")["total"] == 3


def test_created_today_yesterday_and_days_ago_count_from_the_start_of_the_day(api, make_note, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    now = datetime.now(ZoneInfo("Europe/Berlin"))
    start_of_today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    make_note(title="This morning", created=start_of_today + timedelta(minutes=1))
    make_note(title="Late yesterday", created=start_of_today - timedelta(minutes=1))
    make_note(title="Last week", created=start_of_today - timedelta(days=6, hours=12))
    make_note(title="Last month", created=start_of_today - timedelta(days=30))
    assert titles(api, "created:today") == ["This morning"]
    assert titles(api, "created:yesterday") == ["Late yesterday"]
    assert sorted(titles(api, "created:day-7")) == ["Last week", "Late yesterday", "This morning"]


@pytest.mark.parametrize("text", ["created:2026-13", "created:2026-02-30", "created:last-week", "updated:26", "created:day-"])
def test_a_date_that_is_none_is_searched_as_words(text):
    query = parse(text)
    assert query.periods == [] and [term.text for term in query.terms] == [text]


@pytest.mark.parametrize("text", ["created:9999-12-31", "updated:0001", "-created:0001-01-01"])
def test_a_date_at_the_calendar_s_ends_is_searched_as_words(api, make_note, settings, text):
    """The day after 9999-12-31, and year 1's first day in a time zone east of UTC, are no dates
    Python has: the search was an error 500."""
    settings.TIME_ZONE = "Europe/Berlin"
    make_note(title="Calendar", body=f"a note about {text}")
    assert titles(api, text) == ([] if text.startswith("-") else ["Calendar"])
