"""Importing from other apps in the app: a zipped Markdown folder, uploaded from the sidebar."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, click_transfer  # noqa: F401 (app is a fixture)
from tests.notes.test_notion_keep_import import WAITING, takeout_in_parts, zipped

pytestmark = pytest.mark.browser


def test_a_zipped_markdown_folder_is_imported_and_what_was_left_out_is_said(app, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("vault/Plan.md", "---\ntags: [work]\n---\nSee [[Ideas]]")
        archive.writestr("vault/Ideas.md", "Many ideas")
        archive.writestr("../escape.md", "no")
    path = tmp_path / "vault.zip"
    path.write_bytes(buffer.getvalue())
    with app.expect_file_chooser() as chooser:
        click_transfer(app, "importMarkdownFolder")
    chooser.value.set_files(str(path))
    expect(app.locator(".toast").last).to_contain_text(
        "Imported: 2 new, 0 updated, 0 unchanged. 1 file left out or changed (../escape.md: a path out of the folder)")
    expect(app.locator(".note-item-title")).to_have_count(2)
    expect(app.locator(".tag-button")).to_have_text(["work1"])
    shots = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(shots / "import.png"))


def test_the_import_message_says_where_the_notes_are_and_shows_them(app, tmp_path):
    """"Imported: 3 new, 0 updated, 0 unchanged" said nothing of where they went: a Joplin
    export's notes keep their dates, somewhere down the list."""
    from tests.notes.test_foreign_import import joplin_jex

    path = tmp_path / "Joplin.jex"
    path.write_bytes(joplin_jex(with_link=False))
    app.set_input_files("#importFile", str(path))
    message = app.locator(".toast").last
    expect(message).to_contain_text("Imported: 3 new, 0 updated, 0 unchanged, 1 attachment added. All 3 are under the tag “work”.")
    shots = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(shots / "import-where.png"))
    message.locator(".toast-action", has_text="Show them").click()
    expect(app.locator(".tag-button[aria-current='true']")).to_have_text("work3")
    expect(app.locator(".note-item-title")).to_have_count(3)

    vault = tmp_path / "vault.zip"
    vault.write_bytes(zipped({"vault/Plan.md": "---\ntags: [work]\n---\nThe plan", "vault/Ideas.md": "Many ideas"}))
    app.set_input_files("#importFile", str(vault))
    expect(app.locator(".toast").last).to_have_text(
        "Imported: 2 new, 0 updated, 0 unchanged. They are in All notes; 1 under the tag “work”.")


def test_every_file_an_import_left_out_can_be_listed(app, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("vault/Kept.md", "kept")
        for name in ("../one.md", "/two.md", "C:/three.md"):
            archive.writestr(name, "no")
    path = tmp_path / "vault.zip"
    path.write_bytes(buffer.getvalue())
    with app.expect_file_chooser() as chooser:
        click_transfer(app, "importMarkdownFolder")
    chooser.value.set_files(str(path))
    expect(app.locator(".toast").last).to_contain_text("3 files left out or changed (../one.md: a path out of the folder, …)")
    app.locator(".toast").last.locator(".toast-action").click()  # Show all
    expect(app.locator("#skippedFiles li")).to_have_text([
        "../one.md: a path out of the folder", "/two.md: a path out of the folder", "C:/three.md: a path out of the folder"])
    expect(app.locator("#skippedFilesMore")).to_be_hidden()
    shots = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(shots / "import-left-out.png"))
    app.keyboard.press("Escape")
    expect(app.locator("#skippedFiles")).to_be_hidden()


def test_an_export_opened_with_the_app_is_imported_with_the_progress_and_result_an_import_shows(app, tmp_path):
    from django_desktop_shell import opening

    enex = tmp_path / "Notebook.enex"
    enex.write_bytes(b"<en-export><note><title>From Evernote</title>"
                     b"<content>&lt;en-note&gt;Hi&lt;/en-note&gt;</content></note></en-export>")
    detail = opening.open_files([enex])  # as the shell does for a file given to the app, then tells the page
    app.evaluate("(detail) => document.dispatchEvent(new CustomEvent('desktop:open', { detail }))", detail)
    expect(app.locator(".toast").last).to_contain_text("Imported: 1 new, 0 updated, 0 unchanged")
    expect(app.locator(".note-item-title")).to_have_text(["From Evernote"])


