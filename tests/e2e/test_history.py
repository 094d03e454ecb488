"""The History panel: earlier versions of a note, one beside the current text with the lines that
differ marked, and restoring one (undoable)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, wait_for  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))

LIST = "Milk\nBread\nApples\nCoffee\nRice"


def open_note(app, live_app, title, body):
    note = api(live_app, "POST", "/api/notes/", {"title": title, "body": body})
    app.reload()
    app.click(f"#note-{note['id']}")
    expect(app.locator("#noteTitle")).to_have_value(title)
    return note


def test_history_shows_a_version_beside_the_current_text_and_restores_it(app, live_app):
    note = open_note(app, live_app, "Groceries", LIST)
    app.fill("#noteBody", "Milk\nOat milk\nApples\nCoffee\nRice\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")

    app.click("#toggleHistory")
    expect(app.locator("#noteBody")).to_be_hidden()
    expect(app.locator("#historyStatus")).to_have_text("1 earlier version, kept for 90 days")
    expect(app.locator(".revision .revision-reason")).to_have_text(["Edited"])
    expect(app.locator(".revision .revision-size")).to_have_text(["29 bytes"])
    expect(app.locator("#revisionText .removed")).to_have_text(["Bread"])
    expect(app.locator("#currentText .added")).to_have_text(["Oat milk", "Eggs"])
    expect(app.locator("#revisionDifference")).to_have_text("1 line only in this version, 2 only in the current text")
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.set_viewport_size({"width": 1280, "height": 800})
    app.screenshot(path=str(SHOTS / "history.png"))

    app.click("#restoreRevision")
    expect(app.locator(".toast")).to_contain_text("Restored the version of")
    app.hover(".toast")  # it stays while the pointer is on it, however long the checks below take
    assert api(live_app, "GET", f"/api/notes/{note['id']}/")["body"] == LIST
    expect(app.locator("#revisionDifference")).to_have_text("This version is the same as the current text.")
    expect(app.locator("#restoreRevision")).to_be_disabled()
    expect(app.locator(".revision .revision-reason")).to_have_text(["Before restoring an earlier version", "Edited"])

    app.focus("#closeHistory")  # the versions are one Tab stop, the one shown (the second); ↑ ↓ go on
    app.keyboard.press("Tab")
    expect(app.locator(".revision").nth(1)).to_be_focused()
    app.keyboard.press("Tab")
    expect(app.locator(".revision:focus")).to_have_count(0)  # past the list, not to its next version
    app.keyboard.press("Shift+Tab")
    app.keyboard.press("ArrowUp")
    expect(app.locator(".revision").nth(0)).to_be_focused()
    expect(app.locator(".revision").nth(0)).to_have_attribute("aria-current", "true")
    app.keyboard.press("ArrowDown")
    expect(app.locator(".revision").nth(1)).to_have_attribute("aria-current", "true")

    app.click(".toast-action")  # Undo
    expect(app.locator("#revisionDifference")).to_have_text("1 line only in this version, 2 only in the current text")
    assert api(live_app, "GET", f"/api/notes/{note['id']}/")["body"] == "Milk\nOat milk\nApples\nCoffee\nRice\nEggs"
    app.click("#closeHistory")
    expect(app.locator("#noteBody")).to_have_value("Milk\nOat milk\nApples\nCoffee\nRice\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")


def test_right_after_a_restore_the_version_shows_alone_said_to_be_the_current_text(app, live_app):
    """After Restore, the version restored, now the note's text, was shown twice side by side with
    nothing marked: a comparison of two texts that are the same."""
    open_note(app, live_app, "Groceries", LIST)
    app.fill("#noteBody", "Milk\nOat milk\nApples\nCoffee\nRice\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#toggleHistory")
    expect(app.locator("#currentText")).to_be_visible()
    app.click("#restoreRevision")
    expect(app.locator(".toast")).to_contain_text("Restored the version of")
    app.hover(".toast")
    expect(app.locator("#revisionDifference")).to_have_text("This version is the same as the current text.")
    expect(app.locator("#currentText")).to_be_hidden()
    expect(app.locator("#revisionText")).to_contain_text("Bread")
    app.set_viewport_size({"width": 1280, "height": 800})
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / "history-after-restore.png"))
    app.click(".revision >> nth=0")  # what the restore replaced: beside the current text again
    expect(app.locator("#revisionDifference")).to_have_text("2 lines only in this version, 1 only in the current text")
    expect(app.locator("#currentText .added")).to_have_text(["Bread"])


def test_the_two_texts_start_level_when_the_version_s_date_takes_two_lines(app, live_app):
    """In a window 980 px wide the version's heading ("Version of Aug 20, 2025, 9:41 PM") takes
    two lines, and its text started a line lower than the current text beside it."""
    app.set_viewport_size({"width": 980, "height": 760})
    open_note(app, live_app, "Groceries", LIST)
    app.fill("#noteBody", LIST + "\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#toggleHistory")
    expect(app.locator("#currentText .added")).to_have_text(["Eggs"])
    lines = "el => { const range = document.createRange(); range.selectNodeContents(el); return range.getClientRects().length; }"
    assert app.locator("#revisionHeading").evaluate(lines) == 2, "the heading does not take two lines here"
    assert app.locator("#revisionText").bounding_box()["y"] == app.locator("#currentText").bounding_box()["y"]


def test_version_sizes_are_written_as_the_window_s_language_writes_them(chromium, live_app):
    """A size showed as "1.2 KB" whatever the language: in German it reads "1,2 kB"."""
    context = chromium.new_context(locale="de-DE")
    page = context.new_page()
    note = api(live_app, "POST", "/api/notes/", {"title": "Lang", "body": "x" * 1234})
    api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"body": "kurz", "version": note["version"]})
    page.goto(live_app.launch_url("/"))
    page.click(f"#note-{note['id']}")
    page.click("#toggleHistory")
    expect(page.locator(".revision .revision-size")).to_have_text(["1,2 kB"])
    context.close()


def test_what_was_typed_after_a_restore_is_kept_as_a_version_by_its_undo(app, live_app):
    note = open_note(app, live_app, "Groceries", LIST)
    app.fill("#noteBody", "Milk\nOat milk\nApples\nCoffee\nRice\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#toggleHistory")
    app.click(".revision")
    app.click("#restoreRevision")
    expect(app.locator(".toast")).to_contain_text("Restored the version of")
    app.hover(".toast")
    app.click("#closeHistory")
    app.locator("#noteBody").press("End")
    app.locator("#noteBody").type(" NEW WORDS")  # and Undo at once, before the edit's own save
    app.click(".toast-action")
    expect(app.locator("#noteBody")).to_have_value("Milk\nOat milk\nApples\nCoffee\nRice\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")
    revisions = api(live_app, "GET", f"/api/notes/{note['id']}/revisions/")["revisions"]
    kept = [api(live_app, "GET", f"/api/notes/{note['id']}/revisions/{revision['id']}/")["body"] for revision in revisions]
    assert LIST + " NEW WORDS" in kept


def test_a_note_without_earlier_versions_says_so(app, live_app):
    open_note(app, live_app, "Fresh", "Just written")
    app.click("#toggleHistory")
    expect(app.locator("#historyStatus")).to_contain_text("No earlier versions yet.")
    expect(app.locator("#revisionCompare")).to_be_hidden()


def test_keep_mine_in_a_conflict_keeps_the_other_version_in_the_history(app, live_app):
    note = open_note(app, live_app, "Shared", "Original text")
    api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"body": "Changed in another window", "version": note["version"]})
    app.fill("#noteBody", "My own change")
    expect(app.locator("#saveState")).to_have_text("Conflict — choose a version")
    app.click("#keepMine")
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#toggleHistory")
    expect(app.locator(".revision .revision-reason").first).to_have_text("Before a conflict was resolved")
    expect(app.locator("#revisionText")).to_contain_text("Changed in another window")


def test_restoring_a_version_of_another_title_offers_to_point_the_links_back(app, live_app):
    note = api(live_app, "POST", "/api/notes/", {"title": "Trip plans", "body": LIST})
    renamed = api(live_app, "PATCH", f"/api/notes/{note['id']}/", {"title": "Rome trip", "version": note["version"]})
    linker = api(live_app, "POST", "/api/notes/", {"title": "Index", "body": "See [[Rome trip]]"})
    app.reload()
    app.click(f"#note-{note['id']}")
    expect(app.locator("#noteTitle")).to_have_value(renamed["title"])
    app.click("#toggleHistory")
    app.click("#restoreRevision")  # the version titled "Trip plans"
    expect(app.locator("#noteTitle")).to_have_value("Trip plans")
    offer = app.locator(".toast", has_text="1 note links to “Rome trip”. Point that link to “Trip plans”?")
    expect(offer).to_be_visible()
    offer.locator(".toast-action").click()
    expect(app.locator(".toast", has_text="Updated the links in 1 note")).to_be_visible()
    assert api(live_app, "GET", f"/api/notes/{linker['id']}/")["body"] == "See [[Trip plans]]"


def test_versions_chosen_quickly_show_the_last_one_chosen_whichever_answer_comes_last(app, live_app):
    """↑ then ↓ in the list: the first version's answer, coming after the second's, was shown
    beside the second's row marked, and a restore or an undo then compared the wrong version."""
    note = open_note(app, live_app, "Groceries", LIST)
    app.fill("#noteBody", "Milk\nOat milk\nApples\nCoffee\nRice\nEggs")
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#toggleHistory")
    app.click("#restoreRevision")
    expect(app.locator(".revision .revision-reason")).to_have_text(["Before restoring an earlier version", "Edited"])
    expect(app.locator("#revisionDifference")).to_have_text("This version is the same as the current text.")
    newest = app.locator(".revision").nth(0).get_attribute("data-id")
    held = []

    def hold_the_newest(route):
        if route.request.url.endswith(f"/revisions/{newest}/") and not held:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    app.route(f"**/api/notes/{note['id']}/revisions/**", hold_the_newest)
    app.focus(".revision[aria-current='true']")
    app.keyboard.press("ArrowUp")
    wait_for(app, lambda: held)
    app.keyboard.press("ArrowDown")
    expect(app.locator(".revision").nth(1)).to_have_attribute("aria-current", "true")
    expect(app.locator("#revisionDifference")).to_have_text("This version is the same as the current text.")
    route, stale_answer = held[0]
    route.fulfill(response=stale_answer)
    app.wait_for_timeout(300)  # the held answer's turn to be shown, if it were
    # Read once, not retried: a retrying check would pass once anything else redrew it.
    assert app.locator("#revisionDifference").text_content() == "This version is the same as the current text."
