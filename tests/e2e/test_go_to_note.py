"""Go to note (Ctrl+O, View › Go to note…): someone moving from Obsidian's quick switcher or Joplin's
Goto Anything, with notes by the thousand, had only the search field to get to a note by its title
(ui/static/js/notes/note_picker.js)."""

import re
from datetime import datetime, timezone
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


# The option a screen reader is told of: each time the field's aria-activedescendant names
# another id (the same id on an option made anew is no change to WebKitGTK, and nothing is read).
LISTEN_TO_ACTIVE_OPTION = """(selector) => {
  window.heard = [];
  new MutationObserver((records) => {
    for (const { target, oldValue } of records) {
      const now = target.getAttribute('aria-activedescendant');
      if (now && now !== oldValue) window.heard.push(document.getElementById(now).textContent);
    }
  }).observe(document.querySelector(selector), { attributes: true, attributeFilter: ['aria-activedescendant'], attributeOldValue: true });
}"""


def test_the_first_match_is_read_out_as_a_title_is_typed(app, live_app):
    seed(app, live_app, ["Café menus", "Meeting notes", "Recipes"])
    app.evaluate(LISTEN_TO_ACTIVE_OPTION, "#noteSwitcherFilter")
    go_to_note(app, "rec")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Recipes", "Create note “rec”"])
    assert app.evaluate("window.heard")[-1] == "Recipes"
    app.keyboard.type("z")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Create note “recz”"])
    assert app.evaluate("window.heard")[-1] == "Create note “recz”"


def test_a_note_is_opened_by_a_word_of_its_title_typed_without_its_accents_or_case(app, live_app):
    seed(app, live_app, ["Café menus", "Meeting notes", "Weekly meeting", "Recipes"])
    go_to_note(app, "MEET")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Meeting notes", "Weekly meeting", "Create note “MEET”"])
    expect(app.locator(f"{OPTIONS} mark")).to_have_text(["Meet", "meet"])
    expect(app.locator("#noteSwitcherFilter")).to_have_attribute("aria-activedescendant", re.compile(r"^noteSwitcherOption\d+-0$"))
    app.keyboard.press("ArrowDown")
    expect(app.locator("#noteSwitcherFilter")).to_have_attribute("aria-activedescendant", re.compile(r"^noteSwitcherOption\d+-1$"))
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


def test_two_notes_of_one_title_are_told_apart_by_when_each_was_last_changed(app, live_app):
    """Until this, they were two identical rows: which was which, one could not tell before opening it."""
    from embedded_site.notes.models import Note

    older = api(live_app, "POST", "/api/notes/", {"title": "Meeting", "body": "The older."})
    api(live_app, "POST", "/api/notes/", {"title": "Meeting", "body": "The newer."})
    api(live_app, "POST", "/api/notes/", {"title": "Meeting room", "body": "Alone of its title."})
    Note.objects.filter(pk=older["id"]).update(updated=datetime(2025, 3, 14, 9, 30, tzinfo=timezone.utc))
    app.reload()
    go_to_note(app, "meet")
    rows = app.locator(OPTIONS)
    expect(rows.locator(".completion-title")).to_have_text(["Meeting", "Meeting", "Meeting room", "Create note “meet”"])
    expect(rows.nth(0).locator("time")).to_contain_text(str(datetime.now().year))
    expect(rows.nth(1).locator("time")).to_contain_text("Mar 14, 2025")
    expect(rows.nth(2).locator("time")).to_have_count(0)
    app.keyboard.press("ArrowDown")
    app.keyboard.press("Enter")
    expect(app.locator("#noteBody")).to_have_value("The older.")


def test_a_note_without_a_title_is_offered_by_its_first_line_as_the_list_names_it(app, live_app):
    """Until this, a note without a title was never offered, typed for or not."""
    untitled = api(live_app, "POST", "/api/notes/", {"title": "", "body": "# Shopping list\n\nMilk, eggs."})
    api(live_app, "POST", "/api/notes/", {"title": "Shop opening hours", "body": ""})
    app.reload()
    expect(app.locator(f"#note-{untitled['id']} .note-item-title")).to_have_text("Shopping list")
    go_to_note(app, "shop li")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Shopping list", "Create note “shop li”"])
    expect(app.locator(f"{OPTIONS} mark")).to_have_text(["Shop", "li"])
    app.keyboard.press("Enter")
    expect(app.locator("#noteBody")).to_have_value(untitled["body"])
    expect(app.locator("#noteTitle")).to_have_value("")
    app.keyboard.press("Control+o")  # nothing typed: the note opened last first, by the same name
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Shopping list", "Shop opening hours"])


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


def test_a_click_elsewhere_closes_it(app, live_app):
    seed(app, live_app, ["Alpha", "Bravo"])
    go_to_note(app, "br")
    app.locator(".note-item", has_text="Alpha").click()
    expect(app.locator("#noteSwitcher")).to_be_hidden()
    expect(app.locator("#noteTitle")).to_have_value("Alpha")


@pytest.mark.parametrize("picker, filter, close, command", [
    ("#noteSwitcher", "#noteSwitcherFilter", "#closeNoteSwitcher", "go-to-note"),
    ("#templatePicker", "#templateFilter", "#closeTemplatePicker", "insert-template"),  # the same picker
])
def test_tab_and_shift_tab_go_round_its_field_and_close_and_escape_gives_the_focus_back(app, live_app, picker, filter, close, command):
    """Until this, Tab from Close left the dialog open with the focus gone from view in the page behind."""
    seed(app, live_app, ["Alpha", "Bravo"])
    app.locator(".note-item", has_text="Alpha").click()
    app.locator("#noteBody").focus()
    app.evaluate("command => document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command}}))", command)
    expect(app.locator(filter)).to_be_focused()
    for key, focused in [("Tab", close), ("Tab", filter), ("Shift+Tab", close), ("Shift+Tab", filter)]:
        app.keyboard.press(key)
        expect(app.locator(focused)).to_be_focused()
        expect(app.locator(picker)).to_be_visible()
    app.keyboard.press("Escape")
    expect(app.locator(picker)).to_be_hidden()
    expect(app.locator("#noteBody")).to_be_focused()


def test_go_to_heading_go_to_note_and_insert_template_are_one_combobox_with_no_spell_check_on_what_is_typed(app, live_app):
    """Their markup, written three times, had drifted: Go to heading's field underlined a heading's
    words typed as misspelt, and took any length."""
    pickers = app.evaluate("""() => [...document.querySelectorAll('[role=dialog]:has(> .find-row > [role=combobox])')].map((bar) => {
        const field = bar.querySelector('[role=combobox]');
        return [bar.id, field.spellcheck, field.maxLength, document.getElementById(field.getAttribute('aria-controls'))?.getAttribute('role'),
                field.getAttribute('aria-label').startsWith(bar.getAttribute('aria-label') + ' ('), bar.querySelector('button').textContent];
    })""")
    assert pickers == [[bar, False, 300, "listbox", True, "Close"] for bar in ["headingBar", "noteSwitcher", "templatePicker"]]


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
