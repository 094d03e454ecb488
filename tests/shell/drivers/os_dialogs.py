"""The OS's file dialogs, substituted in a driver's window: nobody is there to click them.

`substitute(answer)`: every dialog, pywebview's and the shell's own alike, asks
`answer(kind, suggested_name, file_types)` ("OPEN", "SAVE" or "FOLDER"), which gives the path the
person would have chosen, or None for Cancel. `saving_into(folder)`: each dialog saves into the
folder, as saved-1, saved-2…, and the names it suggested are kept in the list it returns.
"""

from pathlib import Path

import webview
from webview.util import parse_file_type

from django_desktop_shell.process import native_dialogs


def substitute(answer) -> None:
    def pywebview_dialog(self, dialog_type, directory="", allow_multiple=False, save_filename="", file_types=()):
        for file_type in file_types:  # pywebview's own refusal, before its dialog opens
            parse_file_type(file_type)
        chosen = answer(webview.FileDialog(dialog_type).name, save_filename, tuple(file_types))
        return None if chosen is None else (str(chosen),)

    def shell_save_dialog(window, state, suggested_name, file_types=()):
        chosen = answer("SAVE", suggested_name, tuple(file_types))
        return None if chosen is None else Path(chosen)

    def shell_open_dialog(window, state, file_types, several, folder):
        for file_type in file_types:  # the file types parsed, as the dialog does
            parse_file_type(file_type)
        chosen = answer("FOLDER" if folder else "OPEN", "", tuple(file_types))
        return [] if chosen is None else [str(chosen)]

    webview.Window.create_file_dialog = pywebview_dialog
    native_dialogs.gtk_save_dialog = shell_save_dialog
    native_dialogs.gtk_open_dialog = shell_open_dialog


def saving_into(folder: Path) -> list[str]:
    suggested = []

    def save_numbered(kind, suggested_name, file_types):
        suggested.append(suggested_name)
        return folder / f"saved-{len(suggested)}"

    substitute(save_numbered)
    return suggested
