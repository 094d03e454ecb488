"""Print in a browser (--browser): Ctrl+P and the page's menu commands print the open note,
rendered, through the browser's own print dialog (window.print()), styled by print.css without
the app around it; the notes in the list print, and export, together."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.e2e.test_right_to_left import ARABIC_TEXT, ARABIC_TITLE, TEXT_GAPS, assert_right_then_left

pytestmark = pytest.mark.browser
RECORD_PRINTS = ("window.prints = []; window.print = () => { window.prints.push(document.getElementById('printView').innerText);"
                 " document.body.dataset.prints = window.prints.length; }; null")  # null: a function value Playwright would call


def test_print_and_export_as_pdf_print_the_rendered_note_alone(app):
    app.evaluate(RECORD_PRINTS)
    create_note_in_page(app, "Groceries", "# Market\n\nBuy **apples**.")
    for command in ("print", "export-pdf"):  # File > Print…, File > Export note as PDF… (in a browser)
        app.evaluate(f"document.dispatchEvent(new CustomEvent('desktop:command', {{detail: {{command: '{command}'}}}}))")
    expect(app.locator("body")).to_have_attribute("data-prints", "2")
    printed = app.evaluate("window.prints")
    assert printed[0] == printed[1] and printed[0].startswith("Groceries") and "Market" in printed[0]
    assert "Buy apples." in printed[0] and "**" not in printed[0]  # rendered, not the Markdown source
    app.keyboard.press("Control+p")
    expect(app.locator("body")).to_have_attribute("data-prints", "3")

    app.emulate_media(media="print")
    expect(app.locator(".app")).to_be_hidden()
    expect(app.locator("#printView")).to_be_visible()
    expect(app.locator("#printView strong")).to_have_text("apples")
    app.emulate_media(media="screen")
    expect(app.locator("#printView")).to_be_hidden()


def test_a_note_in_arabic_prints_right_to_left_and_its_latin_lines_left_to_right(app):
    """Printed (and exported as PDF), every line sat against the left edge, the Arabic title too."""
    app.evaluate(RECORD_PRINTS)
    create_note_in_page(app, ARABIC_TITLE, f"{ARABIC_TEXT}\n\nMeeting at 9")
    app.keyboard.press("Control+p")
    expect(app.locator("body")).to_have_attribute("data-prints", "1")
    app.emulate_media(media="print")
    expect(app.locator("#printView")).to_be_visible()
    title, arabic, latin = app.locator("#printView :is(h1, p)").evaluate_all(TEXT_GAPS)
    assert_right_then_left([title, latin])
    assert_right_then_left([arabic, latin])


def test_print_with_no_note_open_says_so(app):
    app.evaluate(RECORD_PRINTS)
    app.keyboard.press("Control+p")
    expect(app.locator(".toast")).to_have_text("Open a note to print it.")
    assert app.evaluate("window.prints") == []


def test_the_notes_in_the_list_print_together_each_from_a_page_of_its_own(app, live_app):
    """Revising for an exam, a student could print or export one note at a time; a course's tag
    of 60 notes (more than the list loads at once) now prints as one document, its notes alone,
    the first lecture first."""
    for number in range(1, 61):
        api(live_app, "POST", "/api/notes/", {"title": f"Analysis lecture {number}", "body": f"Theorem **{number}**: $x^{number}$",
                                              "tags": ["analysis"]})
    api(live_app, "POST", "/api/notes/", {"title": "Shopping", "body": "milk", "tags": ["home"]})
    app.reload()
    app.evaluate(RECORD_PRINTS)
    app.locator(".tag-button", has_text="analysis").click()
    expect(app.locator("#listStatus")).to_contain_text("60 notes")
    app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'print-list'}}))")
    expect(app.locator("body")).to_have_attribute("data-prints", "1")
    printed = app.evaluate("window.prints")[0]
    assert "Shopping" not in printed and "**" not in printed and "$" not in printed
    sections = app.locator("#printView > section.printed-note")
    expect(sections.locator("h1.print-title")).to_have_text([f"Analysis lecture {number}" for number in range(1, 61)])
    expect(sections.locator("p")).to_have_text([re.compile(rf"^Theorem {number}: ") for number in range(1, 61)])
    expect(sections.locator("strong")).to_have_count(60)
    expect(sections.locator("math")).to_have_count(60)
    app.emulate_media(media="print")
    breaks = sections.evaluate_all("(notes) => notes.map((note) => getComputedStyle(note).breakBefore)")
    assert breaks == ["auto"] + ["page"] * 59


def test_the_notes_in_the_list_print_with_a_note_open(app, live_app):
    """The browser tells the page 'beforeprint' as window.print() starts, and the page's handler
    for a print the browser starts itself put the open note, as plain text, in place of the list's
    notes: with a lecture open, Print notes in list… printed that lecture alone."""
    for title in ("Analysis 1", "Analysis 2"):
        api(live_app, "POST", "/api/notes/", {"title": title, "body": f"# {title}", "tags": ["analysis"]})
    app.reload()
    app.evaluate("window.prints = []; window.print = () => { window.dispatchEvent(new Event('beforeprint'));"
                 " window.prints.push(document.getElementById('printView').innerText);"
                 " window.dispatchEvent(new Event('afterprint')); document.body.dataset.prints = window.prints.length; }; null")
    app.locator(".tag-button", has_text="analysis").click()
    app.locator(".note-item", has_text="Analysis 2").click()
    expect(app.locator("#noteTitle")).to_have_value("Analysis 2")
    app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'print-list'}}))")
    expect(app.locator("body")).to_have_attribute("data-prints", "1")
    expect(app.locator("#printView > section.printed-note h1.print-title")).to_have_text(["Analysis 1", "Analysis 2"])
    app.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # a print from the browser's own menu, later
    expect(app.locator("#printView h1.print-title")).to_have_text(["Analysis 2"])  # the open note alone again


def test_print_notes_in_list_with_nothing_listed_says_so(app, live_app):
    app.evaluate(RECORD_PRINTS)
    app.fill("#search", "nothing matches this")
    expect(app.locator("#listStatus")).to_contain_text("Nothing found")
    app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'print-list'}}))")
    expect(app.locator(".toast")).to_have_text("The list has no notes to print.")
    assert app.evaluate("window.prints") == []


def test_print_notes_in_list_of_a_search_with_more_notes_than_it_prints_says_so(app, live_app):
    """A search's count stops a little past the page ("250+ notes"), under the 500 that print
    together: the search's first 500 notes printed, the rest left out without a word."""
    for number in range(1, 503):
        api(live_app, "POST", "/api/notes/", {"title": f"Lecture {number}", "body": "revision"})
    app.reload()
    app.evaluate(RECORD_PRINTS)
    app.fill("#search", "revision")
    expect(app.locator("#listStatus")).to_contain_text("+ notes")
    app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'print-list'}}))")
    expect(app.locator(".toast").last).to_have_text(
        "The list has more than 500 notes: choose a tag, or search, for at most 500 to print together.")
    assert app.evaluate("window.prints") == []


def test_a_tags_notes_export_as_markdown_alone(app, live_app, tmp_path):
    """File › Export notes in list as Markdown…: a course's notes, for a classmate or another app,
    without the rest (which Export Markdown… takes along)."""
    for title, tags in [("Analysis 1", ["analysis"]), ("Analysis 2", ["analysis"]), ("Groceries", ["home"])]:
        api(live_app, "POST", "/api/notes/", {"title": title, "body": f"# {title}", "tags": tags})
    app.reload()
    app.locator(".tag-button", has_text="analysis").click()
    expect(app.locator("#listStatus")).to_contain_text("2 notes")
    with app.expect_download() as download_info:
        app.evaluate("document.dispatchEvent(new CustomEvent('desktop:command', {detail: {command: 'export-list-markdown'}}))")
    export = tmp_path / "analysis.zip"
    download_info.value.save_as(export)
    assert sorted(zipfile.ZipFile(export).namelist()) == ["Analysis 1.md", "Analysis 2.md"]
    expect(app.locator(".toast").last).to_have_text("Exported 2 notes")
