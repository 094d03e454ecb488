"""Text cut short in the window is cut between whole characters as they are seen: an emoji keeps
its skin tone, a flag its two letters."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def test_an_untitled_note_s_first_line_is_its_title_in_whole_characters(app, live_app):
    line = "x" + "👍🏿" * 30  # 80 UTF-16 code units end inside the 20th skin tone
    note = api(live_app, "POST", "/api/notes/", {"title": "", "body": f"{line}\nmore"})
    app.reload()
    expect(app.locator(".note-item-title")).to_have_text(line)
    app.click(f"#note-{note['id']}")
    app.click("#trashNote")
    expect(app.locator(".toast")).to_contain_text(f"“{line}” moved to the trash")
