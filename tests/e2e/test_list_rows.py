"""What a row of the list and the open note show of a note: the tags a row has no room for counted,
a long title whole where it is read, a new note listed though a search was in the field, and the
open note kept open while the list is filtered by a tag."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)

from django_desktop_shell.process.window import MIN_SIZE

pytestmark = pytest.mark.browser

TAGS = [f"subject {n:02}" for n in range(8)]
# As long as a title gets (TITLE_MAX_LENGTH is 300): a lecture's full name, say.
LONG_TITLE = ("Lecture 14 — Thermodynamics of open systems: entropy production, the second law for control "
              "volumes, and why the efficiency of a real heat engine never reaches Carnot's bound (with worked examples)")


@pytest.mark.parametrize("size", [pytest.param((1280, 800), id="1280x800"), pytest.param(MIN_SIZE, id="minimum")])
def test_a_row_counts_the_tags_it_has_no_room_for_and_names_them(app, live_app, size):
    app.set_viewport_size({"width": size[0], "height": size[1]})
    api(live_app, "POST", "/api/notes/", {"title": "Many tags", "body": "text", "tags": TAGS})
    app.reload()
    row = app.locator(".note-item")
    more = row.locator(".more-tags")
    expect(more).to_be_visible()
    shown = row.locator(".chip:not(.more-tags):visible").count()
    assert shown < len(TAGS)
    expect(more).to_have_text(f"+{len(TAGS) - shown}")
    expect(more).to_have_attribute("title", f"Tags: {', '.join(TAGS)}")
    # Every chip shown (the count too, the date giving way if it must) is whole, on the row's one line.
    meta = row.locator(".note-item-meta").bounding_box()
    for chip in row.locator(".chip:visible").all():
        box = chip.bounding_box()
        assert box["y"] + box["height"] <= meta["y"] + meta["height"] + 0.5, f"{chip.inner_text()!r} is not on the row's line"
        assert box["x"] + box["width"] <= meta["x"] + meta["width"] + 0.5, f"{chip.inner_text()!r} is cut by the row's edge"

    if size != (1280, 800):
        return
    # A row with room for its tags counts none.
    api(live_app, "POST", "/api/notes/", {"title": "Few tags", "body": "text", "tags": ["work"]})
    app.reload()
    few = app.locator(".note-item", has_text="Few tags")
    expect(few.locator(".chip:visible")).to_have_text(["work"])


@pytest.mark.parametrize("size", [pytest.param((1280, 800), id="1280x800"), pytest.param(MIN_SIZE, id="minimum")])
def test_a_long_title_is_read_whole_in_its_rows_tooltip_the_editor_and_the_page_title(app, live_app, size):
    app.set_viewport_size({"width": size[0], "height": size[1]})
    api(live_app, "POST", "/api/notes/", {"title": LONG_TITLE, "body": "text"})
    app.reload()
    row = app.locator(".note-item")
    row_title = row.locator(".note-item-title")
    expect(row_title).to_have_attribute("title", LONG_TITLE)
    assert row.get_attribute("aria-label").startswith(LONG_TITLE)
    assert row_title.evaluate("el => el.scrollHeight <= el.clientHeight + 1"), "the row's title takes more than a line"
    row.click()
    title = app.locator("#noteTitle")
    expect(title).to_have_value(LONG_TITLE)
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight"), \
        "the editor's title field cuts the title"
    box, body = title.bounding_box(), app.locator("#noteBody").bounding_box()
    assert box["y"] + box["height"] <= body["y"], "the title is drawn over the note's text"
    expect(app).to_have_title(f"{LONG_TITLE} · Notedesk")


def test_a_new_note_made_during_a_search_is_listed(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Zebra facts", "body": "stripes"})
    app.reload()
    app.fill("#search", "zebra")
    expect(app.locator("#listStatus")).to_have_text("1 note found for “zebra”")
    create_note_in_page(app, "Groceries", "eggs")
    expect(app.locator(".note-item", has_text="Groceries")).to_be_visible()
    expect(app.locator("#search")).to_have_value("")
    expect(app.locator("#listStatus")).to_have_text("2 notes")


def test_choosing_a_tag_keeps_the_open_note_open(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Work plan", "body": "text", "tags": ["work"]})
    api(live_app, "POST", "/api/notes/", {"title": "Holiday", "body": "text", "tags": ["home"]})
    app.reload()
    app.locator(".note-item", has_text="Holiday").click()
    expect(app.locator("#noteTitle")).to_have_value("Holiday")

    app.locator(".tag-button", has_text="work").click()
    expect(app.locator("#listStatus")).to_have_text("1 note tagged “work”")
    expect(app.locator("#editor")).to_be_visible()
    expect(app.locator("#noteTitle")).to_have_value("Holiday")

    app.locator("[data-view=all]").click()
    app.locator(".note-item", has_text="Work plan").locator(".chip", has_text="work").click()
    expect(app.locator("#listStatus")).to_have_text("1 note tagged “work”")
    expect(app.locator("#noteTitle")).to_have_value("Holiday")
