"""A note open in two tabs, trashed in one and edited in the other: the edit is not written into
the trash, the person is told the note was trashed, and chooses; nothing typed is lost."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.e2e.test_narrow_window import assert_toolbar_is_usable

pytestmark = pytest.mark.browser


def stored(live_app, note) -> dict:
    """The note as the server has it now."""
    return api(live_app, "GET", f"/api/notes/{note['id']}/")


@pytest.fixture
def two_tabs(app, live_app):
    """Tab 1 made the note "Shared"; tab 2 (same browser, same session) has it open; tab 1 then
    trashed it; tab 2 then typed into it. Answers (tab 1, tab 2, the note as trashed)."""
    create_note_in_page(app, "Shared", "Original text")
    other = app.context.new_page()
    other.set_default_timeout(10_000)
    other.goto(live_app.origin + "/")
    other.locator(".note-item-title").get_by_text("Shared").click()
    expect(other.locator("#noteBody")).to_have_value("Original text")

    app.click("#trashNote")
    expect(app.locator(".toast").first).to_contain_text("moved to the trash")
    note = api(live_app, "GET", "/api/notes/?trashed=1")["notes"][0]

    other.fill("#noteBody", "My edit after the trash")
    return app, other, note


def test_the_edit_is_not_saved_into_the_trash_and_the_dialog_says_it_was_trashed(two_tabs, live_app):
    _, other, note = two_tabs
    expect(other.locator("#saveState")).to_contain_text("Conflict")
    expect(other.locator("#saveState")).to_contain_text("moved to the trash elsewhere")
    expect(other.locator("#saveState")).not_to_have_text("Saved")
    expect(other.locator("#conflictTitle")).to_have_text("This note was moved to the trash elsewhere")
    expect(other.locator("#theirsTitle")).to_have_text("In the trash")
    expect(other.locator("#conflictMine")).to_contain_text("My edit after the trash")
    expect(other.locator("#keepMine")).to_have_text("Restore it with my edit")
    expect(other.locator("#keepBoth")).to_have_text("Keep my edit as a new note")
    expect(other.locator("#keepTheirs")).to_have_text("Discard my edit")
    assert stored(live_app, note)["body"] == "Original text"
    assert stored(live_app, note)["version"] == note["version"]


def test_restore_it_with_my_edit_brings_it_back_with_the_edit(two_tabs, live_app):
    app, other, note = two_tabs
    other.click("#keepMine")
    expect(other.locator("#saveState")).to_have_text("Saved")
    expect(other.locator("#conflict")).to_be_hidden()
    restored = stored(live_app, note)
    assert (restored["trashed_at"], restored["body"]) == (None, "My edit after the trash")
    expect(other.locator(".note-item-title")).to_have_text(["Shared"])  # back in All notes
    app.reload()
    expect(app.locator(".note-item-title")).to_have_text(["Shared"])


def test_restore_it_with_my_edit_after_the_trash_was_emptied_elsewhere_saves_the_edit_as_a_new_note(two_tabs, live_app):
    _, other, note = two_tabs
    expect(other.locator("#conflictTitle")).to_have_text("This note was moved to the trash elsewhere")
    api(live_app, "DELETE", "/api/trash/")  # emptied in a third window

    other.click("#keepMine")
    expect(other.locator("#saveState")).to_have_text("Saved: as a new note, because this one was deleted elsewhere")
    expect(other.locator("#conflict")).to_be_hidden()
    expect(other.locator(".toast")).to_have_count(0)  # not "There is no note …"
    [saved] = api(live_app, "GET", "/api/notes/")["notes"]
    assert (saved["title"], saved["body"]) == ("Shared", "My edit after the trash")
    assert saved["id"] != note["id"]
    expect(other.locator(".note-item-title")).to_have_text(["Shared"])


def test_keep_my_edit_as_a_new_note_leaves_the_trashed_one_as_it_was_and_opens_the_new_one(two_tabs, live_app):
    _, other, note = two_tabs
    other.click("#keepBoth")
    expect(other.locator("#conflict")).to_be_hidden()
    expect(other.locator("#saveState")).to_have_text("Saved")
    expect(other.locator("#noteTitle")).to_have_value("Shared (my version)")
    expect(other.locator(".note-item-title")).to_have_text(["Shared (my version)"])
    expect(other.locator(".note-item[aria-selected=true]")).to_have_text(re.compile("Shared \\(my version\\)"))
    [copy] = api(live_app, "GET", "/api/notes/")["notes"]
    assert (copy["title"], copy["body"]) == ("Shared (my version)", "My edit after the trash")
    assert stored(live_app, note) == note  # untouched, still in the trash


def test_discard_my_edit_shows_the_trashed_note_and_says_where_it_is(two_tabs, live_app):
    _, other, note = two_tabs
    other.click("#keepTheirs")
    expect(other.locator("#noteBody")).to_have_value("Original text")
    expect(other.locator("#saveState")).to_have_text("In the trash — moved there elsewhere")
    assert stored(live_app, note)["version"] == note["version"]
    # Typing into it again asks again: still nothing goes into the trash unseen.
    other.fill("#noteBody", "Second thoughts")
    expect(other.locator("#conflictTitle")).to_have_text("This note was moved to the trash elsewhere")


def test_restored_and_changed_elsewhere_meanwhile_is_shown_as_a_conflict_not_overwritten(two_tabs, live_app):
    _, other, note = two_tabs
    expect(other.locator("#conflictTitle")).to_have_text("This note was moved to the trash elsewhere")
    restored = api(live_app, "POST", f"/api/notes/{note['id']}/restore/")
    api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"body": "Edited in a third window", "version": restored["version"]})

    other.click("#keepMine")
    expect(other.locator("#conflictTitle")).to_have_text("This note was changed elsewhere")
    expect(other.locator("#keepMine")).to_have_text("Keep mine")
    expect(other.locator("#conflictTheirs")).to_contain_text("Edited in a third window")
    assert stored(live_app, note)["body"] == "Edited in a third window"
    other.click("#keepMine")
    expect(other.locator("#saveState")).to_have_text("Saved")
    assert stored(live_app, note)["body"] == "My edit after the trash"


@pytest.mark.parametrize("size", [(1280, 720), (800, 600)], ids=["1280x720", "800x600"])
def test_the_conflict_status_is_read_whole_beside_a_usable_toolbar(two_tabs, size):
    _, other, _ = two_tabs
    other.set_viewport_size({"width": size[0], "height": size[1]})
    expect(other.locator("#saveState")).to_contain_text("moved to the trash elsewhere")
    assert_toolbar_is_usable(other)
