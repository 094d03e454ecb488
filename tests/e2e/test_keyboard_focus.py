"""Keyboard only: what closes with the focus in it hands the focus on, rather than to the page's
<body> (where a screen reader says nothing and Tab starts again from the top of the window)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_conflict_view import conflict_on_the_last_line
from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def open_note(app, live_app, title):
    note = api(live_app, "POST", "/api/notes/", {"title": title, "body": "Text"})
    app.reload()
    app.click(f"#note-{note['id']}")
    expect(app.locator("#noteTitle")).to_have_value(title)
    return note


def press(app, button_id):
    """The keyboard's Enter on the button, once it shows: focus() alone does not wait for that, and
    Enter then went to whatever had the focus (Empty trash, pressed before the trash view showed)."""
    expect(app.locator(f"#{button_id}")).to_be_visible()
    app.focus(f"#{button_id}")
    app.keyboard.press("Enter")


def test_trash_restore_and_delete_forever_leave_the_focus_in_the_list(app, live_app):
    app.on("dialog", lambda dialog: dialog.accept())  # Delete forever's "cannot be undone"
    open_note(app, live_app, "Old plans")
    press(app, "trashNote")
    expect(app.locator(".toast")).to_contain_text("moved to the trash")
    expect(app.locator("#noteList")).to_be_focused()

    app.click(".view[data-view='trash']")
    expect(app.locator("#emptyTrash")).to_be_visible()  # the trash's list is in: a row clicked before was the other view's
    app.locator(".note-item", has_text="Old plans").click()
    press(app, "restoreNote")
    expect(app.locator(".toast").last).to_have_text("Note restored")
    expect(app.locator("#noteList")).to_be_focused()

    scrap = api(live_app, "POST", "/api/notes/", {"title": "Scrap", "body": "Text"})
    api(live_app, "DELETE", f"/api/notes/{scrap['id']}/")
    app.click(".view[data-view='all']")
    app.click(".view[data-view='trash']")
    app.click(f"#note-{scrap['id']}")
    press(app, "purgeNote")
    expect(app.locator("#editor")).to_be_hidden()
    expect(app.locator("#noteList")).to_be_focused()


def test_closing_history_puts_the_focus_back_on_its_button(app, live_app):
    open_note(app, live_app, "Groceries")
    press(app, "toggleHistory")
    expect(app.locator("#history")).to_be_visible()
    press(app, "closeHistory")
    expect(app.locator("#history")).to_be_hidden()
    expect(app.locator("#toggleHistory")).to_be_focused()


def test_ctrl_z_outside_the_text_runs_the_toast_s_undo_and_inside_it_undoes_the_typing(app, live_app):
    groceries = api(live_app, "POST", "/api/notes/", {"title": "Groceries", "body": "Text"})
    open_note(app, live_app, "Old plans")
    press(app, "trashNote")
    expect(app.locator(".toast-action")).to_have_attribute("title", "Undo (Ctrl+Z)")
    app.hover(".toast")  # it stays while the pointer is on it, however long the checks below take
    app.click(f"#note-{groceries['id']}")
    app.hover(".toast")
    app.press("#noteBody", "End")
    app.keyboard.type(" and milk")
    app.keyboard.press("Control+z")  # the text's own undo
    expect(app.locator("#noteBody")).to_have_value("Text")
    expect(app.locator(".note-item-title")).to_have_text(["Groceries"])

    app.keyboard.press("Escape")  # to the list
    expect(app.locator("#noteList")).to_be_focused()
    app.keyboard.press("Control+z")
    expect(app.locator(".note-item-title")).to_have_text(["Old plans", "Groceries"])
    expect(app.locator(".toast")).to_have_count(0)


def test_the_list_shows_the_focus_with_no_note_selected(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Groceries", "body": "Text"})
    app.reload()
    app.keyboard.press("Control+f")
    app.keyboard.press("Tab")  # the search help button
    app.keyboard.press("Tab")
    expect(app.locator("#noteList")).to_be_focused()
    expect(app.locator("#noteList")).to_have_css("outline-style", "solid")
    app.keyboard.press("ArrowDown")  # then the selected note shows it
    expect(app.locator(".note-item[aria-selected='true']")).to_have_css("outline-style", "solid")
    expect(app.locator("#noteList")).to_have_css("outline-style", "none")


@pytest.mark.parametrize("choice", ["keepMine", "keepTheirs", "keepBoth"])
def test_a_conflict_resolved_from_the_keyboard_leaves_the_focus_in_the_text(app, live_app, choice):
    conflict_on_the_last_line(app, live_app)
    press(app, choice)
    expect(app.locator("#conflict")).to_be_hidden()
    expect(app.locator("#noteBody")).to_be_focused()


def test_emptying_the_trash_leaves_the_focus_in_the_list(app, live_app):
    app.on("dialog", lambda dialog: dialog.accept())
    note = api(live_app, "POST", "/api/notes/", {"title": "Scrap", "body": "Text"})
    api(live_app, "DELETE", f"/api/notes/{note['id']}/")
    app.reload()
    app.click(".view[data-view='trash']")
    press(app, "emptyTrash")
    expect(app.locator("#listStatus")).to_have_text("The trash is empty")
    expect(app.locator("#noteList")).to_be_focused()


def test_deleting_the_last_tag_leaves_the_focus_on_the_view_shown(app, live_app):
    app.on("dialog", lambda dialog: dialog.accept())
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": ["work"]})
    app.reload()
    app.focus(".tag-button")
    app.keyboard.press("F2")
    press(app, "deleteTag")
    expect(app.locator(".tag-button")).to_have_count(0)
    expect(app.locator(".view[data-view='all']")).to_be_focused()


def test_a_view_chosen_in_the_narrow_window_s_sidebar_leaves_the_focus_in_the_list(app, live_app):
    app.set_viewport_size({"width": 560, "height": 500})
    press(app, "sidebarToggle")
    expect(app.locator(".view[data-view='pinned']")).to_be_visible()
    app.focus(".view[data-view='pinned']")
    app.keyboard.press("Enter")
    expect(app.locator("#listStatus")).to_have_text("No pinned notes")
    expect(app.locator("#sidebar")).to_be_hidden()
    expect(app.locator("#noteList")).to_be_focused()


def test_escape_in_the_text_goes_to_a_conflict_s_choice_and_then_to_the_list(app, live_app):
    conflict_on_the_last_line(app, live_app)
    app.focus("#noteBody")
    app.keyboard.press("Escape")
    expect(app.locator("#keepMine")).to_be_focused()
    app.keyboard.press("Escape")
    expect(app.locator("#noteList")).to_be_focused()


def test_the_menu_s_preview_and_a_link_followed_in_it_keep_the_focus(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Recipes", "body": "Soup"})
    open_note(app, live_app, "Plan")
    app.fill("#noteBody", "See [[Recipes]]")
    app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', { detail: { command: 'toggle-preview' } }))")
    expect(app.locator("#preview a.wikilink")).to_have_text("Recipes")
    expect(app.locator("#togglePreview")).to_be_focused()  # the text it was in is hidden
    app.focus("#preview a.wikilink")
    app.keyboard.press("Enter")
    expect(app.locator("#noteTitle")).to_have_value("Recipes")
    expect(app.locator("#noteBody")).to_be_focused()


def test_home_end_and_page_down_move_through_the_list_as_in_any_listbox(app, live_app):
    # Only ↑ and ↓ moved: the 30th note was 29 presses away.
    for number in range(30):
        api(live_app, "POST", "/api/notes/", {"title": f"Note {number}", "body": "Text"})
    app.reload()
    expect(app.locator("#listStatus")).to_have_text("30 notes")
    app.focus("#noteList")
    selected = app.locator(".note-item[aria-selected='true']")
    app.keyboard.press("End")
    expect(selected).to_have_attribute("aria-posinset", "30")
    app.keyboard.press("Home")
    expect(selected).to_have_attribute("aria-posinset", "1")
    app.keyboard.press("PageDown")
    expect(selected).not_to_have_attribute("aria-posinset", "1")
    below = int(selected.get_attribute("aria-posinset"))
    assert below > 2
    app.keyboard.press("PageUp")
    expect(selected).to_have_attribute("aria-posinset", "1")
    expect(app.locator("#noteList")).to_be_focused()


def test_at_launch_the_focus_is_in_the_list_on_the_note_opened_again(app, live_app):
    # It was on nothing (the page's <body>): a screen reader said only the window's name, and the
    # first key pressed went nowhere.
    expect(app.locator("#noteList")).to_be_focused()
    open_note(app, live_app, "Groceries")
    app.reload()
    expect(app.locator("#noteTitle")).to_have_value("Groceries")
    expect(app.locator("#noteList")).to_be_focused()
    app.keyboard.press("Enter")
    expect(app.locator("#noteBody")).to_be_focused()


def test_escape_in_history_closes_it_and_puts_the_focus_back_on_its_button(app, live_app):
    # Escape went to the list of notes, leaving History open in place of the note's text.
    open_note(app, live_app, "Groceries")
    app.fill("#noteBody", "Milk")
    expect(app.locator("#saveState")).to_have_text("Saved")
    press(app, "toggleHistory")
    expect(app.locator(".revision")).to_have_count(1)
    app.focus(".revision")
    app.keyboard.press("Escape")
    expect(app.locator("#history")).to_be_hidden()
    expect(app.locator("#noteBody")).to_be_visible()
    expect(app.locator("#toggleHistory")).to_be_focused()
    expect(app.locator("#toggleHistory")).to_have_attribute("aria-pressed", "false")


def test_cancelling_an_export_leaves_the_focus_on_import_and_export(app, live_app):
    # Cancel hid itself with the focus on it, which fell to the page's <body>.
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Text"})
    cancelled = []

    def job(route):  # the export runs until it is cancelled, however quick the real one is
        if route.request.method == "POST":  # the export's start, answered as running (the real one of a
            started = route.fetch()        # note may have ended by then: "Exported 1 note" as well)
            return route.fulfill(response=started, json={**started.json(), "state": "running"})
        if route.request.method == "DELETE":
            cancelled.append(True)
        job_id = route.request.url.rstrip("/").rsplit("/", 1)[1]
        route.fulfill(json={"id": job_id, "state": "cancelled" if cancelled else "running", "done": 1, "total": 3})

    app.route(re.compile(r".*/api/jobs/[\w-]+/$"), job)  # ids are token_urlsafe: "-" too
    press(app, "transfersToggle")
    press(app, "exportJson")
    press(app, "transferCancel")
    expect(app.locator(".toast")).to_have_text("Exporting cancelled")
    expect(app.locator("#transfer")).to_be_hidden()
    expect(app.locator("#transfersToggle")).to_be_focused()


def test_a_toast_s_button_pressed_gives_the_focus_back_where_it_was(app, live_app):
    # Undo, reached with Tab and pressed: the toast went with the focus in it, to the page's <body>.
    open_note(app, live_app, "Old plans")
    press(app, "trashNote")
    expect(app.locator("#noteList")).to_be_focused()
    app.focus(".toast-action")
    app.keyboard.press("Enter")
    expect(app.locator(".note-item", has_text="Old plans")).to_be_visible()  # undone
    expect(app.locator("#noteList")).to_be_focused()
