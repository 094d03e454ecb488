"""Clicks a file field (`<input type="file">`) of the page in the real window, reads the folder its
chooser opens in, and chooses a file there as a person would; with no FILE, cancels the chooser.
Usage: upload_chooser.py DATA_DIR [FILE]; prints where the chooser showed on the screen, the
folder it showed and the files the field then holds.
"""

import os
import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import SelfTestFailure, wait_for, window_check
from tests.shell.dialogs import shown_file_chooser, shown_on_screen

ROOT = Path(__file__).resolve().parents[3]
FIELD = "document.getElementById('upload-probe')"


def answer_the_chooser(seen: dict, chosen: Path | None) -> bool:
    """On GTK's thread, until it has answered (True: call again): reads the chooser once it shows,
    then chooses `chosen`, once GTK has loaded its folder and selected it, or cancels."""
    from gi.repository import Gtk

    if (chooser := shown_file_chooser()) is None:
        return True
    if "folder" not in seen:
        seen["folder"] = chooser.get_current_folder()
        if chosen is not None:
            chooser.select_filename(str(chosen))
    if chosen is None:
        chooser.response(Gtk.ResponseType.CANCEL)
    elif chooser.get_filenames() == [str(chosen)]:
        chooser.response(Gtk.ResponseType.OK)
    else:
        return True
    seen["answered"] = True
    return False


@window_check("a file field's chooser opens where the last file was chosen")
def choose_a_file(window, origin):
    from gi.repository import GLib

    chosen = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    window.run_js("const field = document.createElement('input'); field.type = 'file'; field.id = 'upload-probe';"
                  "document.body.append(field); field.click()")
    print(f"on screen: {shown_on_screen(os.environ, 'Choose a file')}", flush=True)
    seen = {}
    GLib.timeout_add(50, lambda: answer_the_chooser(seen, chosen))
    deadline = time.monotonic() + 20
    while "answered" not in seen:
        if time.monotonic() > deadline:
            raise SelfTestFailure("the file field's chooser did not open")
        time.sleep(0.05)
    print(f"chooser: {{'folder': {seen['folder']!r}}}", flush=True)
    if chosen is not None:
        wait_for(window, f"{FIELD}.files.length", 1, "the chosen file in the field")
    print(f"field: {window.run_js(f'Array.from({FIELD}.files, file => file.name)')}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", sys.argv[1]]))
