"""From a day's note to the day before or after that has one: Ctrl+Shift+[ and ], the note's
Previous day and Next day, File › Previous day's note and Next day's note."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def test_the_keys_the_notes_links_and_the_menu_walk_the_days_that_have_notes(app, live_app):
    today = timezone.localdate()
    earlier, latest = (today - timedelta(days=6)).isoformat(), (today - timedelta(days=4)).isoformat()
    for title in (earlier, latest, "Groceries"):
        api(live_app, "POST", "/api/notes/", {"title": title, "body": f"Written on {title}"})
    app.reload()
    app.keyboard.press("Control+Shift+D")
    expect(app.locator("#noteTitle")).to_have_value(today.isoformat())
    expect(app.locator("#nextDay")).to_be_visible()
    app.keyboard.press("Control+Shift+BracketLeft")  # two empty days skipped
    expect(app.locator("#noteTitle")).to_have_value(latest)
    app.click("#previousDay")
    expect(app.locator("#noteBody")).to_have_value(f"Written on {earlier}")
    expect(app.locator("#noteBody")).to_be_focused()
    app.click("#previousDay")
    expect(app.locator(".toast")).to_contain_text(f"No day before {earlier} has a note.")
    expect(app.locator("#noteTitle")).to_have_value(earlier)
    app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'next-day-note'}}))")
    expect(app.locator("#noteTitle")).to_have_value(latest)
    app.keyboard.press("Control+Shift+BracketRight")
    expect(app.locator("#noteTitle")).to_have_value(today.isoformat())


def test_a_note_of_no_day_shows_no_day_links_and_the_keys_go_from_today(app, live_app):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    api(live_app, "POST", "/api/notes/", {"title": yesterday, "body": "Day one"})
    api(live_app, "POST", "/api/notes/", {"title": "Groceries", "body": "milk"})
    app.reload()
    app.click(".note-item-title >> text=Groceries")
    expect(app.locator("#noteBody")).to_have_value("milk")
    expect(app.locator("#previousDay")).to_be_hidden()
    app.keyboard.press("Control+Shift+BracketLeft")
    expect(app.locator("#noteTitle")).to_have_value(yesterday)
    expect(app.locator("#previousDay")).to_be_visible()


def test_the_day_links_follow_a_retitle_to_a_day_and_away_from_it(app, live_app):
    """A note titled with a day is that day's: its links show once that title is saved, and go
    once it is titled otherwise, without opening the note again (they stayed as the note opened)."""
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    api(live_app, "POST", "/api/notes/", {"title": "Groceries", "body": "milk"})
    app.reload()
    app.click(".note-item-title >> text=Groceries")
    expect(app.locator("#previousDay")).to_be_hidden()
    app.fill("#noteTitle", yesterday)
    expect(app.locator("#previousDay")).to_be_visible()
    app.fill("#noteTitle", "Shopping")
    expect(app.locator("#previousDay")).to_be_hidden()
