"""The save state in the editor's toolbar is read whole at the window's default size, beside a
pinned note's longer Pinned button too: an error there said only "…"."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.e2e.test_narrow_window import assert_no_horizontal_overflow, assert_read_whole

pytestmark = pytest.mark.browser

DEFAULT_WINDOW = {"width": 1120, "height": 736}
REFUSAL = "Note text: Ensure this value has at most 1000000 characters (it has 1000003)."


def test_a_pinned_note_s_save_state_and_its_error_are_read_whole_at_the_default_window_size(app):
    app.set_viewport_size(DEFAULT_WINDOW)
    create_note_in_page(app, "Pinned limit", "Long text")
    app.click("#togglePin")
    expect(app.locator("#togglePin")).to_have_attribute("aria-pressed", "true")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert_read_whole(app, app.locator("#saveState"))
    state, pin = app.locator("#saveState").bounding_box(), app.locator("#togglePin").bounding_box()
    assert pin["y"] < state["y"] + state["height"], "the buttons take a row of their own for “Saved”"
    app.route("**/api/notes/*/", lambda route: route.fulfill(
        status=400, content_type="application/json", body=json.dumps({"error": REFUSAL}))
        if route.request.method == "PATCH" else route.continue_())
    app.press("#noteBody", "End")
    app.keyboard.type("abc")
    expect(app.locator("#saveState")).to_have_text(f"Not saved: {REFUSAL}")
    assert_read_whole(app, app.locator("#saveState"))
    for button in app.locator(".editor-toolbar button:visible").all():
        assert_read_whole(app, button)
    assert_no_horizontal_overflow(app)
