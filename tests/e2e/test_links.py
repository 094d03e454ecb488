"""Links between notes in the app: the `[[` completion, links in the preview, Backlinks, and
updating links after a rename."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))


def note(live_app, title, body=""):
    return api(live_app, "POST", "/api/notes/", {"title": title, "body": body})


def open_note(app, note_id):
    app.reload()
    app.click(f"#note-{note_id}")


def test_typing_two_brackets_completes_a_title(app, live_app):
    for title in ["Meeting notes", "Meetup ideas", "Team meeting", "Team meeting", "Groceries"]:
        note(live_app, title)
    journal = note(live_app, "Journal", "Today")
    open_note(app, journal["id"])
    body = app.locator("#noteBody")
    body.click()
    body.press("End")
    app.keyboard.type("\nSee [[mee")
    options = app.locator("#titleCompletions [role=option] .completion-title")
    expect(options).to_have_text(["Meeting notes", "Meetup ideas", "Team meeting"])
    expect(app.locator("#titleCompletions [role=option]").nth(2).locator(".completion-count")).to_have_text("2 notes")
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / "completion.png"))
    app.keyboard.press("ArrowDown")
    expect(app.locator("#titleCompletions [aria-selected=true]")).to_have_text("Meetup ideas")
    app.keyboard.press("Enter")
    expect(body).to_have_value("Today\nSee [[Meetup ideas]]")
    expect(app.locator("#titleCompletions")).to_be_hidden()
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.keyboard.type(" and [[nothing like it")
    expect(app.locator(".completion-empty")).to_have_text("No note is titled “nothing like it” yet")
    app.keyboard.press("Escape")
    expect(app.locator("#titleCompletions")).to_be_hidden()
    expect(body).to_be_focused()



def test_two_brackets_typed_at_once_after_going_to_a_heading_still_complete_a_title(app, live_app):
    """The completion closes when the text loses the focus: not once it has it back."""
    note(live_app, "Meeting notes")
    journal = note(live_app, "Journal", "## Today\n")
    open_note(app, journal["id"])
    body = app.locator("#noteBody")
    body.click()
    body.press("Control+End")
    app.clock.install()  # no timer runs until the keys are typed: as fast as a person types them
    app.keyboard.press("Control+Shift+O")
    app.keyboard.press("Escape")
    app.keyboard.type("[[mee")
    app.clock.run_for(1000)
    expect(app.locator("#titleCompletions [role=option] .completion-title")).to_have_text(["Meeting notes"])


def test_backlinks_snippets_read_as_plain_text_as_the_list_s_rows(app, live_app):
    """They read their Markdown: "- [ ] Ask **Ann** about [the shop](https://example.com/shop) and [[Groceries]]…"."""
    target = note(live_app, "Groceries", "Milk")
    note(live_app, "Plan", "- [ ] Ask **Ann** about [the shop](https://example.com/shop) and [[Groceries]] and `the list` "
         "too, then **a long line of words that goes on and on and on to the end**")
    open_note(app, target["id"])
    expect(app.locator(".backlink-snippet")).to_have_text(
        ["Ask Ann about the shop and Groceries and the list too, then a long line of words that goes on and on a…"])


def test_preview_links_open_notes_and_offer_to_create_missing_ones(app, live_app):
    target = note(live_app, "Groceries", "Milk")
    source = note(live_app, "Plan", "Buy [[groceries|the list]], then [[Recipes]].")
    open_note(app, source["id"])
    app.click("#togglePreview")
    expect(app.locator("#preview a.wikilink.missing")).to_have_text("Recipes")
    app.click("#preview a.wikilink:not(.missing)")
    expect(app.locator("#noteTitle")).to_have_value("Groceries")
    expect(app.locator("#note-%d" % target["id"])).to_have_attribute("aria-selected", "true")

    expect(app.locator("#backlinksTitle")).to_have_text("Linked from 1 note")
    expect(app.locator(".backlink-title")).to_have_text(["Plan"])
    expect(app.locator(".backlink-snippet")).to_have_text(["Buy the list, then Recipes."])
    app.screenshot(path=str(SHOTS / "backlinks.png"))
    app.click(".backlink")
    expect(app.locator("#noteTitle")).to_have_value("Plan")

    app.click("#togglePreview")
    app.click("#preview a.wikilink.missing")
    app.click(".toast-action")  # Create it
    expect(app.locator("#noteTitle")).to_have_value("Recipes")
    expect(app.locator("#saveState")).to_have_text("Saved")
    titles = [n["title"] for n in api(live_app, "GET", "/api/notes/")["notes"]]
    assert "Recipes" in titles


def test_a_note_created_from_a_link_shows_the_note_that_links_to_it(app, live_app):
    """Create it on a missing link's message showed the new note with no "Linked from" until it
    was opened again."""
    source = note(live_app, "Trip to Lisbon", "See also [[Packing list]].")
    open_note(app, source["id"])
    app.click("#togglePreview")
    app.click("#preview a.wikilink.missing")
    app.click(".toast-action")  # Create it
    expect(app.locator("#saveState")).to_have_text("Saved")
    expect(app.locator("#backlinksTitle")).to_have_text("Linked from 1 note")
    expect(app.locator(".backlink-title")).to_have_text(["Trip to Lisbon"])


def test_a_link_to_a_note_in_the_trash_offers_to_restore_it(app, live_app):
    trip = note(live_app, "Trip to Rome", "Flights booked")
    api(live_app, "DELETE", f"/api/notes/{trip['id']}/")
    source = note(live_app, "Plans", "See [[Trip to Rome]].")
    open_note(app, source["id"])
    app.click("#togglePreview")
    app.click("#preview a.wikilink.missing")
    expect(app.locator(".toast").last).to_contain_text("“Trip to Rome” is in the trash.")
    app.click(".toast-action")  # Restore it
    expect(app.locator("#noteTitle")).to_have_value("Trip to Rome")
    expect(app.locator("#noteBody")).to_have_value("Flights booked")
    expect(app.locator("#noteBody")).to_be_editable()
    assert api(live_app, "GET", f"/api/notes/{trip['id']}/")["trashed_at"] is None
    assert [n["title"] for n in api(live_app, "GET", "/api/notes/")["notes"]].count("Trip to Rome") == 1


def test_an_ambiguous_title_is_said_in_the_preview(app, live_app):
    note(live_app, "Ideas")
    note(live_app, "ideas")
    source = note(live_app, "Index", "Start from [[Ideas]], then [[Ideas|the other list]] and [[Someday]].")
    open_note(app, source["id"])
    app.click("#togglePreview")
    expect(app.locator("#preview .wikilink-ambiguous").first).to_have_text("ambiguous title: 2 notes")
    expect(app.locator("#preview a.wikilink.missing")).to_have_text("Someday")
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(SHOTS / "preview-links.png"))


def test_renaming_a_note_offers_to_update_the_links_to_it(app, live_app):
    target = note(live_app, "Groceries")
    source = note(live_app, "Plan", "Buy [[Groceries]]")
    open_note(app, target["id"])
    app.fill("#noteTitle", "Shopping list")
    app.locator("#noteTitle").blur()
    toast = app.locator(".toast", has_text="1 note links to “Groceries”")
    expect(toast).to_contain_text("Point that link to “Shopping list”?")
    toast.locator(".toast-action").click()
    expect(app.locator(".toast", has_text="Updated the links in 1 note")).to_be_visible()
    assert api(live_app, "GET", f"/api/notes/{source['id']}/")["body"] == "Buy [[Shopping list]]"
    expect(app.locator(".backlink-title")).to_have_text(["Plan"])


def test_the_preview_shows_the_images_attached_to_the_note_where_its_text_embeds_them(app, live_app, tmp_path):
    import base64

    picture = tmp_path / "beach.png"  # a real 1×1 PNG, so the image must load to have a width
    picture.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="))
    trip = note(live_app, "Trip", "Imported from a vault: ![[beach.png]]")
    open_note(app, trip["id"])
    app.set_input_files("#attachmentInput", str(picture))
    expect(app.locator("#attachmentList li")).to_have_count(1)
    app.click("#togglePreview")
    [attachment] = api(live_app, "GET", f"/api/notes/{trip['id']}/")["attachments"]
    # Attach names the file at the caret too (the end of the text): the preview shows it twice.
    expect(app.locator("#preview img")).to_have_count(2)
    for image in app.locator("#preview img").all():
        expect(image).to_have_attribute("src", attachment["url"])
    app.wait_for_function("() => document.querySelector('#preview img').naturalWidth === 1")


def test_create_it_on_a_link_to_a_title_too_long_for_a_note_cuts_it_to_whole_characters(app, live_app):
    # 301 characters, the emoji two UTF-16 code units each: cut by code units, one would be split.
    long_title = "a" + "😀" * 300
    source = note(live_app, "Plan", f"See [[{long_title}]].")
    open_note(app, source["id"])
    app.click("#togglePreview")
    app.click("#preview a.wikilink.missing")
    app.click(".toast-action")  # Create it
    expect(app.locator("#saveState")).to_have_text("Saved")
    expect(app.locator(".toast").last).to_contain_text("The title is cut to its first 300 characters")
    expect(app.locator("#noteTitle")).to_have_value(long_title[:-1])
    titles = [n["title"] for n in api(live_app, "GET", "/api/notes/")["notes"]]
    assert long_title[:-1] in titles


def test_a_heading_link_opens_its_note_at_the_heading(app, live_app):
    app.set_viewport_size({"width": 1000, "height": 600})
    filler = "\n\n".join(f"Paragraph {n} of the plan." for n in range(60))
    target = note(live_app, "Project plan", f"# Intro\n\n{filler}\n\n## Goals\n\nShip it.\n\n{filler}\n")
    source = note(live_app, "Index", "See [[Project plan#Goals|the goals]], or [[#Local]].\n\n" + filler + "\n\n## Local\n\nThe end.")
    open_note(app, source["id"])
    app.click("#togglePreview")
    expect(app.locator("#preview a.wikilink")).to_have_text("the goals")
    app.click("#preview a.wikilink")
    expect(app.locator("#noteTitle")).to_have_value("Project plan")
    expect(app.locator("#note-%d" % target["id"])).to_have_attribute("aria-selected", "true")
    goals = app.locator("#preview h2", has_text="Goals")
    expect(goals).to_be_in_viewport()
    expect(app.locator("#preview h1", has_text="Intro")).not_to_be_in_viewport()
    # `[[#Local]]`: a heading of the same note.
    open_note(app, source["id"])
    app.click("#togglePreview")
    local = app.locator("#preview h2", has_text="Local")
    expect(local).not_to_be_in_viewport()
    app.click("#preview a.heading-link")
    expect(local).to_be_in_viewport()
    assert app.locator(".toast").count() == 0


def test_after_a_hash_the_completion_lists_the_note_s_headings(app, live_app):
    note(live_app, "Project plan", "# Goals\n\nShip.\n\n## Risks and costs\n\n```\n# not a heading\n```\n\n### Go-live\n")
    journal = note(live_app, "Journal", "## Today\n\nSee ")
    open_note(app, journal["id"])
    body = app.locator("#noteBody")
    body.click()
    body.press("Control+End")
    app.keyboard.type("[[project plan#go")
    options = app.locator("#titleCompletions [role=option] .completion-title")
    expect(options).to_have_text(["Goals", "Go-live"])
    app.keyboard.press("ArrowDown")
    app.keyboard.press("Enter")
    expect(body).to_have_value("## Today\n\nSee [[Project plan#Go-live]]")
    app.keyboard.type(" and [[#")  # this note's own headings
    expect(options).to_have_text(["Today"])
    app.keyboard.press("Enter")
    expect(body).to_have_value("## Today\n\nSee [[Project plan#Go-live]] and [[#Today]]")
    app.keyboard.type(" [[Project plan#nothing")
    expect(app.locator(".completion-empty")).to_have_text("No such heading in “Project plan”, or no note of that title")
