"""Tab in the note's text indents, as in Obsidian and Joplin, instead of leaving the field with
what is typed next going nowhere (ui/static/js/notes/indent.js)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def saved_body(live_app):
    return api(live_app, "GET", "/api/notes/")["notes"][0]["body"]


def test_tab_on_a_list_item_makes_it_a_sub_item_and_what_is_typed_next_goes_into_the_note(app, live_app):
    create_note_in_page(app, "Tab test", "- item one\n- sub")
    app.press("#noteBody", "End")
    app.keyboard.press("Tab")
    app.keyboard.type(" item")
    expect(app.locator("#noteBody")).to_be_focused()
    expect(app.locator("#noteBody")).to_have_value("- item one\n\t- sub item")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert saved_body(live_app) == "- item one\n\t- sub item"
    app.keyboard.press("Shift+Tab")
    expect(app.locator("#noteBody")).to_have_value("- item one\n- sub item")
    app.keyboard.press("Control+z")  # the outdent is undone as one edit, and saved
    expect(app.locator("#noteBody")).to_have_value("- item one\n\t- sub item")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert saved_body(live_app) == "- item one\n\t- sub item"
    app.keyboard.press("Escape")  # the way out of the field for the keyboard
    expect(app.locator("#noteList")).to_be_focused()


def test_tab_indents_every_line_of_a_selection_and_shift_tab_takes_it_back(app, live_app):
    create_note_in_page(app, "Poem", "first\nsecond\n    third\nfourth")
    app.locator("#noteBody").evaluate("(field) => field.setSelectionRange(2, 20)")  # "rst" to "thi"
    app.keyboard.press("Tab")
    expect(app.locator("#noteBody")).to_have_value("\tfirst\n\tsecond\n\t    third\nfourth")
    app.keyboard.press("Shift+Tab")
    app.keyboard.press("Shift+Tab")
    expect(app.locator("#noteBody")).to_have_value("first\nsecond\nthird\nfourth")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert saved_body(live_app) == "first\nsecond\nthird\nfourth"


def test_tab_within_a_line_of_prose_types_a_tab(app, live_app):
    create_note_in_page(app, "Table", "name")
    app.press("#noteBody", "End")
    app.keyboard.press("Tab")
    app.keyboard.type("age")
    expect(app.locator("#noteBody")).to_have_value("name\tage")


def test_enter_in_a_list_item_starts_the_next_and_in_an_empty_one_ends_the_list(app, live_app):
    create_note_in_page(app, "Lists", "Shopping:")
    app.press("#noteBody", "End")
    app.keyboard.press("Enter")
    app.keyboard.type("- milk")
    app.keyboard.press("Enter")
    app.keyboard.type("bread")
    app.keyboard.press("Enter")
    app.keyboard.press("Enter")  # an empty item: the list ends
    app.keyboard.type("1. first")
    app.keyboard.press("Enter")
    app.keyboard.type("second")
    app.keyboard.press("Enter")
    app.keyboard.press("Enter")
    app.keyboard.type("\t- [x] done")
    app.keyboard.press("Enter")
    app.keyboard.type("open")
    app.keyboard.press("Shift+Enter")
    app.keyboard.type("more of it")
    expect(app.locator("#noteBody")).to_have_value(
        "Shopping:\n- milk\n- bread\n1. first\n2. second\n\t- [x] done\n\t- [ ] open\nmore of it")
    app.keyboard.press("Control+z")  # one undo takes back what was typed since the last item began
    expect(app.locator("#noteBody")).not_to_have_value(
        "Shopping:\n- milk\n- bread\n1. first\n2. second\n\t- [x] done\n\t- [ ] open\nmore of it")
    app.keyboard.press("Control+Shift+z")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert saved_body(live_app) == "Shopping:\n- milk\n- bread\n1. first\n2. second\n\t- [x] done\n\t- [ ] open\nmore of it"


def test_enter_in_a_fenced_code_block_keeps_the_lines_indent_and_starts_no_list_item(app):
    create_note_in_page(app, "Config", "```yaml\nitems:\n  - one")
    app.press("#noteBody", "End")
    app.keyboard.press("Enter")
    app.keyboard.type("- two")
    app.keyboard.press("Shift+Enter")
    app.keyboard.type("```\n- after")
    app.keyboard.press("Enter")
    expect(app.locator("#noteBody")).to_have_value("```yaml\nitems:\n  - one\n  - two\n```\n- after\n- ")


def test_python_typed_in_a_code_block_keeps_its_indent_from_line_to_line(app, live_app):
    """Typing a lecture's Python, each Enter went back to the line's start, and every line of a
    function's body needed its four spaces typed again."""
    create_note_in_page(app, "Lecture 2", "```python\ndef area(r):")
    app.press("#noteBody", "End")
    app.keyboard.press("Enter")
    app.keyboard.type("    if r < 0:")
    app.keyboard.press("Enter")
    app.keyboard.type("    raise ValueError(r)")
    app.keyboard.press("Enter")
    app.keyboard.press("Shift+Tab")
    app.keyboard.type("return 3.14 * r ** 2")
    app.keyboard.press("Enter")
    app.keyboard.press("Shift+Tab")
    app.keyboard.type("```")
    expect(app.locator("#noteBody")).to_have_value(
        "```python\ndef area(r):\n    if r < 0:\n        raise ValueError(r)\n    return 3.14 * r ** 2\n```")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert saved_body(live_app).endswith("    return 3.14 * r ** 2\n```")


