"""Go to note (Ctrl+O, View › Go to note…): someone moving from Obsidian's quick switcher or Joplin's
Goto Anything, with notes by the thousand, had only the search field to get to a note by its title
(ui/static/js/notes/note_picker.js)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

OPTIONS = "#noteSwitcherList [role=option]"


def seed(app, live_app, titles):
    ids = {title: api(live_app, "POST", "/api/notes/", {"title": title, "body": f"About {title}."})["id"] for title in titles}
    app.reload()
    expect(app.locator(".note-item")).to_have_count(len(titles))
    return ids


def go_to_note(app, typed):
    app.keyboard.press("Control+o")
    expect(app.locator("#noteSwitcherFilter")).to_be_focused()
    app.keyboard.type(typed)


def test_a_note_is_opened_by_a_word_of_its_title_typed_without_its_accents_or_case(app, live_app):
    seed(app, live_app, ["Café menus", "Meeting notes", "Weekly meeting", "Recipes"])
    go_to_note(app, "MEET")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Meeting notes", "Weekly meeting", "Create note “MEET”"])
    expect(app.locator(f"{OPTIONS} mark")).to_have_text(["Meet", "meet"])
    expect(app.locator("#noteSwitcherFilter")).to_have_attribute("aria-activedescendant", "noteSwitcherOption0")
    app.keyboard.press("ArrowDown")
    expect(app.locator("#noteSwitcherFilter")).to_have_attribute("aria-activedescendant", "noteSwitcherOption1")
    app.keyboard.press("Enter")
    expect(app.locator("#noteSwitcher")).to_be_hidden()
    expect(app.locator("#noteTitle")).to_have_value("Weekly meeting")
    expect(app.locator("#noteBody")).to_be_focused()

    go_to_note(app, "mee week")  # each word typed starts a word of the title, in any order
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Weekly meeting", "Create note “mee week”"])
    expect(app.locator(f"{OPTIONS} mark")).to_have_text(["Week", "mee"])
    app.keyboard.press("Escape")

    go_to_note(app, "cafe")
    expect(app.locator(f"{OPTIONS} .completion-title").first).to_have_text("Café menus")
    expect(app.locator(f"{OPTIONS} mark")).to_have_text(["Café"])
    app.keyboard.press("Enter")
    expect(app.locator("#noteTitle")).to_have_value("Café menus")


def test_each_note_of_one_title_is_offered_and_one_whose_title_a_link_cannot_hold(app, live_app):
    older = api(live_app, "POST", "/api/notes/", {"title": "Plan [draft]", "body": "The older."})
    api(live_app, "POST", "/api/notes/", {"title": "Plan [draft]", "body": "The newer."})
    app.reload()
    go_to_note(app, "plan")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Plan [draft]", "Plan [draft]", "Create note “plan”"])
    app.keyboard.press("ArrowDown")  # the older, after the one updated last
    app.keyboard.press("Enter")
    expect(app.locator("#noteBody")).to_have_value(older["body"])


def test_with_nothing_typed_the_notes_opened_last_come_first_and_a_trashed_one_never(app, live_app):
    ids = seed(app, live_app, ["Alpha", "Bravo", "Charlie", "Delta"])
    for title in ["Alpha", "Charlie", "Bravo"]:
        app.locator(".note-item", has_text=title).click()
        expect(app.locator("#noteTitle")).to_have_value(title)
    api(live_app, "DELETE", f"/api/notes/{ids['Charlie']}/")
    app.keyboard.press("Control+o")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Bravo", "Alpha", "Delta"])
    go_to_note(app, "char")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Create note “char”"])


def test_with_nothing_typed_the_notes_opened_last_are_asked_for_by_their_titles_alone(app, live_app):
    """Until this, each was read whole, body and all (a 1 MB draft, 1 MB at each Ctrl+O), for its title."""
    seed(app, live_app, ["Alpha", "Bravo"])
    for title in ["Alpha", "Bravo"]:
        app.locator(".note-item", has_text=title).click()
        expect(app.locator("#noteTitle")).to_have_value(title)
    asked = []
    app.on("request", lambda request: asked.append(urlsplit(request.url)))
    app.keyboard.press("Control+o")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Bravo", "Alpha"])
    assert [url.path for url in asked if re.fullmatch(r"/api/notes/\d+/", url.path)] == []
    assert len([url for url in asked if url.path == "/api/titles/" and "ids" in parse_qs(url.query)]) == 1


def test_enter_on_a_title_no_note_has_creates_it_and_the_open_notes_typing_is_kept(app, live_app):
    seed(app, live_app, ["Groceries"])
    app.locator(".note-item", has_text="Groceries").click()
    app.locator("#noteBody").focus()
    app.keyboard.press("End")
    app.keyboard.type(" Eggs.")
    go_to_note(app, "Trip to Lisbon")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Create note “Trip to Lisbon”"])
    app.keyboard.press("Enter")
    expect(app.locator("#noteTitle")).to_have_value("Trip to Lisbon")
    expect(app.locator(".note-item", has_text="Trip to Lisbon")).to_be_visible()
    notes = {note["title"]: note for note in api(live_app, "GET", "/api/notes/")["notes"]}
    assert notes["Groceries"]["body"] == "About Groceries. Eggs."


@pytest.mark.parametrize("opened_from", ["#noteBody", "#noteList", "#search"])
def test_escape_closes_it_and_the_focus_is_back_where_it_was(app, live_app, opened_from):
    seed(app, live_app, ["Alpha"])
    app.locator(".note-item", has_text="Alpha").click()
    app.locator(opened_from).focus()
    go_to_note(app, "x")
    app.keyboard.press("Escape")
    expect(app.locator("#noteSwitcher")).to_be_hidden()
    expect(app.locator(opened_from)).to_be_focused()
    expect(app.locator("#noteTitle")).to_have_value("Alpha")


def test_a_right_to_left_title_starts_at_the_right_and_a_phone_wide_window_holds_the_list(app, live_app):
    app.set_viewport_size({"width": 400, "height": 700})
    seed(app, live_app, ["كتاب الطبخ", "Cooking"])
    go_to_note(app, "كتاب")
    title = app.locator(f"{OPTIONS} .completion-title").first
    expect(title).to_have_text("كتاب الطبخ")
    assert title.evaluate("span => getComputedStyle(span).direction") == "rtl"
    box = app.locator("#noteSwitcher").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 400
    app.keyboard.press("Enter")
    expect(app.locator("#noteTitle")).to_have_value("كتاب الطبخ")
    expect(app.locator("#noteTitle")).to_be_in_viewport()


def test_a_click_elsewhere_or_tab_out_of_it_closes_it(app, live_app):
    seed(app, live_app, ["Alpha", "Bravo"])
    go_to_note(app, "br")
    app.locator(".note-item", has_text="Alpha").click()
    expect(app.locator("#noteSwitcher")).to_be_hidden()
    expect(app.locator("#noteTitle")).to_have_value("Alpha")
    go_to_note(app, "br")
    app.keyboard.press("Tab")  # to Close, still in it
    expect(app.locator("#noteSwitcher")).to_be_visible()
    app.keyboard.press("Shift+Tab")
    app.keyboard.press("Shift+Tab")  # out of it, to what is before it
    expect(app.locator("#noteSwitcher")).to_be_hidden()
    expect(app.locator("#noteTitle")).to_have_value("Alpha")


def test_enter_typed_before_the_list_has_come_opens_what_the_typing_finds_not_the_list_shown_before(app, live_app):
    seed(app, live_app, ["Groceries", "Recipes"])
    app.locator(".note-item", has_text="Recipes").click()
    expect(app.locator("#noteTitle")).to_have_value("Recipes")
    app.keyboard.press("Control+o")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Recipes", "Groceries"])  # the notes opened last
    held = []  # a slow server: the titles for the typing answered only after Enter
    app.route(re.compile(r"/api/titles/\?q=groc&"), lambda route: held.append(route))
    app.keyboard.type("groc")
    app.keyboard.press("Enter")
    expect(app.locator("#noteSwitcher")).to_be_visible()  # waiting for the list, not the one shown before
    expect(app.locator("#noteTitle")).to_have_value("Recipes")
    for _ in range(250):
        if held:
            break
        app.wait_for_timeout(20)
    held[0].continue_()
    expect(app.locator("#noteSwitcher")).to_be_hidden()
    expect(app.locator("#noteTitle")).to_have_value("Groceries")
