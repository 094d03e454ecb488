"""What a screen reader is told without asking: the live regions' changes, as it hears them."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)

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
