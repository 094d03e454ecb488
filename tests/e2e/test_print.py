"""Print in a browser (--browser): Ctrl+P and the page's menu commands print the open note,
rendered, through the browser's own print dialog (window.print()), styled by print.css without
the app around it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)
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
