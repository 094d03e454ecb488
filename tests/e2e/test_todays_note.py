"""Today's note in the page: Ctrl+Shift+D, the sidebar's button and File › Today's note open the
day's note, made the first time, one however often and from however many windows it is asked for."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def notes_titled(live_app, title):
    return [note for note in api(live_app, "GET", "/api/notes/?limit=100")["notes"] if note["title"] == title]


def test_ctrl_shift_d_pressed_twice_opens_one_note_of_the_day_and_the_note_left_keeps_its_typing(app, live_app):
    today = timezone.localdate().isoformat()
    app.keyboard.press("Control+n")
    app.fill("#noteTitle", "Standup")
    app.locator("#noteBody").press_sequentially("Shipped the importer")
    app.keyboard.press("Control+Shift+D")  # before the pause in the typing that saves it
    app.keyboard.press("Control+Shift+D")
    expect(app.locator("#noteTitle")).to_have_value(today)
    expect(app.locator("#noteBody")).to_be_focused()
    app.keyboard.type("Met Ana about the budget")
    expect(app.locator("#saveState")).to_have_text("Saved")
    expect(app.locator(".note-item-title")).to_have_text([today, "Standup"])
    [day_note] = notes_titled(live_app, today)
    assert day_note["body"] == "Met Ana about the budget"
    assert [note["body"] for note in notes_titled(live_app, "Standup")] == ["Shipped the importer"]


def test_two_windows_asking_at_once_open_the_same_note(app, live_app, page):
    other = page.context.new_page()
    other.goto(live_app.launch_url("/"))
    expect(other.locator("#listStatus")).to_have_text("No notes yet")
    for window in (app, other):
        window.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'todays-note'}}))")
    today = timezone.localdate().isoformat()
    for window in (app, other):
        expect(window.locator("#noteTitle")).to_have_value(today)
    assert len(notes_titled(live_app, today)) == 1


def test_the_button_brings_the_days_note_back_from_the_trash_view(app, live_app):
    made = api(live_app, "POST", "/api/notes/today/")
    api(live_app, "PATCH", f"/api/notes/{made['id']}/", {"version": made["version"], "body": "Agenda: hiring"})
    api(live_app, "DELETE", f"/api/notes/{made['id']}/")
    app.reload()
    app.click(".view[data-view='trash']")
    expect(app.locator(".note-item-title")).to_have_text([made["title"]])
    app.click("#todaysNote")
    expect(app.locator("#noteBody")).to_have_value("Agenda: hiring")
    expect(app.locator("#noteBody")).to_be_editable()
    expect(app.locator(".view[data-view='all']")).to_have_attribute("aria-current", "true")
    expect(app.locator(".note-item-title")).to_have_text([made["title"]])


def test_the_days_note_made_with_a_daily_note_template_opens_with_its_text_filled_in(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Daily note", "body": "# {{title}}\n## Log\n- ", "tags": ["template"]})
    app.reload()
    today = timezone.localdate().isoformat()
    app.keyboard.press("Control+Shift+D")
    expect(app.locator("#noteTitle")).to_have_value(today)
    expect(app.locator("#noteBody")).to_have_value(f"# {today}\n## Log\n- ")


def test_the_page_sends_the_browsers_time_zone_in_which_a_server_counts_the_day(chromium, live_app):
    """docs/server.md, Time zones: a server's own zone is UTC, and the person's is the browser's."""
    context = chromium.new_context(timezone_id="Pacific/Auckland")
    try:
        page = context.new_page()
        page.goto(live_app.launch_url("/"))
        expect(page.locator("#listStatus")).to_have_text("No notes yet")
        with page.expect_request("**/api/notes/today/") as asked:
            page.click("#todaysNote")
        assert asked.value.headers.get("x-time-zone") == "Pacific/Auckland"
    finally:
        context.close()
