"""What a screen reader is told without asking: the live regions' changes, as it hears them.

The window's engine, WebKitGTK, tells Orca of a live region's change only when an element is added
to it (AT-SPI's children-changed; a text changed in place raises no event, so it is never read
out): what is heard here is the text of each element added to the region while it is live."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.e2e.test_sync_panel import disconnected_after  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

REFUSAL = "Note text: Ensure this value has at most 1000000 characters (it has 1000003)."

# The text of each element added to the region while its aria-live is not "off": what is read out.
LISTEN = """(selector) => {
  window.heard = [];
  const node = document.querySelector(selector);
  new MutationObserver((records) => {
    if (node.getAttribute('aria-live') === 'off') return;
    for (const record of records) {
      for (const added of record.addedNodes) if (added.nodeType === Node.ELEMENT_NODE) window.heard.push(added.textContent);
    }
  }).observe(node, { childList: true, subtree: true });
}"""


def test_typing_is_not_read_out_as_it_saves_and_a_refused_save_is(app):
    create_note_in_page(app, "Letter", "Dear")
    app.evaluate(LISTEN, "#saveState")
    app.press("#noteBody", "End")
    app.keyboard.type(" Anna,")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert app.evaluate("window.heard") == []

    app.route("**/api/notes/*/", lambda route: route.fulfill(
        status=400, content_type="application/json", body=json.dumps({"error": REFUSAL}))
        if route.request.method == "PATCH" else route.continue_())
    app.keyboard.type(" hello")
    expect(app.locator("#saveState")).to_have_text(f"Not saved: {REFUSAL}")
    assert app.evaluate("window.heard")[-1] == f"Not saved: {REFUSAL}"


def test_connecting_by_keyboard_is_read_out_and_the_sync_panel_s_polls_are_not(app, disconnected_after):
    app.click("#syncSetup")
    expect(app.locator("#syncServerUrl")).to_be_focused()
    app.keyboard.type("http://127.0.0.1:9")  # nothing listens there
    app.keyboard.press("Tab")
    app.keyboard.type("a-device-token")
    app.evaluate(LISTEN, "#syncState")
    app.keyboard.press("Enter")
    expect(app.locator("#syncForm")).to_be_hidden()
    expect(app.locator("#syncSetup")).to_be_focused()  # not the page's <body>
    expect(app.locator("#syncSetup")).to_have_attribute("aria-expanded", "false")
    expect(app.locator("#syncError")).to_contain_text("cannot be reached")
    expect(app.locator("#syncError")).to_have_attribute("role", "alert")
    # Connecting starts a round, which its answer finds on ("Syncing…") or not yet begun: either way
    # what is read out ends with how the round ended.
    expect(app.locator("#syncState")).to_have_text("Not synced yet", timeout=10_000)
    heard_at_connect = app.evaluate("window.heard")
    assert heard_at_connect[-1] == "Not synced yet"
    assert set(heard_at_connect[:-1]) <= {"Syncing…"}

    create_note_in_page(app, "Written offline", "Still here")  # a poll then counts it, silently
    expect(app.locator("#syncState")).to_have_text("Not synced yet · 1 change to send", timeout=10_000)
    assert app.evaluate("window.heard") == heard_at_connect


def test_a_search_s_count_and_a_find_s_count_are_read_out(app):
    create_note_in_page(app, "Trip to Rome", "Rome in May, Rome in June")
    create_note_in_page(app, "Budget", "Numbers")
    app.evaluate(LISTEN, "#listStatus")
    app.keyboard.press("Control+Shift+f")
    app.keyboard.type("rome")
    expect(app.locator("#listStatus")).to_have_text("1 note found for “rome”")
    assert app.evaluate("window.heard")[-1] == "1 note found for “rome”"

    app.keyboard.press("Enter")  # the first found, to edit
    expect(app.locator("#noteBody")).to_be_focused()
    app.evaluate(LISTEN, "#findCount")
    app.keyboard.press("Control+f")
    app.keyboard.type("rome")
    expect(app.locator("#findCount")).to_have_text("1 of 2")
    app.keyboard.press("Enter")
    expect(app.locator("#findCount")).to_have_text("2 of 2")
    assert app.evaluate("window.heard")[-2:] == ["1 of 2", "2 of 2"]


def test_choosing_a_version_in_history_reads_out_how_it_differs_from_the_text(app):
    # Only the version's time and size were read as ↑ ↓ went through them, not what it would change.
    create_note_in_page(app, "Groceries", "Milk\nBread")
    app.keyboard.type("\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#toggleHistory")
    app.click("#restoreRevision")  # a second version: the text before the restore
    expect(app.locator(".revision")).to_have_count(2)
    app.evaluate(LISTEN, "#revisionDifference")
    app.focus(".revision[aria-current='true']")  # the version restored, the second
    app.keyboard.press("ArrowUp")  # the text before the restore
    difference = app.get_by_role("status").filter(has_text="only in this version")
    expect(difference).to_have_text("1 line only in this version, 0 only in the current text")
    assert app.evaluate("window.heard")[-1] == "1 line only in this version, 0 only in the current text"
