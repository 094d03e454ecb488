"""What a screen reader names each control and mark of the window: none is left unnamed or read
as its symbol ("question mark", "black circle") or as its text run together ("work2")."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page, wait_for  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

# The controls a person can reach whose name is empty: nothing but a symbol, or nothing at all.
UNNAMED = """() => [...document.querySelectorAll('button, input:not([type=file]), textarea, a[href], summary, [role=listbox]')]
  .filter((element) => element.getClientRects().length)
  .filter((element) => {
    const named = element.getAttribute('aria-label') || element.getAttribute('aria-labelledby') || element.labels?.length;
    return !named && !/\\p{L}/u.test(element.textContent);
  })
  .map((element) => element.outerHTML.slice(0, 120))"""


def test_every_control_has_a_name_and_a_tag_says_how_many_notes_it_is_on(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": ["work"], "pinned": True})
    api(live_app, "POST", "/api/notes/", {"title": "Budget", "body": "Numbers", "tags": ["work"]})
    app.reload()
    app.click(".note-item >> nth=0")
    assert app.evaluate(UNNAMED) == []
    expect(app.get_by_role("button", name="How to search")).to_be_visible()
    expect(app.get_by_role("button", name="work, 2 notes", exact=True)).to_be_visible()
    expect(app.get_by_role("img", name="Pinned")).to_have_count(1)


def test_an_upload_s_progress_bar_is_named_after_its_file(app, tmp_path):
    (tmp_path / "report.txt").write_text("Numbers")
    create_note_in_page(app, "Minutes", "Text")
    held = []
    app.route("**/attachments/", lambda route: held.append(route))
    app.set_input_files("#attachmentInput", str(tmp_path / "report.txt"))
    wait_for(app, lambda: held)
    expect(app.get_by_role("progressbar", name="Uploading report.txt…")).to_be_visible()
    held[0].continue_()
    expect(app.locator("#uploadStatus")).to_be_hidden()


def test_the_window_s_headings_start_with_one_that_names_the_app(app):
    expect(app.get_by_role("heading", level=1)).to_have_text("Notedesk")


def test_a_note_s_row_is_read_as_its_parts_apart_and_says_which_words_are_its_tags(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Shopping list", "body": "Milk and eggs", "tags": ["errands", "home"], "pinned": True})
    app.reload()
    row = app.get_by_role("option")
    date = row.locator("time").inner_text()
    # Not "Shopping list Milk and eggsDec 6, 2026, 11:57 PM errands home".
    expect(row).to_have_accessible_name(f"Pinned, Shopping list, Milk and eggs, {date}, tags: errands, home")


def test_a_note_opened_from_the_list_into_its_text_is_read_with_its_title(app, live_app):
    # It was "Note text" for every note: a person going from note to note heard no title.
    api(live_app, "POST", "/api/notes/", {"title": "Trip to Rome", "body": "Day one"})
    app.reload()
    app.get_by_role("listbox", name="Notes").focus()
    app.keyboard.press("Home")
    expect(app.locator("#noteTitle")).to_have_value("Trip to Rome")
    app.keyboard.press("Enter")
    text = app.locator("#noteBody")
    expect(text).to_be_focused()
    expect(text).to_have_accessible_name("Trip to Rome, note text")
    app.locator("#noteTitle").fill("Trip to Naples")
    expect(text).to_have_accessible_name("Trip to Naples, note text")
    app.locator("#noteTitle").fill("")
    expect(text).to_have_accessible_name("Note text")


def test_import_and_export_is_read_as_a_button_that_says_whether_it_is_open(app):
    # A <summary>: WebKitGTK gave Orca no role and no open or closed state for it, only its words.
    toggle = app.get_by_role("button", name="Import and export")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(app.locator("#importNotes")).to_be_hidden()
    toggle.focus()
    app.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    app.keyboard.press("Tab")
    expect(app.locator("#importNotes")).to_be_focused()


def test_the_list_says_how_many_notes_it_shows_when_the_focus_comes_to_it(app, live_app):
    for title in ("Plan", "Budget"):
        api(live_app, "POST", "/api/notes/", {"title": title, "body": "Text"})
    app.reload()
    expect(app.get_by_role("listbox", name="Notes")).to_have_accessible_description("2 notes")
    app.keyboard.press("Control+f")
    app.keyboard.type("plan")
    expect(app.get_by_role("listbox", name="Notes")).to_have_accessible_description("1 note found for “plan”")


def test_headings_shown_in_capitals_are_read_as_written(app, live_app):
    # CSS's text-transform made them "SYNC", "TAGS", "LINKED FROM" for WebKitGTK's screen reader
    # too, which spelt some letter by letter; the capitals are now the font's (small caps).
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": ["work"]})
    app.reload()
    for words in ("Tags", "Sync"):
        expect(app.get_by_role("heading", name=words, exact=True)).to_have_text(words, use_inner_text=True)
    assert app.evaluate("[...document.querySelectorAll('*')].filter((element) => getComputedStyle(element).textTransform !== 'none').length") == 0
