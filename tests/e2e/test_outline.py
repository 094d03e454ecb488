"""Go to heading (Ctrl+Shift+O, View › Go to heading…): a writer with a whole draft in one note had
no way to see its structure or to get to a chapter but to scroll (ui/static/js/notes/outline.js)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

FILLER = "".join(f"A line of prose, number {number}.\n" for number in range(120))
DRAFT = (
    "# The Long Winter\n" + FILLER
    + "## Part one: Snow\n" + FILLER
    + "```python\n# not a heading, a comment\n~~~\n## still code\n```\n"
    + "### The barn\n" + FILLER
    + "## Part two: Thaw ##\n" + FILLER
    + "#hashtag, not a heading\n"
    + "### The barn\n" + FILLER
    + "   ## The *fair*\n" + FILLER
)
OPTIONS = "#headingList [role=option]"


def open_draft(app, live_app, body=DRAFT):
    api(live_app, "POST", "/api/notes/", {"title": "Draft", "body": body})
    app.reload()
    app.locator(".note-item", has_text="Draft").click()
    expect(app.locator("#noteBody")).to_have_value(body)


def line_is_in_view(app, at):
    """The line starting at `at` is within the field's visible part (its lines do not wrap)."""
    return app.locator("#noteBody").evaluate("""(field, at) => {
        const style = getComputedStyle(field);
        const top = field.value.slice(0, at).split('\\n').length - 1;
        const y = parseFloat(style.paddingTop) + top * parseFloat(style.lineHeight);
        return y >= field.scrollTop && y + parseFloat(style.lineHeight) <= field.scrollTop + field.clientHeight;
    }""", at)


def go_to_heading_typed(app, typed, heading_at):
    """With the headings open: `typed` in their filter, Enter, and the caret on the heading's line."""
    expect(app.locator("#headingFilter")).to_be_focused()
    expect(app.locator("#headingFilter")).to_be_in_viewport()
    app.keyboard.type(typed)
    app.keyboard.press("Enter")
    expect(app.locator("#noteBody")).to_be_focused()
    assert app.locator("#noteBody").evaluate("field => field.selectionStart") == heading_at
    assert line_is_in_view(app, heading_at)


def test_the_headings_are_listed_in_order_by_level_without_a_code_blocks_lines_and_one_chosen_is_gone_to(app, live_app):
    open_draft(app, live_app)
    app.locator("#noteBody").evaluate("field => { field.focus(); field.setSelectionRange(0, 0); }")
    app.keyboard.press("Control+Shift+O")
    expect(app.locator("#headingFilter")).to_be_focused()
    expect(app.locator(".heading-option .completion-title")).to_have_text(
        ["The Long Winter", "Part one: Snow", "The barn", "Part two: Thaw", "The barn", "The *fair*"])
    expect(app.locator(".heading-option .heading-level")).to_have_text(["H1", "H2", "H3", "H2", "H3", "H2"])
    expect(app.locator(OPTIONS).nth(2)).to_have_attribute("aria-label", "The barn, level 3")
    expect(app.locator(OPTIONS).first).to_have_attribute("aria-selected", "true")  # the caret is under it
    expect(app.locator("#headingFilter")).to_have_attribute("aria-activedescendant", re.compile(r"^headingOption\d+-0$"))

    app.keyboard.type("barn")
    expect(app.locator(".heading-option .completion-title")).to_have_text(["The barn", "The barn"])
    app.keyboard.press("ArrowDown")  # the second barn, after the thaw
    expect(app.locator("#headingFilter")).to_have_attribute("aria-activedescendant", re.compile(r"^headingOption\d+-1$"))
    app.keyboard.press("Enter")
    expect(app.locator("#headingBar")).to_be_hidden()
    expect(app.locator("#noteBody")).to_be_focused()
    second_barn = DRAFT.rindex("### The barn")
    assert app.locator("#noteBody").evaluate("field => [field.selectionStart, field.selectionEnd]") == [second_barn] * 2
    assert line_is_in_view(app, second_barn)

    app.keyboard.press("Control+Shift+O")  # again: the heading the caret is under is marked
    expect(app.locator(OPTIONS).nth(4)).to_have_attribute("aria-selected", "true")
    app.keyboard.type("nothing like it")
    expect(app.locator("#headingList")).to_have_text("No heading holds “nothing like it”")
    app.keyboard.press("Enter")  # nothing to go to: the list stays
    expect(app.locator("#headingBar")).to_be_visible()
    app.locator("#headingFilter").fill("")
    app.locator(OPTIONS, has_text="Part one").click()
    expect(app.locator("#noteBody")).to_be_focused()
    part_one = DRAFT.index("## Part one")
    assert app.locator("#noteBody").evaluate("field => field.selectionStart") == part_one
    assert line_is_in_view(app, part_one)

    app.keyboard.press("Control+Shift+O")
    app.locator("#noteBody").focus()
    app.keyboard.type("x")  # back to writing: the headings read at the opening are closed, not kept stale
    expect(app.locator("#headingBar")).to_be_hidden()


