"""The conflict view shows where the two versions differ and what is typed while it is open; an
edit to a note deleted elsewhere is kept."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

LINES = [f"Line {n} of the shopping list" for n in range(1, 41)]


def conflict_on_the_last_line(app, live_app):
    create_note_in_page(app, "Long list", "\n".join(LINES))
    note = api(live_app, "GET", "/api/notes/")["notes"][0]
    api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"body": "\n".join([*LINES[:-1], "Bread, from the other window"]), "version": note["version"]})
    app.fill("#noteBody", "\n".join([*LINES[:-1], "Milk, from this window"]))
    expect(app.locator("#saveState")).to_have_text("Conflict — choose a version")


def shown_within_its_box(app, line, box):
    line_box, box_box = line.bounding_box(), app.locator(box).bounding_box()
    return box_box["y"] <= line_box["y"] and line_box["y"] + line_box["height"] <= box_box["y"] + box_box["height"]


def test_each_version_is_scrolled_to_the_lines_that_differ_and_marks_them(app, live_app):
    conflict_on_the_last_line(app, live_app)
    mine, theirs = app.locator("#conflictMine .changed"), app.locator("#conflictTheirs .changed")
    expect(mine).to_have_text(["Milk, from this window"])
    expect(theirs).to_have_text(["Bread, from the other window"])
    assert shown_within_its_box(app, mine, "#conflictMine")
    assert shown_within_its_box(app, theirs, "#conflictTheirs")


def test_what_is_typed_during_a_conflict_shows_in_your_version(app, live_app):
    conflict_on_the_last_line(app, live_app)
    app.locator("#noteBody").press("End")
    app.keyboard.type(" and eggs")
    expect(app.locator("#conflictMine .changed")).to_have_text(["Milk, from this window and eggs"])


def test_tags_that_differ_are_shown_with_each_version(app, live_app):
    create_note_in_page(app, "Tagged", "Same text")
    note = api(live_app, "GET", "/api/notes/")["notes"][0]
    api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"tags": ["home"], "version": note["version"]})
    app.fill("#noteTags", "work")
    app.press("#noteTags", "Enter")
    expect(app.locator("#saveState")).to_have_text("Conflict — choose a version")
    expect(app.locator("#conflictMine .changed")).to_have_text(["Tags: work"])
    expect(app.locator("#conflictTheirs .changed")).to_have_text(["Tags: home"])


def test_an_edit_to_a_note_deleted_for_good_elsewhere_is_saved_as_a_new_note(app, live_app):
    create_note_in_page(app, "Doomed", "First draft")
    note = api(live_app, "GET", "/api/notes/")["notes"][0]
    api(live_app, "DELETE", f"/api/notes/{note['id']}/")
    api(live_app, "DELETE", f"/api/notes/{note['id']}/?purge=1")

    app.fill("#noteBody", "First draft, and the part I must not lose")
    expect(app.locator("#saveState")).to_have_text("Saved: as a new note, because this one was deleted elsewhere")
    notes = api(live_app, "GET", "/api/notes/")["notes"]
    assert [(n["title"], n["body"]) for n in notes] == [("Doomed", "First draft, and the part I must not lose")]
    expect(app.locator(".note-item-title")).to_have_text(["Doomed"])
