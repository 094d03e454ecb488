"""Opens the shell's own save dialog (native_dialogs.gtk_save_dialog) in the real window, reads
what it shows, and cancels it as a person would: no file is chosen.
Usage: save_dialog.py DATA_DIR; prints what the dialog showed and what it answered.
"""

import sys
import threading
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import answer_from_gtk_thread
from django_desktop_shell.process.native_dialogs import gtk_save_dialog
from django_desktop_shell.self_test import window_check

ROOT = Path(__file__).resolve().parents[3]


def read_and_cancel_the_dialog(seen: dict) -> bool:
    """On GTK's thread, inside the dialog's own loop."""
    from gi.repository import Gtk

    dialogs = [window for window in Gtk.Window.list_toplevels() if isinstance(window, Gtk.FileChooserDialog)]
    if not dialogs:
        return True  # GLib.SOURCE_CONTINUE: not shown yet
    dialog = dialogs[0]
    seen.update(confirms_overwrite=dialog.get_do_overwrite_confirmation(), name=dialog.get_current_name(),
                folder=dialog.get_current_folder(), filters=[f.get_name() for f in dialog.list_filters()])
    dialog.response(Gtk.ResponseType.CANCEL)
    return False


@window_check("the save dialog asks before replacing a file")
def open_the_save_dialog(created_window, origin):
    from gi.repository import GLib

    seen = {}
    answer = []
    asking = threading.Thread(target=lambda: answer.append(answer_from_gtk_thread(
        gtk_save_dialog, created_window, "notes.json", ("JSON file (*.json)",))))
    asking.start()
    time.sleep(0.5)
    GLib.timeout_add(50, read_and_cancel_the_dialog, seen)
    asking.join(20)
    print(f"dialog: {seen}")
    print(f"answer: {answer}")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", sys.argv[1]]))