def test_underlined_headings_are_listed_and_gone_to_as_the_preview_shows_them(app, live_app):
    # A writer's chapters underlined with === and ---, as many Markdown editors write them, were
    # missing from the list, and a heading below them was scrolled to in the preview at the wrong place.
    body = ("Chapter One\n===========\n\n" + FILLER + "\nThe first scene\n---------------\n\n" + FILLER
            + "\n- a list item\n---\n\n    indented code\n---\n\n## The barn\n" + FILLER)
    open_draft(app, live_app, body)
    app.locator("#noteBody").focus()
    app.keyboard.press("Control+Shift+O")
    expect(app.locator(".heading-option .completion-title")).to_have_text(["Chapter One", "The first scene", "The barn"])
    expect(app.locator(".heading-option .heading-level")).to_have_text(["H1", "H2", "H2"])
    go_to_heading_typed(app, "scene", body.index("The first scene"))

    app.keyboard.press("Control+e")
    expect(app.locator("#preview h2")).to_have_count(2)
    app.keyboard.press("Control+Shift+O")
    app.keyboard.type("barn")
    app.keyboard.press("Enter")
    app.wait_for_function(
        "() => { const heading = [...document.querySelectorAll('#preview h2')].at(-1);"
        " return heading.textContent === 'The barn' && Math.abs(heading.getBoundingClientRect().top"
        " - document.getElementById('preview').getBoundingClientRect().top) < 40; }")


@pytest.mark.parametrize("opened_from", ["#noteTitle", "#noteBody", "#noteList"])
def test_escape_closes_the_headings_and_the_focus_is_back_where_it_was(app, live_app, opened_from):
    open_draft(app, live_app)
    app.locator("#noteBody").evaluate("field => field.setSelectionRange(40, 40)")
    app.locator(opened_from).focus()
    app.keyboard.press("Control+Shift+O")
    expect(app.locator("#headingFilter")).to_be_focused()
    app.keyboard.press("ArrowDown")
    app.keyboard.press("Escape")
    expect(app.locator("#headingBar")).to_be_hidden()
    expect(app.locator(opened_from)).to_be_focused()
    assert app.locator("#noteBody").evaluate("field => field.selectionStart") == 40  # nowhere was gone to
    expect(app.locator("#noteTitle")).to_have_value("Draft")  # the app's Escape did not leave the note


def test_in_the_preview_the_heading_chosen_is_scrolled_to_and_a_note_without_headings_says_so(app, live_app):
    open_draft(app, live_app)
    app.keyboard.press("Control+e")
    expect(app.locator("#preview h3")).to_have_count(2)
    app.keyboard.press("Control+Shift+O")
    app.locator(OPTIONS).nth(4).click()  # the second "The barn"
    expect(app.locator("#headingBar")).to_be_hidden()
    expect(app.locator("#preview")).to_be_visible()
    second_in_preview = app.locator("#preview h3").nth(1)
    app.wait_for_function(
        "() => { const heading = document.querySelectorAll('#preview h3')[1];"
        " return Math.abs(heading.getBoundingClientRect().top - document.getElementById('preview').getBoundingClientRect().top) < 40; }")
    expect(second_in_preview).to_be_in_viewport()

    app.keyboard.press("Control+Shift+O")
    app.keyboard.type("fair")
    app.keyboard.press("Enter")  # written with emphasis: the preview's heading at its place in the outline
    app.wait_for_function(
        "() => { const heading = [...document.querySelectorAll('#preview h2')].at(-1);"
        " return heading.textContent === 'The fair' && Math.abs(heading.getBoundingClientRect().top"
        " - document.getElementById('preview').getBoundingClientRect().top) < 40; }")

    app.keyboard.press("Control+e")
    api(live_app, "POST", "/api/notes/", {"title": "Shopping", "body": "Milk\n```\n# not a heading\n```"})
    app.reload()
    app.locator(".note-item", has_text="Shopping").click()
    app.locator("#noteBody").focus()
    app.keyboard.press("Control+Shift+O")
    expect(app.locator("#headingList")).to_have_text("This note has no headings (lines that start with #, or underlined with === or ---)")


def test_in_a_phone_wide_window_the_headings_open_from_the_list_over_it(app, live_app):
    app.set_viewport_size({"width": 480, "height": 700})
    open_draft(app, live_app)
    app.locator("#noteBody").focus()
    app.keyboard.press("Escape")  # the text for the list, which takes the window
    expect(app.locator("#noteList")).to_be_focused()
    expect(app.locator("#headingBar")).to_be_hidden()
    app.keyboard.press("Control+Shift+O")
    go_to_heading_typed(app, "thaw", DRAFT.index("## Part two"))


def test_the_headings_open_over_the_history_in_the_texts_place_and_go_to_the_text(app, live_app):
    open_draft(app, live_app)
    app.click("#toggleHistory")
    expect(app.locator("#history")).to_be_visible()
    app.keyboard.press("Control+Shift+O")
    expect(app.locator("#history")).to_be_hidden()
    go_to_heading_typed(app, "snow", DRAFT.index("## Part one"))
