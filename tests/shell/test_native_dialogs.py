"""The window's file dialogs (native_dialogs.WindowNativeFunctions) with the file types a project names."""

from webview.util import parse_file_type

from django_desktop_shell.process import native_dialogs


class Window:
    """pywebview's window as its open dialog sees the file types: each checked by its own rule."""

    def __init__(self):
        self.filters = []

    def create_file_dialog(self, dialog_type, directory="", file_types=(), **options):
        self.filters = [parse_file_type(file_type) for file_type in file_types]  # a ValueError for one it refuses
        return None


def test_an_open_dialog_named_with_punctuation_opens_its_description_kept_readable():
    """pywebview takes a description of letters, digits and spaces alone: "Notion and Google Keep
    (Takeout) exports" made File › Import… answer 500, no dialog shown."""
    window = Window()
    chooser = native_dialogs.WindowNativeFunctions(window)
    assert chooser.choose_open_path(("Notion, Google Keep (Takeout) & Joplin exports (*.zip;*.tgz)",)) is None
    assert window.filters == [("Notion Google Keep Takeout Joplin exports", "*.zip;*.tgz")]
