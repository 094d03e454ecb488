"""Templates (Edit › Insert template…): someone keeping meeting notes and a journal, from Obsidian's
Templates and Joplin's templates, had to copy a meeting's outline by hand from note to note. A
note tagged `template` is one; the one chosen goes in at the caret (ui/static/js/notes/templates.js),
filled in by the server (GET /api/templates/)."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

OPTIONS = "#templateList [role=option]"
MEETING = "## {{title}}, {{date}} at {{time}}\nAttendees: {{attendees}}\n- "


def insert_template(app):
    app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'insert-template'}}))")


def seed(app, live_app, notes):
    made = {title: api(live_app, "POST", "/api/notes/", {"title": title, "body": body, "tags": tags}) for title, body, tags in notes}
    app.reload()
    expect(app.locator(".note-item")).to_have_count(len(notes))
    return made


def test_a_template_chosen_by_its_title_goes_in_at_the_caret_filled_in_and_one_undo_takes_it_out(app, live_app):
    seed(app, live_app, [
        ("Meeting", MEETING, ["template"]),
        ("Weekly review", "## Week of {{date}}", ["template", "journal"]),
        ("Shopping", "Milk", []),
    ])
    app.keyboard.press("Control+n")
    app.fill("#noteTitle", "Budget sync")
    app.locator("#noteBody").press_sequentially("Before\nAfter")  # typed, not yet saved
    app.keyboard.press("ArrowUp")
    app.keyboard.press("End")
    app.keyboard.press("Enter")
    insert_template(app)
    expect(app.locator("#templateFilter")).to_be_focused()
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Meeting", "Weekly review"])  # by title, templates alone
    app.keyboard.type("meet")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Meeting"])
    expect(app.locator(f"{OPTIONS} mark")).to_have_text(["Meet"])
    now = datetime.now()
    app.keyboard.press("Enter")
    expect(app.locator("#templatePicker")).to_be_hidden()
    expect(app.locator("#noteBody")).to_be_focused()
    filled = f"## Budget sync, {now:%Y-%m-%d} at {now:%H:%M}\nAttendees: {{{{attendees}}}}\n- "
    expect(app.locator("#noteBody")).to_have_value(f"Before\n{filled}\nAfter")
    expect(app.locator(".toast")).to_contain_text("{{attendees}}")
    # One edit, which Undo takes back. (Undo is pressed before anything is typed: Chromium groups
    # the letters typed after it with it, as test_indent.py says of a link.)
    app.keyboard.press("Control+z")
    expect(app.locator("#noteBody")).to_have_value("Before\n\nAfter")

    insert_template(app)
    app.keyboard.type("meet")
    expect(app.locator(f"{OPTIONS} .completion-title")).to_have_text(["Meeting"])
    app.keyboard.press("Enter")
    app.keyboard.type("Ana")  # the caret after the template, where its list starts
    expect(app.locator("#noteBody")).to_have_value(f"Before\n{filled}Ana\nAfter")
    expect(app.locator("#saveState")).to_have_text("Saved")
    [saved] = [note for note in api(live_app, "GET", "/api/notes/?limit=10")["notes"] if note["title"] == "Budget sync"]
    assert saved["body"] == f"Before\n{filled}Ana\nAfter"


def test_with_no_note_open_or_one_in_the_trash_the_person_is_told_why_nothing_went_in(app, live_app):
    made = seed(app, live_app, [("Meeting", MEETING, ["template"]), ("Old minutes", "Kept", [])])
    insert_template(app)
    expect(app.locator(".toast")).to_have_text("Open a note to insert a template into it.")
    expect(app.locator("#templatePicker")).to_be_hidden()

    api(live_app, "DELETE", f"/api/notes/{made['Old minutes']['id']}/")
    app.reload()
    app.click(".view[data-view='trash']")
    app.locator(".note-item", has_text="Old minutes").click()
    insert_template(app)
    expect(app.locator(".toast").last).to_have_text("This note is in the trash: restore it to insert a template into it.")
    expect(app.locator("#templatePicker")).to_be_hidden()
    expect(app.locator("#noteBody")).to_have_value("Kept")


def test_with_history_open_the_person_is_told_to_close_it_and_with_no_templates_how_to_make_one(app, live_app):
    seed(app, live_app, [("Groceries", "Milk", [])])
    app.locator(".note-item", has_text="Groceries").click()
    app.click("#toggleHistory")
    insert_template(app)
    expect(app.locator(".toast")).to_have_text("Close History to insert a template: the note’s text is behind it.")
    app.click("#closeHistory")
    insert_template(app)
    expect(app.locator("#templateList")).to_have_text("No templates yet: tag a note “template” to make it one")
    app.keyboard.press("Escape")
    expect(app.locator("#templatePicker")).to_be_hidden()
    expect(app.locator("#noteBody")).to_have_value("Milk")


def test_enter_typed_before_the_templates_have_come_takes_the_first_the_title_matches(app, live_app):
    seed(app, live_app, [("Meeting", "Agenda:", ["template"]), ("Groceries", "Milk", [])])
    app.locator(".note-item", has_text="Groceries").click()
    held = []  # a slow server: the templates' list answered only after Enter
    app.route("**/api/templates/?*", lambda route: held.append(route))
    insert_template(app)
    app.keyboard.type("meet")
    app.keyboard.press("Enter")
    while not held:
        app.wait_for_timeout(20)
    expect(app.locator("#templateList")).to_have_text("Loading templates…")
    held[0].continue_()
    expect(app.locator("#templatePicker")).to_be_hidden()
    expect(app.locator("#noteBody")).to_have_value("MilkAgenda:")  # at the caret, the end of the text opened
