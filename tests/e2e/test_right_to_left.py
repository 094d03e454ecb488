"""A note in Arabic or Hebrew runs right to left where it is shown, and a Latin one beside it
left to right: the title, the tags, the text, the list's rows and each paragraph of the preview."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

ARABIC_TITLE = "ملاحظات الاجتماع"
ARABIC_TEXT = "جدول الأعمال للأسبوع القادم"


# Where each element's text lies in its content box: [gap on the left, gap on the right].
TEXT_GAPS = """elements => elements.map((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return [text.left - box.left - parseFloat(style.paddingLeft), box.right - parseFloat(style.paddingRight) - text.right];
})"""


def assert_right_then_left(text_gaps):
    """The first text against its box's right edge (Arabic), the second against its left (Latin)."""
    (arabic_left_gap, arabic_right_gap), (latin_left_gap, latin_right_gap) = text_gaps
    assert arabic_right_gap < 2 < arabic_left_gap
    assert latin_left_gap < 2 < latin_right_gap


def direction(app, selector):
    return app.locator(selector).evaluate("element => element.matches(':dir(rtl)') ? 'rtl' : 'ltr'")


def test_right_to_left_text_runs_right_to_left_and_latin_text_beside_it_does_not(app):
    create_note_in_page(app, ARABIC_TITLE, f"{ARABIC_TEXT}\n\nMeeting at 9")
    assert direction(app, "#noteTitle") == "rtl"
    assert direction(app, "#noteBody") == "rtl"
    expect(app.locator(".note-item-title")).to_have_text([ARABIC_TITLE])
    assert direction(app, ".note-item-title") == "rtl"
    assert direction(app, ".note-item-excerpt") == "rtl"
    app.click("#togglePreview")
    paragraphs = app.locator("#preview p")
    expect(paragraphs).to_have_count(2)
    # Where each paragraph's text lies: the Arabic line against the right edge, the Latin one the left.
    text_boxes = paragraphs.evaluate_all(TEXT_GAPS)
    assert_right_then_left(text_boxes)
    create_note_in_page(app, "Latin", "Plain text")
    assert direction(app, "#noteTitle") == "ltr"


def test_a_search_typed_in_arabic_runs_right_to_left(app):
    app.keyboard.press("Control+f")
    app.keyboard.type(ARABIC_TEXT)
    assert direction(app, "#search") == "rtl"


def test_history_and_backlinks_show_each_line_in_its_own_direction(app, live_app):
    note = api(live_app, "POST", "/api/notes/", {"title": "Agenda", "body": f"{ARABIC_TEXT}\nMeeting at 9"})
    api(live_app, "POST", "/api/notes/", {"title": "More links", "body": "See [[Agenda]] too"})
    api(live_app, "POST", "/api/notes/", {"title": "Links", "body": f"{ARABIC_TEXT} [[Agenda]]"})
    app.reload()
    app.click(f"#note-{note['id']}")
    expect(app.locator(".backlink-title")).to_have_text(["Links", "More links"])  # the newest first
    assert_right_then_left(app.locator(".backlink-snippet").evaluate_all(TEXT_GAPS))
    app.fill("#noteBody", f"{ARABIC_TEXT}\nMeeting at 10")
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#toggleHistory")
    expect(app.locator("#revisionText .conflict-line")).to_have_count(4)  # the title, a blank line, two lines
    lines = app.locator("#revisionText .conflict-line")
    assert_right_then_left(lines.evaluate_all(TEXT_GAPS)[2:])


# Whether an element's first `count` characters lie inside its box: not cut off by its edge.
FIRST_CHARACTERS_SHOWN = """(element, count) => {
    const range = document.createRange();
    range.setStart(element.firstChild, 0);
    range.setEnd(element.firstChild, count);
    const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
    return text.left >= box.left - 1 && text.right <= box.right + 1;
}"""


def test_headings_and_titles_offered_to_choose_from_show_each_in_its_own_direction(app, live_app):
    """Go to heading and the `[[` completion: an Arabic heading or title starts at the right, and
    one too long for the line is cut at its end, on the left, not at its first words."""
    api(live_app, "POST", "/api/notes/", {"title": ARABIC_TITLE, "body": ""})
    api(live_app, "POST", "/api/notes/", {"title": "Meeting notes", "body": ""})
    note = api(live_app, "POST", "/api/notes/", {"title": "Both", "body": f"## {ARABIC_TEXT * 12}\n## {ARABIC_TEXT}\n## Meeting at 9\n"})
    app.reload()
    app.click(f"#note-{note['id']}")
    app.locator("#noteBody").press("Control+Shift+O")
    headings = app.locator("#headingList .completion-title")
    expect(headings).to_have_count(3)
    assert headings.first.evaluate(FIRST_CHARACTERS_SHOWN, len(ARABIC_TEXT)), "the long heading's first words are cut off"
    assert_right_then_left(headings.evaluate_all(TEXT_GAPS)[1:])
    app.keyboard.press("Escape")
    expect(app.locator("#headingBar")).to_be_hidden()

    app.locator("#noteBody").click()
    app.locator("#noteBody").press("Control+End")
    app.keyboard.type("[[")
    expect(app.locator("#titleCompletions [role=option]")).to_have_count(3)
    titles = app.locator("#titleCompletions .completion-title")
    assert_right_then_left([titles.filter(has_text=title).evaluate_all(TEXT_GAPS)[0] for title in (ARABIC_TITLE, "Meeting notes")])


