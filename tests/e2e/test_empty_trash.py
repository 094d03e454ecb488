"""The trash view's Empty trash button: one confirm saying how many, then every trashed note and
its attachment files are gone for good, and the notes outside the trash stay."""

import pytest
from playwright.sync_api import expect

from embedded_site.notes.attachments import attachments_folder
from embedded_site.notes.models import Attachment
from tests.e2e.test_notes_app import api, app, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def trash_open_note(page, title):
    page.click("#trashNote")
    expect(page.locator(".toast", has_text=f"“{title}” moved to the trash")).to_be_visible()
    expect(page.locator("#editor")).to_be_hidden()


def accept_next_dialog(page) -> list:
    """Accept the next window.confirm; returns a list that gets its message."""
    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return messages


def test_emptying_the_trash_deletes_its_notes_and_files_after_one_confirm(app, live_app, tmp_path):
    (tmp_path / "old.txt").write_text("old bytes")
    create_note_in_page(app, "Old with a file", "To go")
    app.set_input_files("#attachmentInput", str(tmp_path / "old.txt"))
    expect(app.locator("#attachmentList a", has_text="old.txt")).to_be_visible()
    trash_open_note(app, "Old with a file")
    create_note_in_page(app, "Old plain", "To go too")
    trash_open_note(app, "Old plain")
    create_note_in_page(app, "Keeper", "Stays")
    [stored] = Attachment.objects.values_list("file", flat=True)
    file = attachments_folder() / stored
    assert file.read_text() == "old bytes"
    expect(app.locator("#emptyTrash")).to_be_hidden()  # only in the trash view

    app.click("[data-view=trash]")
    expect(app.locator("#listStatus")).to_have_text("2 notes in the trash")
    expect(app.locator("#emptyTrash")).to_be_visible()
    app.click(".note-item >> nth=0")  # a trashed note open in the editor closes with it
    expect(app.locator("#saveState")).to_have_text("In the trash")

    messages = accept_next_dialog(app)
    app.click("#emptyTrash")
    expect(app.locator("#listStatus")).to_have_text("The trash is empty")
    assert messages == ["Delete 2 notes in the trash, and their attachments, for good? This cannot be undone."]
    expect(app.locator(".toast").last).to_have_text("2 notes deleted for good")
    expect(app.locator(".note-item")).to_have_count(0)
    expect(app.locator("#emptyTrash")).to_be_hidden()
    expect(app.locator("#editor")).to_be_hidden()

    assert not file.exists()
    assert not Attachment.objects.exists()
    assert [note["title"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["Keeper"]
    assert api(live_app, "GET", "/api/notes/?trashed=1")["total"] == 0
    app.click("[data-view=all]")
    expect(app.locator(".note-item-title")).to_have_text(["Keeper"])


def test_dismissing_the_confirm_deletes_nothing(app, live_app):
    create_note_in_page(app, "Maybe", "Keep in the trash")
    trash_open_note(app, "Maybe")
    app.click("[data-view=trash]")
    messages = []
    app.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    with app.expect_event("dialog"):
        app.click("#emptyTrash")
    assert messages == ["Delete 1 note in the trash, and its attachments, for good? This cannot be undone."]
    expect(app.locator("#listStatus")).to_have_text("1 note in the trash")
    assert api(live_app, "GET", "/api/notes/?trashed=1")["total"] == 1


def test_the_button_counts_the_whole_trash_while_searching_it(app, live_app):
    for title in ("Apple", "Banana"):
        create_note_in_page(app, title, "fruit")
        trash_open_note(app, title)
    app.click("[data-view=trash]")
    app.fill("#search", "zzz")
    expect(app.locator("#listStatus")).to_have_text("Nothing in the trash found for “zzz”")
    expect(app.locator("#emptyTrash")).to_be_visible()
    messages = accept_next_dialog(app)
    app.click("#emptyTrash")
    expect(app.locator(".toast").last).to_have_text("2 notes deleted for good")
    assert messages[0].startswith("Delete 2 notes in the trash")
    expect(app.locator("#emptyTrash")).to_be_hidden()
    app.fill("#search", "")
    expect(app.locator("#listStatus")).to_have_text("The trash is empty")
