"""Search operators and text in every script, in the app; the help popover on the search field."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))


@pytest.fixture
def notes(app, live_app):
    api(live_app, "POST", "/api/notes/", {"title": "東京の会議", "body": "今日は東京都で会議がありました 🎉", "tags": ["work"]})
    api(live_app, "POST", "/api/notes/", {"title": "Budget review", "body": "The budget review meeting", "tags": ["work"], "pinned": True})
    api(live_app, "POST", "/api/notes/", {"title": "Draft budget", "body": "a draft of the budget", "tags": ["home"]})
    app.reload()
    expect(app.locator("#listStatus")).to_have_text("3 notes")
    return app


def test_operators_and_scripts_in_the_search_field(notes):
    app = notes
    app.fill("#search", "会議")
    expect(app.locator(".note-item-title")).to_have_text(["東京の会議"])
    expect(app.locator(".note-item-excerpt mark").first).to_have_text("会議")
    app.fill("#search", "🎉")
    expect(app.locator(".note-item-title")).to_have_text(["東京の会議"])
    app.fill("#search", 'tag:work "budget review" -draft')
    expect(app.locator(".note-item-title")).to_have_text(["●Budget review"])
    app.fill("#search", "budget -is:pinned")
    expect(app.locator(".note-item-title")).to_have_text(["Draft budget"])
    app.fill("#search", "title:draft")
    expect(app.locator(".note-item-title")).to_have_text(["Draft budget"])
    expect(app.locator(".note-item-title mark")).to_have_text(["Draft"])  # in the title line, not the text
    app.fill("#search", "title:meeting")  # in a body only
    expect(app.locator("#listStatus")).to_have_text("Nothing found for “title:meeting”")
    app.fill("#search", 'tag: "unclosed')
    expect(app.locator("#listStatus")).to_have_text("Nothing found for “tag: \"unclosed”")
    expect(app.locator(".toast-error")).to_have_count(0)


def test_the_help_popover_explains_the_operators(notes):
    app = notes
    app.click("#searchHelpToggle")
    expect(app.locator("#searchHelp")).to_be_visible()
    expect(app.locator("#searchHelp dt")).to_have_count(9)
    expect(app.locator("#searchHelp")).to_contain_text("title:garden")
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / "search-help.png"))
    app.keyboard.press("Escape")
    expect(app.locator("#searchHelp")).to_be_hidden()
    expect(app.locator("#searchHelpToggle")).to_be_focused()
    app.keyboard.press("Enter")
    expect(app.locator("#searchHelp")).to_be_visible()
    app.keyboard.press("Tab")  # on to the list: the help no longer covers it
    expect(app.locator("#searchHelp")).to_be_hidden()




def test_the_help_s_tooltip_does_not_cover_the_open_help(notes):
    app = notes
    toggle = app.locator("#searchHelpToggle")
    expect(toggle).to_have_attribute("title", "Search operators: tag:, is:pinned, OR, -word…")
    toggle.hover()
    toggle.click()
    expect(app.locator("#searchHelp")).to_be_visible()
    expect(toggle).not_to_have_attribute("title", "Search operators: tag:, is:pinned, OR, -word…")
    toggle.click()
    expect(app.locator("#searchHelp")).to_be_hidden()
    expect(toggle).to_have_attribute("title", "Search operators: tag:, is:pinned, OR, -word…")
