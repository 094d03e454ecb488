"""The window's file dialogs (native_dialogs.WindowNativeFunctions) with the file types a project names."""

from pathlib import Path

from webview.util import parse_file_type

from django_desktop_shell.process import native_dialogs


class Window:
    """pywebview's window as its open dialog sees the file types: each checked by its own rule."""

    def __init__(self, chosen=None):
        self.filters, self.chosen, self.options = [], chosen, {}

    def create_file_dialog(self, dialog_type, directory="", file_types=(), **options):
        self.filters = [parse_file_type(file_type) for file_type in file_types]  # a ValueError for one it refuses
        self.options = options
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
