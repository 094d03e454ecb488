"""What a screen reader is told without asking: the live regions' changes, as it hears them."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.e2e.test_sync_panel import disconnected_after  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

REFUSAL = "Note text: Ensure this value has at most 1000000 characters (it has 1000003)."

# Each change of the element's text while its aria-live is not "off": what is read out.
LISTEN = """(selector) => {
  window.heard = [];
  const node = document.querySelector(selector);
  new MutationObserver(() => {
    if (node.getAttribute('aria-live') !== 'off') window.heard.push(node.textContent);
  }).observe(node, { childList: true, characterData: true, subtree: true });
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
