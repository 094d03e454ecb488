"""A 400 for invalid fields shows its reason: the error names the field and says what is wrong,
in the notes app's save state and list status, and on the AJAX patterns page (where the input
named in `fields` is marked invalid with it)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, create_note_in_page  # noqa: F401 (app is a fixture)
from tests.e2e.test_patterns_page import patterns  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_too_many_tags_says_so_in_the_save_state(app):
    create_note_in_page(app, "Tagged", "text")
    app.fill("#noteTags", ", ".join(f"tag{n}" for n in range(21)))
    app.press("#noteTags", "Tab")
    expect(app.locator("#saveState")).to_have_text("Saved, except the tags: A note has at most 20 tags.")


def test_an_overlong_tag_says_so_in_the_save_state(app):
    create_note_in_page(app, "Tagged", "text")
    app.fill("#noteTags", "x" * 51)
    app.press("#noteTags", "Tab")
    expect(app.locator("#saveState")).to_have_text("Saved, except the tags: A tag has at most 50 characters.")


def test_an_overlong_body_says_so_in_the_save_state(app):
    create_note_in_page(app, "Long", "text")
    # Pasted, as such a text comes: fill() typed its million characters through Chromium's editing,
    # 15 s and more on a loaded machine, past fill()'s own time limit. Laying the text out in the
    # field takes seconds too (the save waits for it): hence the long wait for the message.
    app.locator("#noteBody").evaluate("""(body, text) => {
      body.value = text;
      body.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste', bubbles: true }));
    }""", ("A paragraph of a long draft, as a writer keeps it in one note.\n" * 16_000)[:1_000_001])
    expect(app.locator("#saveState")).to_have_text(
        "Not saved: Body: A note holds at most 1,000,000 characters, and this one has 1000001: move part of it to a "
        "new note to save it. Nothing is lost meanwhile.", timeout=60_000
    )



def test_submit_without_a_username_says_it_is_required_and_marks_the_field(patterns):
    patterns.click("#submitButton")
    expect(patterns.locator("#response")).to_have_text("Error: Username: This field is required.")
    expect(patterns.locator(".toast-error")).to_have_text("Username: This field is required.")
    username = patterns.locator("#username")
    expect(username).to_have_attribute("aria-invalid", "true")
    assert username.evaluate("input => input.validationMessage") == "This field is required."
    username.fill("Ada")
    expect(username).not_to_have_attribute("aria-invalid", "true")
    patterns.click("#submitButton")
    expect(patterns.locator("#response")).to_have_text("Hello, Ada!")


def test_an_overlong_username_says_how_long_it_may_be(patterns):
    patterns.fill("#username", "x" * 2000)
    patterns.click("#submitButton")
    message = "Username: Ensure this value has at most 150 characters (it has 2000)."
    expect(patterns.locator("#response")).to_have_text(f"Error: {message}")
    expect(patterns.locator(".toast-error")).to_have_text(message)
    expect(patterns.locator("#username")).to_have_attribute("aria-invalid", "true")


def test_a_search_the_server_refuses_says_why_in_the_list_status(app):
    app.fill("#search", "a\x00b")  # pasted from a binary file, say
    expect(app.locator("#listStatus")).to_have_text("Could not load notes: Search: Null characters are not allowed.")
