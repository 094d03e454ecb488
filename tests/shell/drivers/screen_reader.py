"""What a screen reader hears in the real window (WebKitGTK over AT-SPI), as a person types with
the keyboard: atspi_listener.py, beside it on the session bus, writes what the live regions say.
Run under dbus-run-session, without NO_AT_BRIDGE, with AT_SPI_BUS_ADDRESS naming an accessibility bus
of its own (test_screen_reader.py's accessibility_bus). Usage: screen_reader.py DATA_DIR HEARD_FILE
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import answer_from_gtk_thread
from django_desktop_shell.process.native_dialogs import gtk_save_dialog
from django_desktop_shell.process.window_state import WindowState
from django_desktop_shell.self_test import SelfTestFailure, wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]
data_dir, heard_file = Path(sys.argv[1]), Path(sys.argv[2])
NOTE_TEXT_KEYS = ("Tab and Shift+Tab indent and outdent; Ctrl+F finds in the note, Ctrl+H replaces; Ctrl+Shift+O goes to "
                  "a heading; Escape leaves the text for the list of notes, or for the choice of a conflict")


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=10)


def hear(words: str) -> None:
    deadline = time.monotonic() + 15
    while words not in heard_file.read_text(encoding="utf-8").splitlines():
        if time.monotonic() > deadline:
            raise SelfTestFailure(f"not read out: {words!r}; heard: {heard_file.read_text(encoding='utf-8')!r}")
        time.sleep(0.1)
    print(f"heard: {words}", flush=True)


def cancel_the_save_dialog(window) -> None:
    """The shell's save dialog, given the focus (as a window manager gives it), cancelled with Escape."""
    asking = threading.Thread(target=answer_from_gtk_thread, args=(gtk_save_dialog, window, WindowState(), "notes.json"))
    asking.start()
    found = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Save$"],
                           capture_output=True, text=True, check=True, timeout=20)
    xdotool("windowfocus", "--sync", found.stdout.split()[0])
    xdotool("key", "Escape")
    asking.join(10)


@window_check("a search's count and a toast are read out")
def read_out(window, origin):
    heard_file.touch()
    listener = subprocess.Popen([sys.executable, "-m", "tests.shell.drivers.atspi_listener", str(heard_file)])
    try:
        window.load_url(origin + "/")
        wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
        wait_for(window, "document.querySelector('#listStatus').textContent", "No notes yet", "the list")
        deadline = time.monotonic() + 60
        while "READY" not in heard_file.read_text(encoding="utf-8"):
            if listener.poll() is not None or time.monotonic() > deadline:
                raise SelfTestFailure("the AT-SPI listener did not start")
            time.sleep(0.1)
        # This process's window (an X server without a window manager gives it no focus itself);
        # --all: xdotool's search takes a window that meets any one of the conditions otherwise.
        xdotool("search", "--all", "--onlyvisible", "--pid", str(os.getpid()), "--name", "^Notedesk$", "windowfocus")
        xdotool("key", "ctrl+n")
        wait_for(window, "document.activeElement.id", "noteTitle", "the new note's title")
        xdotool("type", "--delay", "20", "Trip to Rome")
        wait_for(window, "document.querySelector('#saveState').textContent", "Saved", "the note saved")
        xdotool("key", "Tab", "Tab")  # past the tags, to the text
        hear(f"focus: Trip to Rome, note text: {NOTE_TEXT_KEYS}")
        xdotool("type", "--delay", "20", "Day one")
        heard_file.write_text("", encoding="utf-8")  # what is heard from here on
        xdotool("key", "F10")
        hear("focus: File: ")
        xdotool("key", "Escape")
        hear(f"focus: Trip to Rome, note text: {NOTE_TEXT_KEYS}")
        xdotool("type", "--delay", "20", " in Rome")
        wait_for(window, "document.querySelector('#noteBody').value", "Day one in Rome", "the text typed on")
        print("typed on after the menu: Day one in Rome", flush=True)
        heard_file.write_text("", encoding="utf-8")
        cancel_the_save_dialog(window)
        hear(f"focus: Trip to Rome, note text: {NOTE_TEXT_KEYS}")
        xdotool("type", "--delay", "20", " again")
        wait_for(window, "document.querySelector('#noteBody').value", "Day one in Rome again", "the text typed on")
        print("typed on after the save dialog: Day one in Rome again", flush=True)
        window.run_js("document.querySelector('#togglePin').focus()")
        hear("focus: Pin: Keep this note at the top of the list")
        window.run_js("document.querySelector('#searchHelpToggle').focus()")
        hear("focus: How to search: Search operators: tag:, is:pinned, OR, -word…")
        xdotool("key", "ctrl+shift+f")
        wait_for(window, "document.activeElement.id", "search", "the search field")
        xdotool("type", "--delay", "20", "rome")
        hear("1 note found for “rome”")
        window.run_js("document.querySelector('#noteList [role=option]').click(); document.querySelector('#trashNote').click()")
        hear("“Trip to Rome” moved to the trash Undo")
        window.run_js("document.querySelector('#syncSetup').focus()")
        xdotool("key", "Return")
        hear("focus: Server address: ")
    finally:
        listener.terminate()


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
