"""Today's note, a journal's page a day: POST /api/notes/today/ opens the day's note or makes it."""

import io
import threading
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection

from embedded_site.notes import days
from embedded_site.notes.days import SHARED_NAMESPACE
from embedded_site.notes.editing import todays_note, update_note
from embedded_site.notes.exporting import export_json
from embedded_site.notes.models import Journal, Note
from embedded_site.notes.progress import run_to_completion

# A day apart at every hour: UTC+14 and UTC-11.
EARLIEST, LATEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def local_day(zone: str) -> str:
    return datetime.now(ZoneInfo(zone)).date().isoformat()


def test_todays_note_is_made_once_titled_with_the_computers_day_and_found_again(api, settings):
    settings.TIME_ZONE = EARLIEST
    made = api.post("/api/notes/today/")
    assert made.status_code == 201
    assert made.json()["title"] == local_day(EARLIEST)
    again = api.post("/api/notes/today/")  # a second press, or the other window's
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    assert Note.objects.count() == 1


def test_the_day_is_the_computers_so_another_time_zone_has_another_days_note(api, settings):
    settings.TIME_ZONE = EARLIEST
    earliest = api.post("/api/notes/today/").json()
    settings.TIME_ZONE = LATEST
    latest = api.post("/api/notes/today/").json()
    assert latest["id"] != earliest["id"] and latest["title"] == local_day(LATEST)
    assert {note.title for note in Note.objects.all()} == {local_day(EARLIEST), local_day(LATEST)}


def test_todays_note_is_found_by_its_date_and_by_created_today(api, settings):
    settings.TIME_ZONE = EARLIEST
    note = api.post("/api/notes/today/").json()
    api.patch(f"/api/notes/{note['id']}/", {"version": note["version"], "body": "Standup: shipped the importer"})
    for query in (local_day(EARLIEST), "created:today", f"created:{local_day(EARLIEST)}", "standup created:today"):
        assert [found["id"] for found in api.get("/api/notes/", {"q": query}).json()["notes"]] == [note["id"]], query


def test_todays_note_kept_its_text_after_a_rename_and_comes_back_out_of_the_trash(api, settings):
    note = api.post("/api/notes/today/").json()
    api.patch(f"/api/notes/{note['id']}/", {"version": note["version"], "title": "Offsite day", "body": "Agenda"})
    api.delete(f"/api/notes/{note['id']}/")
    again = api.post("/api/notes/today/")
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["title"], again.json()["body"]) == (note["id"], "Offsite day", "Agenda")
    assert again.json()["trashed_at"] is None
    assert Note.objects.count() == 1


def test_a_note_imported_with_the_days_name_is_todays_note(api, make_note, settings):
    """A vault's daily note from Obsidian, named by the day, is the day's: no second one."""
    settings.TIME_ZONE = EARLIEST
    imported = make_note(title=local_day(EARLIEST), body="- [ ] call the bank")
    answer = api.post("/api/notes/today/")
    assert answer.status_code == 200 and answer.json()["id"] == imported.pk
    assert Note.objects.count() == 1


def test_each_person_has_a_note_of_their_own_for_the_day(api, django_user_model):
    mine = api.post("/api/notes/today/").json()
    other = django_user_model.objects.create_user("other")
    theirs, made = todays_note(other)
    assert made and theirs.pk != mine["id"] and str(theirs.uid) != mine["uid"]
    assert Note.objects.get(pk=mine["id"]).owner != other


def write_todays_note(owner, body: str) -> None:
    note, _ = todays_note(owner)
    update_note(owner, note.pk, note.version, {"title": note.title, "body": body, "tags": [], "pinned": False})


@pytest.mark.parametrize("his_is_newer", [True, False], ids=["his newer", "hers newer"])
def test_a_partners_exported_journal_imported_keeps_her_note_of_the_day_and_his_beside_it(
        api, owner, django_user_model, his_is_newer):
    """She imports her partner's export (Export JSON… on his computer, Import… on hers) holding his
    note of a day she wrote too: his comes in as a note of its own, neither over hers (his newer)
    nor dropped (hers newer)."""
    partner = django_user_model.objects.create_user("partner")
    entries = [(owner, "Her entry"), (partner, "His entry")]
    for person, body in entries if his_is_newer else reversed(entries):
        write_todays_note(person, body)
    export = io.BytesIO()
    run_to_completion(export_json(partner, export))
    assert api.upload("/api/import/", "partner.json", export.getvalue()).status_code == 200
    assert sorted(Note.objects.owned_by(owner).values_list("body", flat=True)) == ["Her entry", "His entry"]
    assert api.post("/api/notes/today/").json()["body"] == "Her entry"


def test_a_partners_day_note_from_before_journals_imported_keeps_hers_and_comes_once(api, owner, django_user_model):
    """Day notes made before each person had a journal of their own share the day's uid: his is
    told from hers by when it was made, and kept apart, once however often the file is imported.
    Her own export imported back is her notes again, not copies."""
    partner = django_user_model.objects.create_user("partner")
    uid = uuid.uuid5(SHARED_NAMESPACE, "2026-12-01")
    made = datetime(2026, 12, 1, 8, tzinfo=ZoneInfo("UTC"))
    Note.objects.create(owner=owner, uid=uid, title="2026-12-01", body="Her entry", created=made, updated=made)
    later = made.replace(hour=21)
    Note.objects.create(owner=partner, uid=uid, title="2026-12-01", body="His entry", created=later, updated=later)
    for person in (partner, partner, owner):
        export = io.BytesIO()
        run_to_completion(export_json(person, export))
        assert api.upload("/api/import/", "journal.json", export.getvalue()).status_code == 200
    assert sorted(Note.objects.owned_by(owner).values_list("body", flat=True)) == ["Her entry", "His entry"]
    assert api.get("/api/notes/days/2026-11-30/next/").json()["body"] == "Her entry"


