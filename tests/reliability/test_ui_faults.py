"""The notes app in Chromium when things go wrong mid-save: a reload before the save is answered,
the database locked by another program, the data dir going read-only. Whatever was typed stays
on screen and is saved exactly once. (tests/e2e/test_notes_app.py has the offline cases: typing
while the server is stopped, or after it saved but before it answered; a note made offline.)"""

import json
import subprocess

import pytest
from django.db import connections
from playwright.sync_api import expect

from tests.e2e.test_drafts import STORED_DRAFTS
from tests.e2e.test_notes_app import (  # noqa: F401 (app is a fixture)
    api, app, create_note_in_page, hold_next_save, wait_for,
)
from tests.reliability.conftest import (
    another_program_holding_the_write_lock, data_dir_with_own_logs, make_read_only, unmount,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("local_owner_made")]


def pending_drafts(page) -> dict:
    return page.evaluate(STORED_DRAFTS)


@pytest.mark.parametrize("reach_server", [True, False], ids=["the-server-saved-it", "it-never-reached-the-server"])
def test_an_edit_reloaded_before_its_save_is_answered_is_kept_and_saved_once(app, live_app, reach_server):
    create_note_in_page(app, "Diary", "Monday")
    before = api(live_app, "GET", "/api/notes/")["notes"][0]
    held = hold_next_save(app, reach_server)
    app.fill("#noteBody", "Monday\nTuesday")
    wait_for(app, lambda: held)
    expect(app.locator("#saveState")).to_have_text("Saving…")
    app.reload()  # the held save is dropped with the page

    app.click(".note-item")
    expect(app.locator("#noteBody")).to_have_value("Monday\nTuesday")
    expect(app.locator("#saveState")).to_have_text("Saved")
    notes = api(live_app, "GET", "/api/notes/")["notes"]
    assert [(note["body"], note["version"]) for note in notes] == [("Monday\nTuesday", before["version"] + 1)]
    assert pending_drafts(app) == {}


def test_tags_typed_on_after_a_save_whose_answer_was_lost_are_saved_too(app, live_app):
    create_note_in_page(app, "Trip", "Bags")
    held = hold_next_save(app)
    app.fill("#noteTags", "travel")
    wait_for(app, lambda: held)  # the server saved "travel"; its answer never comes
    app.fill("#noteTags", "travel, beach")
    app.reload()

    app.click(".note-item")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert api(live_app, "GET", "/api/notes/")["notes"][0]["tags"] == ["beach", "travel"]
    assert pending_drafts(app) == {}


def test_a_new_note_reloaded_before_its_create_is_answered_is_created_once(app, live_app):
    held = hold_next_save(app)
    app.keyboard.press("Control+n")
    app.fill("#noteTitle", "Born during a reload")
    wait_for(app, lambda: held)
    app.reload()

    expect(app.locator(".note-item-title")).to_have_text(["Born during a reload"])
    assert [note["title"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["Born during a reload"]
    assert pending_drafts(app) == {}


def test_a_save_refused_while_another_program_locks_the_database_says_so_and_is_retried_until_it_saves(app, live_app):
    """With the real busy timeout (10 s): the page waits longer than the server does, so it shows
    the server's reason, not the offline banner."""
    create_note_in_page(app, "Budget", "Rent")
    with another_program_holding_the_write_lock(connections["default"].settings_dict["NAME"]):
        app.fill("#noteBody", "Rent\nFood")
        expect(app.locator("#saveState")).to_contain_text("Another program is using the database", timeout=30_000)
        expect(app.locator("#offlineBanner")).to_be_hidden()
    expect(app.locator("#saveState")).to_have_text("Saved", timeout=20_000)
    assert [note["body"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["Rent\nFood"]


def test_typing_while_the_data_dir_is_read_only_is_kept_and_saved_after_a_restart(
    chromium, notedesk, mounts, ext4_disk, tmp_path
):
    disk, image = ext4_disk
    notes_app = notedesk(data_dir_with_own_logs(disk, tmp_path / "logs", mounts))
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(notes_app.launch_url)
        expect(page.locator("#listStatus")).to_have_text("No notes yet")
        create_note_in_page(page, "Trip", "Day one")
        make_read_only(disk)
        page.fill("#noteBody", "Day one\nDay two")
        expect(page.locator("#saveState")).to_contain_text("read-only")
        expect(page.locator("#noteBody")).to_have_value("Day one\nDay two")
        assert "Day two" in json.dumps(pending_drafts(page))

        # The person fixes the disk and starts Notedesk again, on the same port (the page's storage).
        port = notes_app.port
        notes_app.stop()
        unmount(disk)
        subprocess.run(["e2fsck", "-fy", str(image)], capture_output=True, timeout=60)
        mounts("-o", "loop", str(image), at=disk)
        notes_app = notedesk(notes_app.data_dir, port=port)
        page.goto(notes_app.launch_url)
        page.click(".note-item")
        expect(page.locator("#saveState")).to_have_text("Saved")
        stored = notes_app.client().request("GET", "/api/notes/").json()["notes"]
        assert [note["body"] for note in stored] == ["Day one\nDay two"]
    finally:
        context.close()