def test_a_notion_export_and_a_keep_takeout_are_imported_with_the_import_button(app, tmp_path):
    from tests.notes.test_notion_keep_import import keep_takeout, notion_export

    for name, content, toast in (
        ("Export-5e1c2a3b.zip", notion_export(), "Imported: 3 new, 0 updated, 0 unchanged, 2 attachments added"),
        ("takeout-20261206T000000Z-001.zip", zipped(keep_takeout()),
         "Imported: 3 new, 0 updated, 0 unchanged, 1 attachment added. 1 file left out or changed "
         "(Takeout/Keep/Old.json: in Google Keep’s trash: not imported)"),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        with app.expect_file_chooser() as chooser:
            click_transfer(app, "importNotes")
        chooser.value.set_files(str(path))
        expect(app.locator(".toast").last).to_contain_text(toast)
    expect(app.locator(".note-item-title").filter(has_text="Packing list")).to_have_count(1)
    expect(app.locator(".note-item-title").filter(has_text="Groceries")).to_have_count(1)
    shots = Path(os.environ.get("NOTEDESK_SCREENSHOTS", "/tmp/notedesk-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(shots / "import-notion-keep.png"))


def test_the_note_of_waiting_pictures_open_when_an_import_trashes_it_shows_in_the_trash_read_only(app, tmp_path):
    """Google Keep's pictures imported before their notes wait in a note of their own, which the
    import of their notes empties and trashes. Open meanwhile, it stayed editable, saying "Saved"."""
    notes, pictures = takeout_in_parts(tmp_path, zipped)
    app.set_input_files("#importFile", str(pictures))
    expect(app.locator(".toast").last).to_contain_text("Imported: 1 new, 0 updated, 0 unchanged, 1 attachment added")
    app.locator(".note-item-title", has_text=WAITING).click()
    expect(app.locator("#noteTitle")).to_have_value(WAITING)
    expect(app.locator("#noteBody")).to_be_editable()

    app.set_input_files("#importFile", str(notes))
    expect(app.locator(".toast").last).to_contain_text("Imported: 3 new, 0 updated, 0 unchanged, 1 attachment added")
    expect(app.locator(".note-item-title")).to_have_text(["●Groceries", "Call the plumber", "Idea"])  # not the emptied one
    expect(app.locator("#saveState")).to_have_text("In the trash")
    expect(app.locator("#noteBody")).not_to_be_editable()
    expect(app.locator("#restoreNote")).to_be_visible()


def test_words_typed_in_the_open_note_of_waiting_pictures_stay_there_when_the_import_gives_its_pictures_away(app, tmp_path):
    notes, pictures = takeout_in_parts(tmp_path, zipped)
    app.set_input_files("#importFile", str(pictures))
    expect(app.locator(".toast").last).to_contain_text("1 attachment added")
    app.locator(".note-item-title", has_text=WAITING).click()
    app.locator("#noteBody").press("Control+End")
    app.locator("#noteBody").type("\nThe sea at Lisbon: for the album.")
    expect(app.locator("#saveState")).to_have_text("Saved")

    app.set_input_files("#importFile", str(notes))
    expect(app.locator(".toast").last).to_contain_text("Imported: 3 new, 0 updated, 0 unchanged, 1 attachment added")
    expect(app.locator("#noteBody")).to_have_value("The sea at Lisbon: for the album.\n")
    expect(app.locator("#noteBody")).to_be_editable()
    expect(app.locator(".note-item-title", has_text=WAITING)).to_have_count(1)


def test_a_takeout_part_of_drive_s_photos_says_what_it_holds_and_imports_nothing(app, tmp_path):
    part = tmp_path / "takeout-20261207T070000Z-002.zip"
    part.write_bytes(zipped({"Takeout/Drive/IMG_2041.jpg": b"\xff\xd8 a photo", "Takeout/Drive/IMG_2042.jpg": b"\xff\xd8 another"}))
    app.set_input_files("#importFile", str(part))
    expect(app.locator(".toast-error")).to_have_text(
        "This part of a Google Takeout holds Drive (2 files), not Google Keep’s notes or pictures, which are what Notedesk "
        "imports from a Takeout. Nothing was imported.")
    expect(app.locator("#listStatus")).to_have_text("No notes yet")
