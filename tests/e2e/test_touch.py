"""A touch screen: what a hover shows a mouse is there for a finger, which never hovers."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api

pytestmark = pytest.mark.browser


@pytest.fixture
def touch_app(chromium, live_app):
    """Notedesk in a window whose screen is a touch screen (its pointer is coarse and cannot hover)."""
    context = chromium.new_context(has_touch=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_on_a_touch_screen_each_tags_rename_button_shows_and_a_tap_opens_it(touch_app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": ["work"]})
    touch_app.goto(live_app.launch_url("/"))
    tag = touch_app.locator(".tag-item", has=touch_app.locator(".tag-button", has_text="work"))
    edit = tag.get_by_role("button", name="Rename or delete the tag “work”")
    expect(edit).to_have_css("opacity", "1")
    expect(tag.locator(".tag-count")).to_be_visible()  # the count stays beside the button
    edit.tap()
    expect(touch_app.locator("#tagDialog")).to_be_visible()


# The controls shown smaller than WCAG 2.2's minimum target, 24 × 24 px (links inside the text
# are exempt, as the criterion says).
TARGETS_UNDER_24_PX = """() => [...document.querySelectorAll('button, a[href], input, select, textarea, summary')]
  .filter((control) => control.getClientRects().length && !control.closest('.markdown'))
  .map((control) => [control.id || control.className, control.getBoundingClientRect()])
  .filter(([, box]) => box.width < 24 || box.height < 24)
  .map(([name, box]) => `${name}: ${Math.round(box.width)} × ${Math.round(box.height)}`)"""


def test_in_a_narrow_window_a_finger_has_24_px_for_each_control_of_the_note_and_its_find_bar(touch_app, live_app):
    note = api(live_app, "POST", "/api/notes/", {"title": "Plan", "body": "Draft", "tags": ["work"]})
    touch_app.set_viewport_size({"width": 600, "height": 800})
    touch_app.goto(live_app.launch_url("/"))
    touch_app.locator(f"#note-{note['id']}").tap()
    touch_app.locator("#noteBody").press("Control+f")
    expect(touch_app.locator("#findBar")).to_be_visible()
    assert touch_app.evaluate(TARGETS_UNDER_24_PX) == []