def test_ctrl_b_and_ctrl_i_mark_the_selection_bold_or_italic_and_take_it_back(app, live_app):
    create_note_in_page(app, "Emphasis", "make this bold and that italic")
    body = app.locator("#noteBody")
    body.evaluate("(field) => field.setSelectionRange(5, 9)")  # "this"
    app.keyboard.press("Control+b")
    expect(body).to_have_value("make **this** bold and that italic")
    assert body.evaluate("(field) => [field.selectionStart, field.selectionEnd]") == [7, 11]  # still "this"
    app.keyboard.press("Control+b")  # again: plain again
    expect(body).to_have_value("make this bold and that italic")
    body.evaluate("(field) => field.setSelectionRange(19, 23)")  # "that"
    app.keyboard.press("Control+i")
    expect(body).to_have_value("make this bold and *that* italic")
    app.keyboard.press("End")
    app.keyboard.press("Control+b")  # nothing selected: a pair, the caret between
    app.keyboard.type("loud")
    expect(body).to_have_value("make this bold and *that* italic**loud**")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert saved_body(live_app) == "make this bold and *that* italic**loud**"
    body.evaluate("(field) => field.setSelectionRange(0, 4)")  # "make"
    app.keyboard.press("Control+i")
    expect(body).to_have_value("*make* this bold and *that* italic**loud**")
    app.keyboard.press("Control+z")  # one edit, which Undo takes back
    expect(body).to_have_value("make this bold and *that* italic**loud**")


def test_ctrl_k_makes_the_selection_a_link(app, live_app):
    create_note_in_page(app, "Links", "read the manual at https://example.org/manual")
    body = app.locator("#noteBody")
    body.evaluate("(field) => field.setSelectionRange(5, 15)")  # "the manual"
    app.keyboard.press("Control+k")
    app.keyboard.type("https://example.org")
    expect(body).to_have_value("read [the manual](https://example.org) at https://example.org/manual")
    select_the_address = "(field) => field.setSelectionRange(field.value.length - 26, field.value.length)"
    body.evaluate(select_the_address)
    app.keyboard.press("Control+k")
    expect(body).to_have_value("read [the manual](https://example.org) at [](https://example.org/manual)")
    # The link is one edit that Undo takes back. (Undo is pressed before anything is typed: how
    # Chromium groups the letters typed after it is its own, and on a busy machine it took "it"
    # back a letter at a time.)
    app.keyboard.press("Control+z")
    expect(body).to_have_value("read [the manual](https://example.org) at https://example.org/manual")
    body.evaluate(select_the_address)
    app.keyboard.press("Control+k")
    app.keyboard.type("it")
    expect(body).to_have_value("read [the manual](https://example.org) at [it](https://example.org/manual)")
