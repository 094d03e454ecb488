"""The window's file dialogs (native_dialogs.WindowNativeFunctions) with the file types a project names:
pywebview's, as on Windows and macOS (on Linux, the shell's own GTK dialogs: test_window.py)."""

from pathlib import Path

import pytest
from webview.util import parse_file_type

from django_desktop_shell.process import native_dialogs
from django_desktop_shell.process.window_state import WindowState


@pytest.fixture(autouse=True)
def not_on_gtk(monkeypatch):
    monkeypatch.setattr("django_desktop_shell.process.window.gui", lambda: None)


class Window:
    """pywebview's window as its open dialog sees the file types: each checked by its own rule."""

    def __init__(self, chosen=None):
        self.filters, self.chosen, self.options, self.directory = [], chosen, {}, None

    def create_file_dialog(self, dialog_type, directory="", file_types=(), **options):
        self.filters = [parse_file_type(file_type) for file_type in file_types]  # a ValueError for one it refuses
        self.options, self.directory = options, directory
        return self.chosen


def test_an_open_dialog_named_with_punctuation_opens_its_description_kept_readable():
    """pywebview takes a description of letters, digits and spaces alone: "Notion and Google Keep
    (Takeout) exports" made File › Import… answer 500, no dialog shown."""
    window = Window()
    chooser = native_dialogs.WindowNativeFunctions(window)
    assert chooser.choose_open_path(("Notion, Google Keep (Takeout) & Joplin exports (*.zip;*.tgz)",)) is None
    assert window.filters == [("Notion Google Keep Takeout Joplin exports", "*.zip;*.tgz")]


def test_an_open_dialog_may_let_the_person_choose_several_files_at_once():
    """A site that takes the parts of one export (Google Takeout's -001.tgz, -002.tgz) asks for them together."""
    window = Window(chosen=("/home/ana/takeout-001.tgz", "/home/ana/takeout-002.tgz"))
    chooser = native_dialogs.WindowNativeFunctions(window)
    assert chooser.choose_open_paths(("Takeout parts (*.tgz)",)) == [Path("/home/ana/takeout-001.tgz"), Path("/home/ana/takeout-002.tgz")]
    assert window.options["allow_multiple"] is True
    window.chosen = None  # closed
    assert chooser.choose_open_paths() == []


def test_each_dialog_opens_in_the_folder_of_the_file_last_chosen_and_the_home_folder_once_that_is_gone(tmp_path, monkeypatch):
    """A week's bank statements imported one after the other: each open dialog went back to the
    home folder, and the person walked to the statements again every time."""
    monkeypatch.setattr(native_dialogs, "home_folder", lambda: tmp_path / "home")
    statements = tmp_path / "statements"
    statements.mkdir()
    state = WindowState()
    window = Window(chosen=(str(statements / "monday.csv"),))
    chooser = native_dialogs.WindowNativeFunctions(window, state=state)
    assert chooser.choose_open_path() == statements / "monday.csv"
    assert window.directory == str(tmp_path / "home")
    window.chosen = None  # the next one cancelled
    assert chooser.choose_open_path() is None
    assert window.directory == str(statements)
    assert chooser.choose_folder() is None
    assert window.directory == str(statements)
    statements.rmdir()
    chooser.choose_open_path()
    assert window.directory == str(tmp_path / "home")


def test_a_folder_chosen_is_where_the_next_dialog_opens(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    window = Window(chosen=(str(exports),))
    chooser = native_dialogs.WindowNativeFunctions(window, state=WindowState())
    assert chooser.choose_folder() == exports
    window.chosen = None
    chooser.choose_open_path()
    assert window.directory == str(exports)
