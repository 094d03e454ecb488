"""A note in Arabic or Hebrew runs right to left where it is shown, and a Latin one beside it
left to right: the title, the tags, the text, the list's rows and each paragraph of the preview."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser

ARABIC_TITLE = "ملاحظات الاجتماع"
ARABIC_TEXT = "جدول الأعمال للأسبوع القادم"


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
    text_boxes = paragraphs.evaluate_all("""ps => ps.map((p) => {
        const range = document.createRange();
        range.selectNodeContents(p);
        const text = range.getBoundingClientRect(), box = p.getBoundingClientRect();
        return [text.left - box.left, box.right - text.right];
    })""")
    (arabic_left_gap, arabic_right_gap), (latin_left_gap, latin_right_gap) = text_boxes
    assert arabic_right_gap < 2 < arabic_left_gap
    assert latin_left_gap < 2 < latin_right_gap
    create_note_in_page(app, "Latin", "Plain text")
    assert direction(app, "#noteTitle") == "ltr"
