"""With less motion asked for (GNOME's Reduce animation: prefers-reduced-motion in WebKitGTK),
nothing in the notes app slides, fades or turns: nothing moves but what a person moves."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.page_measures import MOVING

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [pytest.param(1120, id="wide"), pytest.param(700, id="narrow")])
def test_nothing_moves_when_less_motion_is_asked_for(app, width):
    """The toast slid in, the sidebar slid over the list in a narrow window, a tag's fold turned."""
    app.set_viewport_size({"width": width, "height": 700})
    app.emulate_media(reduced_motion="reduce")
    create_note_in_page(app, "Minutes", "Some text")
    app.click("#trashNote")
    expect(app.locator(".toast-action")).to_have_text("Undo")
    assert app.evaluate(MOVING) == []
