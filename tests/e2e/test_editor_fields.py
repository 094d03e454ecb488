"""The editor's fields in Chromium: what is typed goes to the note it was typed in, survives a
reload, and the fields show what the server saved."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def notes_by_title(live_app):
    return {note["title"]: note for note in api(live_app, "GET", "/api/notes/")["notes"]}


def test_ctrl_n_in_the_tags_field_keeps_the_tags_on_the_note_they_were_typed_in(app, live_app):
    create_note_in_page(app, "Note A", "No tags yet")
    app.click("#noteTags")
    app.keyboard.type("ctrlntest")
    app.keyboard.press("Control+n")  # without leaving the field first
    expect(app.locator("#noteTags")).to_have_value("")
    app.keyboard.type("Note B")
    expect(app.locator("#saveState")).to_have_text("Saved")
    expect(app.locator(".note-item-title")).to_have_text(["Note B", "Note A"])
    notes = notes_by_title(live_app)
    assert notes["Note A"]["tags"] == ["ctrlntest"]
    assert notes["Note B"]["tags"] == []
    app.click(".note-item >> nth=1")
    expect(app.locator("#noteTags")).to_have_value("ctrlntest")


def test_clicking_another_note_in_the_tags_field_keeps_the_tags_on_the_note_they_were_typed_in(app, live_app):
    create_note_in_page(app, "First", "a")
    create_note_in_page(app, "Second", "b")
    app.click("#noteTags")
    app.keyboard.type("typed here")
    app.click(".note-item >> nth=1")
    expect(app.locator("#noteTitle")).to_have_value("First")
    expect(app.locator("#noteTags")).to_have_value("")
    app.click(".note-item >> nth=0")
    expect(app.locator("#noteTags")).to_have_value("typed here")
    expect(app.locator("#saveState")).to_have_text("Saved")
    notes = notes_by_title(live_app)
    assert (notes["First"]["tags"], notes["Second"]["tags"]) == ([], ["typed here"])


def test_tags_typed_but_not_committed_survive_a_reload(app, live_app):
    create_note_in_page(app, "Kept", "Tags typed, then the window reloads")
    app.route("**/api/notes/**", lambda route: route.abort("connectionrefused")
              if route.request.method in ("POST", "PATCH") else route.continue_())
    app.click("#noteTags")
    app.keyboard.type("survivor")  # no Enter, no blur: only the draft can keep it
    app.unroute("**/api/notes/**")
    app.reload()
    expect(app.locator(".note-item-title")).to_have_text(["Kept"])
    app.click(".note-item")
    expect(app.locator("#noteTags")).to_have_value("survivor")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert notes_by_title(live_app)["Kept"]["tags"] == ["survivor"]


def test_tags_typed_are_autosaved_without_leaving_the_field(app, live_app):
    create_note_in_page(app, "Autosaved", "Body")
    app.click("#noteTags")
    app.keyboard.type("Work, Ideas")
    expect(app.locator("#saveState")).to_have_text("Saved")
    expect(app.locator("#noteTags")).to_have_value("Work, Ideas")  # not rewritten while typing
    assert sorted(notes_by_title(live_app)["Autosaved"]["tags"]) == ["ideas", "work"]


def test_attaching_a_file_to_a_blank_note_shows_the_title_it_gets(app, live_app, tmp_path):
    attachment = tmp_path / "report.txt"
    attachment.write_text("quarterly numbers")
    app.keyboard.press("Control+n")
    app.set_input_files("#attachmentInput", str(attachment))
    expect(app.locator("#attachmentList a")).to_contain_text("report.txt")
    expect(app.locator("#noteTitle")).to_have_value("report.txt")
    assert [note["title"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["report.txt"]


def test_the_tags_field_shows_the_tags_as_saved_once_left(app, live_app):
    create_note_in_page(app, "Normalised", "Body")
    app.fill("#noteTags", "qa, Test Tag, #hash, qa")
    app.press("#noteTags", "Tab")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert notes_by_title(live_app)["Normalised"]["tags"] == ["hash", "qa", "test tag"]
    expect(app.locator("#noteTags")).to_have_value("hash, qa, test tag")
    app.click(".note-item")  # reopened from the list, it is the same
    expect(app.locator("#noteTags")).to_have_value("hash, qa, test tag")


def test_tags_the_server_refuses_never_hold_back_the_words(app, live_app):
    too_many = ", ".join(f"t{number}" for number in range(21))
    app.click("#newNote")
    app.keyboard.type("Trip plan")
    app.click("#noteTags")
    app.keyboard.type(too_many)
    app.click("#noteBody")
    app.keyboard.type("Pack the tent")
    expect(app.locator("#saveState")).to_have_text("Saved, except the tags: A note has at most 20 tags.")
    expect(app.locator("#noteTags")).to_have_attribute("aria-invalid", "")
    saved = notes_by_title(live_app)["Trip plan"]
    assert (saved["body"], saved["tags"]) == ("Pack the tent", [])
    app.keyboard.type(" and the stove")  # words typed meanwhile are saved too
    expect(app.locator("#saveState")).to_have_text("Saved, except the tags: A note has at most 20 tags.")
    assert notes_by_title(live_app)["Trip plan"]["body"] == "Pack the tent and the stove"
    app.fill("#noteTags", "trip, camping")  # fixed: the tags are saved, the mark goes
    app.click("#noteBody")
    expect(app.locator("#saveState")).to_have_text("Saved")
    expect(app.locator("#noteTags")).not_to_have_attribute("aria-invalid", "")
    assert notes_by_title(live_app)["Trip plan"]["tags"] == ["camping", "trip"]


@pytest.mark.parametrize("unstorable", ["\\u0000", "\\uD800"])
def test_a_pasted_character_that_cannot_be_stored_does_not_stop_the_note_saving(app, live_app, unstorable):
    create_note_in_page(app, "Pasted", "Start")
    # As a paste from a binary file puts it in the field: a NUL, or half of a surrogate pair.
    app.evaluate(f"""() => {{
      const body = document.getElementById('noteBody');
      body.value = 'before{unstorable}after';
      body.dispatchEvent(new Event('input', {{ bubbles: true }}));
    }}""")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert notes_by_title(live_app)["Pasted"]["body"] == "before\ufffdafter"
    app.locator("#noteBody").press("End")
    app.keyboard.type(" and more")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert notes_by_title(live_app)["Pasted"]["body"] == "before\ufffdafter and more"


def test_one_undo_takes_back_what_was_typed_in_one_go_not_a_letter(app, live_app):
    create_note_in_page(app, "Undo", "First line")
    expect(app.locator(".note-item-title")).to_have_text(["Undo"])  # the list, shown again after the save
    app.click("#noteBody")
    app.keyboard.press("End")
    app.keyboard.type(" and more words", delay=10)  # the save state is shown at each key
    app.keyboard.press("Control+z")
    expect(app.locator("#noteBody")).to_have_value("First line")
    app.keyboard.press("Control+Shift+z")
    expect(app.locator("#noteBody")).to_have_value("First line and more words")


def test_a_pasted_title_or_query_stops_at_the_length_the_server_takes(app, live_app):
    from embedded_site.notes.forms import NoteForm, NoteQueryForm

    create_note_in_page(app, "Short", "text")
    app.click("#noteTitle")
    app.keyboard.press("Control+a")
    app.keyboard.insert_text("T" * 1000)  # as a paste does
    expect(app.locator("#noteTitle")).to_have_value("T" * NoteForm.base_fields["title"].max_length)
    expect(app.locator("#saveState")).to_have_text("Saved")
    app.click("#search")
    app.keyboard.insert_text("q" * 1000)
    expect(app.locator("#search")).to_have_value("q" * NoteQueryForm.base_fields["q"].max_length)
    expect(app.locator("#listStatus")).to_contain_text("Nothing found")
    expect(app.locator(".toast")).to_have_count(0)


def test_a_draft_longer_than_a_note_holds_says_so_keeps_the_text_and_saves_once_cut(app, live_app):
    """A whole book pasted in one note, a little over the limit, said "Not saved: Body: Ensure this
    value has at most 1000000 characters (it has 1000012)." """
    create_note_in_page(app, "Book", "Chapter one")
    book = "It was a dark and stormy night.\n" * 31_250 + "The end."  # 1,000,008 characters
    app.locator("#noteBody").evaluate(  # pasted: the whole text at once
        "(field, text) => { field.value = text; field.dispatchEvent(new Event('input', { bubbles: true })); }", book)
    expect(app.locator("#saveState")).to_have_text(
        "Not saved: Body: A note holds at most 1,000,000 characters, and this one has 1000008: "
        "move part of it to a new note to save it. Nothing is lost meanwhile.", timeout=30_000)
    assert app.locator("#noteBody").evaluate("field => field.value.length") == 1_000_008
    assert notes_by_title(live_app)["Book"]["body"] == "Chapter one"

    app.locator("#noteBody").press("Control+End")
    for _ in range(8):
        app.keyboard.press("Backspace")
    expect(app.locator("#saveState")).to_have_text("Saved", timeout=30_000)
    assert notes_by_title(live_app)["Book"]["body"] == book[:-8]


def test_enter_in_the_title_goes_on_to_the_text(app, live_app):
    app.keyboard.press("Control+n")
    app.keyboard.type("Analysis II, lecture 5")
    app.keyboard.press("Enter")
    app.keyboard.type("# Taylor series")
    expect(app.locator("#noteTitle")).to_have_value("Analysis II, lecture 5")
    expect(app.locator("#noteBody")).to_have_value("# Taylor series")
    expect(app.locator("#saveState")).to_have_text("Saved")
    assert notes_by_title(live_app)["Analysis II, lecture 5"]["body"] == "# Taylor series"


def test_enter_in_the_title_of_a_note_with_text_puts_the_caret_at_the_texts_start(app, live_app):
    create_note_in_page(app, "Lecture 6", "first line")
    app.click("#noteTitle")
    app.keyboard.press("End")
    app.keyboard.press("Enter")
    app.keyboard.type("Before: ")
    expect(app.locator("#noteTitle")).to_have_value("Lecture 6")
    expect(app.locator("#noteBody")).to_have_value("Before: first line")
