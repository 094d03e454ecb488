"""The note list keeps its place: the rows loaded, the filter shown, the selection moving on."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def add_notes(live_app, count, **fields):
    # Created oldest first, so the list (newest first) shows "Note <count - 1>" at the top.
    return [api(live_app, "POST", "/api/notes/", {"title": f"Note {n}", "body": "text", **fields}) for n in range(count)]


def test_a_save_keeps_the_rows_loaded_with_load_more(app, live_app):
    add_notes(live_app, 120)
    app.reload()
    app.click("#loadMore")
    app.click("#loadMore")
    expect(app.locator(".note-item")).to_have_count(120)
    app.locator(".note-item-title").get_by_text("Note 10", exact=True).click()
    app.fill("#noteBody", "text, edited far down the list")
    expect(app.locator("#saveState")).to_have_text("Saved")
    expect(app.locator(".note-item-title").first).to_have_text("Note 10")  # the list was reloaded
    expect(app.locator(".note-item")).to_have_count(120)
    expect(app.locator("#loadMore")).to_be_hidden()


def test_arrow_down_past_the_last_loaded_row_loads_the_next_page(app, live_app):
    add_notes(live_app, 55)
    app.reload()
    expect(app.locator(".note-item")).to_have_count(50)
    app.locator(".note-item").nth(49).click()
    expect(app.locator("#noteTitle")).to_have_value("Note 5")
    app.focus("#noteList")
    app.keyboard.press("ArrowDown")
    expect(app.locator("#noteTitle")).to_have_value("Note 4")
    expect(app.locator(".note-item")).to_have_count(55)


def test_removing_the_shown_tag_from_its_last_note_shows_all_notes(app, live_app):
    add_notes(live_app, 2)
    api(live_app, "POST", "/api/notes/", {"title": "Only one", "body": "text", "tags": ["solo"]})
    app.reload()
    app.locator(".tag-button", has_text="solo").click()
    expect(app.locator("#listStatus")).to_have_text("1 note")
    app.locator(".note-item", has_text="Only one").click()
    app.fill("#noteTags", "")
    app.click("#noteBody")
    expect(app.locator("#listStatus")).to_have_text("3 notes")
    expect(app.locator(".view[data-view='all']")).to_have_attribute("aria-current", "true")
    expect(app.locator("#noteTitle")).to_have_value("Only one")  # the note stays open

    app.keyboard.press("Control+n")
    app.fill("#noteTitle", "Untagged")
    expect(app.locator("#saveState")).to_have_text("Saved")
    created = next(note for note in api(live_app, "GET", "/api/notes/")["notes"] if note["title"] == "Untagged")
    assert created["tags"] == []


def test_an_empty_tag_or_pinned_view_says_what_it_shows(app, live_app):
    app.locator(".view[data-view='pinned']").click()
    expect(app.locator("#listStatus")).to_have_text("No pinned notes")
