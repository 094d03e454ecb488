"""The note open when Notedesk last closed opens again at the next launch, as in Obsidian and Joplin."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_list_state import add_notes, bulk_add_notes
from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def test_the_note_open_when_the_window_closed_opens_again_at_the_next_launch(app, live_app):
    add_notes(live_app, 3)
    app.reload()
    app.locator(".note-item", has_text="Note 1").click()
    expect(app.locator("#noteTitle")).to_have_value("Note 1")

    app.reload()
    expect(app.locator("#noteTitle")).to_have_value("Note 1")
    expect(app.locator(".note-item[aria-selected='true']")).to_contain_text("Note 1")
    expect(app.locator("#emptyState")).to_be_hidden()


def test_a_new_note_written_last_opens_again_once_it_was_saved(app, live_app):
    app.keyboard.press("Control+n")
    app.locator("#noteTitle").fill("Written last")
    expect(app.locator(".note-item", has_text="Written last")).to_be_visible()  # saved, and listed

    app.reload()
    expect(app.locator("#noteTitle")).to_have_value("Written last")


def test_a_note_open_last_beyond_the_first_page_of_the_list_opens_again(app, live_app):
    bulk_add_notes(120)
    app.reload()
    app.locator("#search").fill("Note 0")  # the oldest: not on the first page
    app.locator(".note-item", has_text="Note 0").click()
    expect(app.locator("#noteTitle")).to_have_value("Note 0")

    app.reload()
    expect(app.locator("#noteTitle")).to_have_value("Note 0")


@pytest.mark.parametrize("gone", ["trashed", "deleted for good"])
def test_a_note_open_last_and_gone_since_leaves_the_list_alone_without_an_error(app, live_app, gone):
    [note] = add_notes(live_app, 1)
    app.reload()
    app.locator(".note-item", has_text="Note 0").click()
    expect(app.locator("#noteTitle")).to_have_value("Note 0")
    api(live_app, "DELETE", f"/api/notes/{note['id']}/")
    if gone == "deleted for good":
        api(live_app, "DELETE", f"/api/notes/{note['id']}/?purge=1")

    with app.expect_response(lambda response: f"/api/notes/{note['id']}/" in response.url):
        app.reload()
    expect(app.locator("#emptyState")).to_be_visible()
    expect(app.locator("#noteTitle")).to_be_hidden()
    expect(app.locator(".toast")).to_have_count(0)