# A list's or a quote's direction, its borders' widths [left, right], and the gaps between its box and
# its first child's, on either side: its bullets and its bar lie in the wider gap.
GAPS_BESIDE_THE_FIRST_CHILD = """element => {
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    const firstBox = element.firstElementChild.getBoundingClientRect();
    return {
        direction: style.direction,
        firstRightGap: Math.round(box.right - firstBox.right),
        firstLeftGap: Math.round(firstBox.left - box.left),
        border: [parseFloat(style.borderLeftWidth), parseFloat(style.borderRightWidth)],
    };
}"""


def test_a_list_a_quote_and_a_table_in_hebrew_start_on_the_right_of_the_preview(app):
    """Their bullets and checkboxes on the right, beside their text and not over it, the quote's
    bar on the right, the first column on the right; an English list beside them as before."""
    create_note_in_page(app, "רשימה", (
        "- פריט ראשון עם iPhone 15 Pro.\n- [x] משימה שבוצעה\n\n"
        "> ציטוט קצר (עם סוגריים).\n\n| שם | כמות |\n| --- | --- |\n| תפוחים | 12 |\n\n- An English list\n"
    ))
    app.click("#togglePreview")
    lists = app.locator("#preview ul")
    expect(lists).to_have_count(2)
    hebrew, english = lists.evaluate_all(f"lists => lists.map({GAPS_BESIDE_THE_FIRST_CHILD})")
    assert hebrew["direction"] == "rtl" and english["direction"] == "ltr"
    assert hebrew["firstLeftGap"] < 2 < 20 < hebrew["firstRightGap"], "the Hebrew list's bullets are not on its right"
    assert english["firstRightGap"] < 2 < 20 < english["firstLeftGap"]
    checkbox, text = app.locator("#preview .task-list-item").evaluate("""item => {
        const range = document.createRange();
        range.setStart(item.lastChild, 1);
        range.setEnd(item.lastChild, item.lastChild.length);
        return [item.querySelector('input').getBoundingClientRect().left, range.getBoundingClientRect().right];
    }""")
    assert checkbox >= text, "the checkbox is over the task's text, not on its right"
    quote = app.locator("#preview blockquote").evaluate(GAPS_BESIDE_THE_FIRST_CHILD)
    assert quote["border"] == [0, 3] and quote["firstLeftGap"] < 2 < 10 < quote["firstRightGap"]
    headers = app.locator("#preview th")
    assert headers.nth(0).bounding_box()["x"] > headers.nth(1).bounding_box()["x"]


def press_on_a_layout(app, letter, us_letter, shift=False):
    """Ctrl (and Shift) with the key that is `us_letter` on a US keyboard, on a layout where it
    types `letter` (Hebrew's נ is B's key, Arabic's ث E's), as the keyboard sends it."""
    session = app.context.new_cdp_session(app)
    modifiers = 2 | (8 if shift else 0)
    for kind in ("rawKeyDown", "keyUp"):
        session.send("Input.dispatchKeyEvent", {"type": kind, "modifiers": modifiers, "key": letter,
                                                "code": f"Key{us_letter.upper()}", "windowsVirtualKeyCode": ord(us_letter.upper())})


def test_the_shortcuts_work_with_a_hebrew_or_arabic_keyboard_layout_on(app):
    """A person writing Hebrew or Arabic keeps their layout on for Ctrl+B, Ctrl+E, Ctrl+N: the
    key's place is the shortcut, as in the menus and in every browser."""
    create_note_in_page(app, ARABIC_TITLE, ARABIC_TEXT)
    body = app.locator("#noteBody")
    body.click()
    body.press("Control+a")
    press_on_a_layout(app, "נ", "b")  # Hebrew: bold
    expect(body).to_have_value(f"**{ARABIC_TEXT}**")
    press_on_a_layout(app, "ث", "e")  # Arabic: the preview
    expect(app.locator("#preview")).to_be_visible()
    press_on_a_layout(app, "מ", "n")  # a new note
    expect(app.locator("#noteTitle")).to_have_value("")
    expect(app.locator("#noteTitle")).to_be_focused()


def test_tags_typed_with_the_arabic_comma_are_tags_of_their_own(app, live_app):
    """An Arabic or Persian keyboard types ، where a Latin one types a comma."""
    create_note_in_page(app, ARABIC_TITLE, ARABIC_TEXT)
    app.fill("#noteTags", "عمل، منزل")
    app.press("#noteTags", "Enter")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert sorted(api(live_app, "GET", "/api/notes/")["notes"][0]["tags"]) == ["عمل", "منزل"]
    expect(app.locator(".tag-button")).to_have_count(2)


def test_find_in_the_note_finds_a_word_without_its_marks_as_the_search_of_the_notes_does(app):
    """The list found the note by `كتب`, Ctrl+F in it finds "كَتَبَ" (and its last haraka with it),
    `שלום` "שָׁלוֹם", `کتاب` "كتاب"; Replace all replaces what it found."""
    text = "كَتَبَ الوَلَدُ. שָׁלוֹם. كتاب"
    create_note_in_page(app, ARABIC_TITLE, text)
    selection = "field => field.value.slice(field.selectionStart, field.selectionEnd)"
    app.locator("#noteBody").press("Control+Home")
    app.keyboard.press("Control+f")
    for wanted, found in [("كتب", "كَتَبَ"), ("שלום", "שָׁלוֹם"), ("کتاب", "كتاب")]:
        app.fill("#findText", wanted)
        expect(app.locator("#findCount")).to_have_text("1 of 1")
        assert app.locator("#noteBody").evaluate(selection) == found
    app.keyboard.press("Control+h")
    app.fill("#findText", "كتب")
    app.fill("#replaceText", "قرأ")
    app.click("#replaceAll")
    expect(app.locator("#noteBody")).to_have_value("قرأ الوَلَدُ. שָׁלוֹם. كتاب")
