"""Opens the window's open dialog (several files, as File › Import… asks) and its folder dialog,
through the window's native functions, in the real window; prints where each showed on the screen
and cancels it as a person would.
Usage: open_dialogs.py DATA_DIR
"""

import os
import sys
import threading
from pathlib import Path

from django_desktop_shell import native
from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import window_check
from tests.shell.dialogs import shown_file_chooser, shown_on_screen

ROOT = Path(__file__).resolve().parents[3]


def cancel_the_dialog() -> bool:
    """On GTK's thread, inside the dialog's own loop."""
    from gi.repository import Gtk

    if (dialog := shown_file_chooser()) is None:
        return True  # GLib.SOURCE_CONTINUE: not shown yet
    dialog.response(Gtk.ResponseType.CANCEL)
    return False


def show_and_cancel(title: str, choose) -> None:
    from gi.repository import GLib

    answer = []
    asking = threading.Thread(target=lambda: answer.append(choose()))
    asking.start()
    print(f"on screen: {shown_on_screen(os.environ, title)}", flush=True)
    GLib.timeout_add(50, cancel_the_dialog)
    asking.join(20)
    print(f"{title}: {answer}", flush=True)


@window_check("the open and folder dialogs show")
def open_the_dialogs(created_window, origin):
    show_and_cancel("Open files", lambda: native.functions.choose_open_paths(("Exports (*.zip;*.json)",)))
    show_and_cancel("Open folder", native.functions.choose_folder)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", sys.argv[1]]))
