"""Templates filled in by the server alone: GET /api/templates/?title=… for Edit › Insert template…,
as Today's note fills in the "Daily note" one (test_todays_note.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

MEETING = "## {{title}}, {{ date }} at {{time}}\nAttendees: {{attendees}}, {{attendees}}\n{{room}}"


def test_the_templates_come_filled_in_for_the_notes_title_in_the_computers_day(api, make_note, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: another day than UTC's half the time
    meeting = make_note("Meeting", MEETING, tags=["template"])
    make_note("Shopping", "{{date}}", tags=["groceries"])
    before = datetime.now(ZoneInfo(settings.TIME_ZONE))
    answer = api.get("/api/templates/", {"title": "Budget sync"})
    after = datetime.now(ZoneInfo(settings.TIME_ZONE))
    assert answer.status_code == 200
    [template] = answer.json()["templates"]
    assert (template["id"], template["title"], template["unknown"]) == (meeting.pk, "Meeting", ["{{attendees}}", "{{room}}"])
    assert template["text"] in {
        f"## Budget sync, {moment:%Y-%m-%d} at {moment:%H:%M}\nAttendees: {{{{attendees}}}}, {{{{attendees}}}}\n{{{{room}}}}"
        for moment in (before, after)
    }


def test_a_template_in_the_trash_is_not_offered(api, make_note):
    trashed = make_note("Meeting", MEETING, tags=["template"])
    api.delete(f"/api/notes/{trashed.pk}/")
    assert api.get("/api/templates/").json() == {"templates": []}


def test_a_title_too_long_for_a_note_is_400(api, make_note):
    make_note("Meeting", MEETING, tags=["template"])
    answer = api.get("/api/templates/", {"title": "x" * 301})
    assert answer.status_code == 400 and "300" in answer.json()["error"]
