"""From a day's note to the day before or after that has one, as Obsidian's "Open previous/next
daily note": GET /api/notes/days/<day>/previous/ and /next/."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from embedded_site.notes import changes
from embedded_site.notes.days import day_uid, journal, new_base, shared_day_uid, take_journal
from embedded_site.notes.models import NoteChange

ZONE = "Pacific/Kiritimati"


@pytest.fixture
def journal_notes(owner, make_note, settings):
    """Day notes on Dec 1 (renamed, made by Today's note before each person had a journal of their
    own: its uid is the one every person's Dec 1 had), Dec 3 (titled, imported) and Dec 6 (made by
    Today's note since, renamed), and a note that is no day's between them."""
    settings.TIME_ZONE = ZONE

    def on(day: date):
        return datetime.combine(day, time(8), ZoneInfo(ZONE))

    return {
        "2026-12-01": make_note("Offsite", "Agenda", uid=shared_day_uid(date(2026, 12, 1)), created=on(date(2026, 12, 1))),
        "2026-12-03": make_note("2026-12-03", "Imported from the vault", created=on(date(2026, 12, 5))),
        "between": make_note("Groceries", "milk", created=on(date(2026, 12, 4))),
        "2026-12-06": make_note("Retro", "", uid=day_uid(journal(owner), date(2026, 12, 6)), created=on(date(2026, 12, 6))),
    }


def test_the_day_before_and_after_skip_days_without_a_note(api, journal_notes):
    steps = [("2026-12-06", "previous", "2026-12-03"), ("2026-12-03", "previous", "2026-12-01"),
             ("2026-12-01", "next", "2026-12-03"), ("2026-12-03", "next", "2026-12-06"),
             ("2026-12-05", "previous", "2026-12-03"), ("2026-12-02", "next", "2026-12-03")]
    for day, direction, expected in steps:
        answer = api.get(f"/api/notes/days/{day}/{direction}/")
        assert answer.status_code == 200, (day, direction)
        assert (answer.json()["id"], answer.json()["day"]) == (journal_notes[expected].pk, expected), (day, direction)


def test_a_renamed_day_note_is_still_its_days(api, journal_notes):
    """Found as Today's note finds it: by the uid it was made with, whatever its title now."""
    answer = api.get("/api/notes/days/2026-12-03/previous/").json()
    assert (answer["title"], answer["day"]) == ("Offsite", "2026-12-01")
    assert api.get(f"/api/notes/{journal_notes['between'].pk}/").json()["day"] is None


def test_a_day_note_in_the_trash_is_skipped(api, journal_notes):
    api.delete(f"/api/notes/{journal_notes['2026-12-03'].pk}/")
    assert api.get("/api/notes/days/2026-12-06/previous/").json()["id"] == journal_notes["2026-12-01"].pk


def test_beyond_the_first_and_last_day_notes_is_404_saying_so(api, journal_notes):
    before = api.get("/api/notes/days/2026-12-01/previous/")
    after = api.get("/api/notes/days/2026-12-06/next/")
    assert (before.status_code, before.json()["error"]) == (404, "No day before 2026-12-01 has a note.")
    assert (after.status_code, after.json()["error"]) == (404, "No day after 2026-12-06 has a note.")


@pytest.mark.parametrize("day", ["2026-02-30", "yesterday", "2026-1-5", "20261205"])
def test_a_day_that_is_none_is_400_saying_how_to_write_one(api, journal_notes, day):
    answer = api.get(f"/api/notes/days/{day}/previous/")
    assert answer.status_code == 400
    assert answer.json()["error"] == f"{day!r} is not a day: write it year-month-day, as 2026-12-06."


@pytest.mark.parametrize("day, direction", [("9999-12-31", "next"), ("0001-01-01", "previous")])
def test_the_first_and_last_day_a_calendar_has_are_404_not_500(api, journal_notes, day, direction):
    answer = api.get(f"/api/notes/days/{day}/{direction}/")
    assert answer.status_code == 404
    assert answer.json()["error"] == f"No day {'after' if direction == 'next' else 'before'} {day} has a note."


def test_a_day_far_from_any_note_is_answered_in_a_few_queries(api, journal_notes, django_assert_max_num_queries):
    """The walk by the days' uids went from the day asked to the notes: from 9999-12-30 back to
    2026, some 8,000 queries in one request."""
    with django_assert_max_num_queries(14):
        answer = api.get("/api/notes/days/9999-12-30/previous/")
    assert answer.json()["id"] == journal_notes["2026-12-06"].pk
    with django_assert_max_num_queries(14):
        answer = api.get("/api/notes/days/0001-01-02/next/")
    assert answer.json()["id"] == journal_notes["2026-12-01"].pk


def test_a_note_made_long_before_the_journal_is_no_walk_of_the_years_between(api, journal_notes, make_note,
                                                                             django_assert_max_num_queries):
    """The days' uids were walked from the day asked to the first note ever made, 366 days a query:
    a note imported with a date of the year 1 made the day before the journal's first day 2,027
    queries and 26 s, one of 1970 63 queries."""
    make_note("Imported from a broken export", "", created=datetime(1, 1, 2, tzinfo=ZoneInfo("UTC")))
    pages = make_note("Pages of 1970", "", uid=shared_day_uid(date(1970, 1, 1)), created=datetime(1970, 1, 1, 8, tzinfo=ZoneInfo(ZONE)))
    with django_assert_max_num_queries(14):
        answer = api.get("/api/notes/days/2026-12-01/previous/")
    assert (answer.json()["id"], answer.json()["day"]) == (pages.pk, "1970-01-01")
    with django_assert_max_num_queries(14):
        answer = api.get("/api/notes/days/1970-01-01/previous/")
    assert answer.status_code == 404
    with django_assert_max_num_queries(14):
        answer = api.get("/api/notes/days/0001-01-01/next/")
    assert (answer.json()["id"], answer.json()["day"]) == (pages.pk, "1970-01-01")


@pytest.mark.skipif(getattr(settings, "NOTEDESK_SERVER", False), reason="SQLite's planner, the desktop's")
def test_the_day_before_reads_the_notes_it_needs_through_indexes_never_every_note(api, journal_notes):
    """The first and last note made, which bound the walk by the days' uids, were read from every
    note: 40 of the request's 70 ms at 100,000 notes (docs/performance.md)."""
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/notes/days/2026-12-06/previous/").status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if query["sql"].startswith("SELECT") and '"notes_note"' in query["sql"]:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plans += [row[3] for row in cursor.fetchall() if "notes_note" in row[3]]
    looked_up = re.compile(
        r"USING (INDEX notes_title_key|INDEX sqlite_autoindex_notes_note_1|COVERING INDEX notes_created|INTEGER PRIMARY KEY) ")
    assert plans and all(looked_up.search(plan) for plan in plans), plans


def test_a_device_taking_its_servers_journal_moves_only_the_day_notes_no_server_has_had(owner, make_note):
    """Made in the device's own journal before it first synced, the day note takes the server's
    journal's uid (its change to push follows it); one a server has had (a version there) keeps its
    own, which the server's copy has."""
    own, servers = journal(owner), new_base()
    unsent = make_note("2026-12-06", uid=day_uid(own, date(2026, 12, 6)))
    sent = make_note("2026-12-05", uid=day_uid(own, date(2026, 12, 5)))
    changes.record(owner, [sent.uid], purged=False, server_version=2)
    changes.notes_changed([unsent.pk])
    take_journal(owner, servers)
    unsent.refresh_from_db()
    sent.refresh_from_db()
    assert (unsent.uid, sent.uid) == (day_uid(servers, date(2026, 12, 6)), day_uid(own, date(2026, 12, 5)))
    assert set(NoteChange.objects.owned_by(owner).values_list("note_uid", flat=True)) == {unsent.uid, sent.uid}
    assert journal(owner) == servers