def test_her_own_export_imported_on_a_new_computer_keeps_her_renamed_day_note_as_todays(api, owner):
    """The new computer has no notes and no journal yet: it takes the one of the export's day notes."""
    note = api.post("/api/notes/today/").json()
    api.patch(f"/api/notes/{note['id']}/", {"version": note["version"], "title": "Offsite", "body": "Agenda"})
    export = io.BytesIO()
    run_to_completion(export_json(owner, export))
    Note.objects.all().delete()  # as a new computer: no notes, no journal
    Journal.objects.all().delete()
    assert api.upload("/api/import/", "journal.json", export.getvalue()).status_code == 200
    again = api.post("/api/notes/today/")
    assert (again.status_code, again.json()["title"], again.json()["body"]) == (200, "Offsite", "Agenda")
    assert Note.objects.count() == 1


def test_a_day_note_made_before_each_person_had_a_journal_is_still_todays_note(api, owner, make_note, settings):
    """Made with the uid every person's note of the day had then, and renamed since: found by it,
    not made again."""
    settings.TIME_ZONE = EARLIEST
    today = date.fromisoformat(local_day(EARLIEST))
    older = make_note("Offsite", "Agenda", uid=uuid.uuid5(SHARED_NAMESPACE, today.isoformat()))
    answer = api.post("/api/notes/today/")
    assert (answer.status_code, answer.json()["id"], answer.json()["day"]) == (200, older.pk, today.isoformat())
    assert Note.objects.count() == 1


def test_reading_todays_note_with_a_get_is_405(api):
    assert api.get("/api/notes/today/").status_code == 405
    assert not Note.objects.exists()


def after_another_request(person, made_elsewhere: list, step):
    """`step`, called by this request only once another request (a second server process) made
    the person's note of the day, which goes into `made_elsewhere`."""

    def other_request():
        try:
            made_elsewhere.append(todays_note(person)[0])
        finally:
            connection.close()  # this thread's own

    def called(*args, **kwargs):
        if threading.current_thread() is threading.main_thread() and not made_elsewhere:
            other = threading.Thread(target=other_request)
            other.start()
            other.join()
        return step(*args, **kwargs)

    return called


@pytest.mark.skipif(not getattr(settings, "NOTEDESK_SERVER", False), reason="two writers at once: PostgreSQL's")
def test_a_second_request_that_makes_the_days_note_first_leaves_one_note(transactional_db, django_user_model, monkeypatch):
    """A second server process, between this request's look and its insert: the database refuses
    the second note of the day, and this request answers with the one made."""
    person = django_user_model.objects.create_user("journal")
    made_elsewhere = []
    monkeypatch.setattr(Note.objects, "create", after_another_request(person, made_elsewhere, Note.objects.create))
    note, made = todays_note(person)
    assert not made and note.pk == made_elsewhere[0].pk
    assert Note.objects.filter(owner=person).count() == 1


@pytest.mark.skipif(not getattr(settings, "NOTEDESK_SERVER", False), reason="two writers at once: PostgreSQL's")
def test_two_first_presses_at_once_in_two_server_processes_make_one_journal_and_one_note(
        transactional_db, django_user_model, monkeypatch):
    """The person's first Today's note: another process makes their journal between this one's look
    and its insert. Both take the one made, and the day has one note."""
    person = django_user_model.objects.create_user("journal")
    made_elsewhere = []
    monkeypatch.setattr(days, "new_base", after_another_request(person, made_elsewhere, days.new_base))
    note, made = todays_note(person)
    assert not made and note.pk == made_elsewhere[0].pk
    assert (Journal.objects.filter(owner=person).count(), Note.objects.filter(owner=person).count()) == (1, 1)


DAILY = "# {{title}}\n\n## Gratitude\n- \n\n## Log\n- {{time}} {{ date }}, {{weather}}"


def test_todays_note_made_for_the_first_time_starts_with_the_daily_note_template_filled_in(api, settings, make_note):
    settings.TIME_ZONE = EARLIEST
    template = make_note("Daily  note", DAILY, tags=["template"])  # as a link matches a title: case and spaces not minding
    before = datetime.now(ZoneInfo(EARLIEST))
    made = api.post("/api/notes/today/").json()
    after = datetime.now(ZoneInfo(EARLIEST))
    day = local_day(EARLIEST)
    times = {f"{moment:%H:%M}" for moment in (before, after)}
    assert made["body"] in {f"# {day}\n\n## Gratitude\n- \n\n## Log\n- {time} {day}, {{{{weather}}}}" for time in times}
    api.patch(f"/api/notes/{made['id']}/", {"version": made["version"], "body": "Written today"})
    assert api.post("/api/notes/today/").json()["body"] == "Written today"  # made once: found again as it is
    template.refresh_from_db()
    assert template.body == DAILY


def test_a_daily_note_not_tagged_template_or_in_the_trash_is_no_template(api, make_note):
    make_note("Daily note", "My diary's own note", tags=["journal"])
    trashed = make_note("Daily note", DAILY, tags=["template"])
    api.delete(f"/api/notes/{trashed.pk}/")
    assert api.post("/api/notes/today/").json()["body"] == ""
