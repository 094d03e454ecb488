"""Opens the shell's own save dialog (native_dialogs.gtk_save_dialog, as the window's native
functions open it) in the real window, reads what it shows, and cancels it as a person would: no
file is chosen. With a FOLDER, it first saves a file there through the dialog, as a person saving
an export to a folder of theirs, then opens it again, reads it and cancels it.
Usage: save_dialog.py DATA_DIR [FOLDER]; prints where the dialog showed on the screen, what it
showed and what it answered.
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


def read_and_cancel_the_dialog(seen: dict) -> bool:
    """On GTK's thread, inside the dialog's own loop."""
    from gi.repository import Gtk

    if (dialog := shown_file_chooser()) is None:
        return True  # GLib.SOURCE_CONTINUE: not shown yet
    seen.update(confirms_overwrite=dialog.get_do_overwrite_confirmation(), name=dialog.get_current_name(),
                folder=dialog.get_current_folder(), filters=[f.get_name() for f in dialog.list_filters()])
    dialog.response(Gtk.ResponseType.CANCEL)
    return False


def save_in(folder: Path) -> bool:
    """On GTK's thread: goes to folder, as a person would, and saves there under the name suggested."""
    from gi.repository import Gtk

    if (dialog := shown_file_chooser()) is None:
        return True
    dialog.set_current_folder(str(folder))
    dialog.response(Gtk.ResponseType.OK)
    return False


def answer_of_the_dialog(on_gtk_thread) -> list:
    from gi.repository import GLib

    answer = []
    asking = threading.Thread(target=lambda: answer.append(
        native.functions.choose_save_path("notes.json", ("JSON file (*.json)",))))
    asking.start()
    print(f"on screen: {shown_on_screen(os.environ, 'Save')}", flush=True)
    GLib.timeout_add(50, on_gtk_thread)
    asking.join(20)
    return answer


@window_check("the save dialog asks before replacing a file")
def open_the_save_dialog(created_window, origin):
    if len(sys.argv) > 2:
        print(f"saved: {answer_of_the_dialog(lambda: save_in(Path(sys.argv[2])))}")
    seen = {}
    answer = answer_of_the_dialog(lambda: read_and_cancel_the_dialog(seen))
    print(f"dialog: {seen}")
    print(f"answer: {answer}")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", sys.argv[1]]))
