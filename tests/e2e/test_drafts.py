"""Unsaved edits kept in the page's storage (drafts.js): each note's draft under its own key,
written once in a while as it is typed and whenever the page may go away, so typing in a large
note stays quick and a reload right after typing loses nothing."""

import json
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page, wait_for  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

# Counts the writes of drafts to localStorage, by key.
COUNT_DRAFT_WRITES = """() => {
  const setItem = Storage.prototype.setItem;
  window.draftWrites = [];
  Storage.prototype.setItem = function (key, value) {
    if (key.startsWith('notedesk.draft')) window.draftWrites.push(key);
    return setItem.call(this, key, value);
  };
}"""

STORED_DRAFTS = """() => Object.fromEntries(Object.keys(localStorage)
  .filter((key) => key.startsWith('notedesk.draft:')).map((key) => [key, JSON.parse(localStorage.getItem(key))]))"""


def test_typing_writes_the_draft_of_that_note_once_in_a_while_not_at_every_key(app):
    create_note_in_page(app, "Other", "Left alone")
    create_note_in_page(app, "Typed in", "Start")
    app.clock.install()
    app.evaluate(COUNT_DRAFT_WRITES)
    app.locator("#noteBody").press("End")
    app.keyboard.type(" and thirty more characters....")
    assert len(app.evaluate("window.draftWrites")) <= 1, "the draft is written at every key"

    app.clock.run_for(400)
    writes = app.evaluate("window.draftWrites")
    assert 1 <= len(writes) <= 2 and len(set(writes)) == 1, writes
    draft = app.evaluate(STORED_DRAFTS)[writes[0]]
    assert draft["fields"]["body"] == "Start and thirty more characters...."


# Counts the page's passes over a long text: the whole body scanned by a regular expression, and
# the save's hash of the note (textHash: the note stringified, then hashed a character at a time).
COUNT_PASSES_OVER_LONG_TEXT = """() => {
  const long = (value) => typeof value === 'string' && value.length > 100000;
  window.passes = { scans: 0, hashes: 0 };
  const replace = String.prototype.replace;
  String.prototype.replace = function (...args) {
    if (long(String(this))) window.passes.scans += 1;
    return replace.apply(this, args);
  };
  const stringify = JSON.stringify;
  JSON.stringify = function (value, ...rest) {
    if (Array.isArray(value) && value.some(long)) window.passes.hashes += 1;
    return stringify.call(this, value, ...rest);
  };
}"""


def test_typing_in_a_whole_draft_goes_over_its_text_once_a_save_not_at_every_key(app, live_app):
    """A key typed in a note of a million characters took ~30 ms more in the window (whose
    JavaScript runs without a JIT) for the page's pass over the whole text, and each save hashed
    it three times (~80 ms each there)."""
    create_note_in_page(app, "Draft", "It was a dark night. " * 10_000)
    app.clock.install()
    app.clock.pause_at(datetime.now() + timedelta(seconds=1))  # no timer fires while the keys are typed
    app.evaluate(COUNT_PASSES_OVER_LONG_TEXT)
    app.locator("#noteBody").press("End")
    app.keyboard.type("And then the storm broke.")
    assert app.evaluate("window.passes") == {"scans": 0, "hashes": 0}

    app.clock.run_for(1000)
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert app.evaluate("window.passes") == {"scans": 1, "hashes": 1}
    assert api(live_app, "GET", "/api/notes/")["notes"][0]["body"].endswith("night. And then the storm broke.")


def test_a_draft_survives_a_reload_right_after_typing(app, live_app):
    create_note_in_page(app, "Diary", "Monday")
    app.clock.install()  # no timer runs between the typing and the reload: the page going writes the draft
    app.locator("#noteBody").press("End")
    app.keyboard.type("\nTuesday")
    app.reload()
    app.clock.run_for(2000)
    expect(app.locator(".toast")).to_have_text("Recovered what was not saved when Notedesk last closed, in “Diary”: saving it now.")

    app.click(".note-item")
    expect(app.locator("#noteBody")).to_have_value("Monday\nTuesday")
    app.clock.run_for(2000)
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert [note["body"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["Monday\nTuesday"]
    assert app.evaluate(STORED_DRAFTS) == {}


def test_typing_without_a_pause_reaches_the_server_every_few_seconds(app, live_app):
    create_note_in_page(app, "Dictation", "Start")
    app.clock.install()
    app.locator("#noteBody").press("End")
    for letter in "abcdefghijklmnopq":  # a key every 400 ms for 7 s: never the pause a save waits for
        app.keyboard.type(letter)
        app.clock.run_for(400)
    # The save the 5 s sent is on its way: its answer may come after the last key.
    wait_for(app, lambda: api(live_app, "GET", "/api/notes/")["notes"][0]["body"].startswith("Startabcdefghijkl"))


def test_drafts_kept_under_the_former_single_key_are_saved_and_the_key_goes(app, live_app):
    draft = {"uid": "0b6f4ad2-4a39-4d7e-9a51-6f2a0c2f7d11", "noteId": None, "version": None,
             "fields": {"title": "Typed before an update", "body": "Not saved yet", "tags": [], "pinned": False}}
    app.evaluate("drafts => localStorage.setItem('notedesk.drafts', drafts)", json.dumps({draft["uid"]: draft}))
    app.reload()

    expect(app.locator(".note-item-title")).to_have_text(["Typed before an update"])
    assert [note["body"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["Not saved yet"]
    assert app.evaluate("localStorage.getItem('notedesk.drafts')") is None
    assert app.evaluate(STORED_DRAFTS) == {}


FULL_STORAGE = """() => {
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    if (key.startsWith('notedesk.draft')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return setItem.call(this, key, value);
  };
}"""


def test_a_draft_the_full_storage_cannot_keep_is_said_and_the_edit_saved_once_the_server_is_back(app, live_app):
    create_note_in_page(app, "Big", "Start")
    app.evaluate(FULL_STORAGE)
    live_app.stop()
    app.locator("#noteBody").press("End")
    app.keyboard.type(" written offline")
    expect(app.locator(".toast-error")).to_contain_text("could not be kept in the window’s storage, which is full")
    expect(app.locator("#offlineBanner")).to_contain_text("only in this open window (its storage is full): keep it open")
    live_app.restart()
    expect(app.locator("#saveState")).to_have_text("Saved", timeout=20_000)
    assert [note["body"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["Start written offline"]
