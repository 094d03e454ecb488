"""Keyboard only: what closes with the focus in it hands the focus on, rather than to the page's
<body> (where a screen reader says nothing and Tab starts again from the top of the window)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def open_note(app, live_app, title):
    note = api(live_app, "POST", "/api/notes/", {"title": title, "body": "Text"})
    app.reload()
    app.click(f"#note-{note['id']}")
    expect(app.locator("#noteTitle")).to_have_value(title)
    return note


def press(app, button_id):
    app.focus(f"#{button_id}")
    app.keyboard.press("Enter")


def test_trash_restore_and_delete_forever_leave_the_focus_in_the_list(app, live_app):
    app.on("dialog", lambda dialog: dialog.accept())  # Delete forever's "cannot be undone"
    open_note(app, live_app, "Old plans")
    press(app, "trashNote")
    expect(app.locator(".toast")).to_contain_text("moved to the trash")
    expect(app.locator("#noteList")).to_be_focused()

    app.click(".view[data-view='trash']")
    app.click(".note-item")
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
