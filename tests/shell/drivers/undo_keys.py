"""Undo and redo keys in the real window, in a text field of a site (the polls example's admin
login), pressed with xdotool: Ctrl+Z and Ctrl+Shift+Z in a field the page leaves them to, then in
one whose page answers Ctrl+Z itself.
Usage: undo_keys.py DATA_DIR; prints the field's value after each press.
"""

import subprocess
import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

POLLS = Path(__file__).resolve().parents[3] / "examples" / "polls"
data_dir = Path(sys.argv[1])
FIELD = "document.getElementById('id_username')"


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=True, timeout=10).stdout


@window_check("Ctrl+Z and Ctrl+Shift+Z undo and redo typing, unless the page answers them")
def undo_keys(window, origin):
    from tests.shell.drivers import gtk_menus

    for label in ("Undo", "Redo", "Cut", "Copy", "Paste", "Select all"):
        shown = gtk_menus.on_gtk_thread(lambda: gtk_menus.menu_item(window.uid, "Edit", label).get_property("accel"))
        print(f"Edit › {label} shows {shown}", flush=True)
    from webview.platforms.gtk import _app

    print("the page's keys bound by the menu:", [keys for keys in ("<Primary>z", "<Primary>c", "<Primary>v")
                                                 if gtk_menus.on_gtk_thread(_app.get_actions_for_accel, keys)])
    window.load_url(origin + "/admin/login/")
    wait_for(window, f"document.readyState === 'complete' && {FIELD} !== null", True, "the login page")
    window.run_js(f"{FIELD}.focus()")
    xdotool("type", "--delay", "20", "hello")
    wait_for(window, f"{FIELD}.value", "hello", "the typed text")
    for keys, expected in [("ctrl+z", ""), ("ctrl+shift+z", "hello")]:
        xdotool("key", keys)
        wait_for(window, f"{FIELD}.value", expected, f"the field after {keys}")
        print(f"after {keys}: {expected!r}", flush=True)
    window.run_js(f"{FIELD}.addEventListener('keydown', (event) => {{ if (event.ctrlKey && event.key === 'z') "
                  "{ event.preventDefault(); document.title = 'undone by the page'; } })")
    xdotool("key", "ctrl+z")
    wait_for(window, "document.title", "undone by the page", "the page's own answer to Ctrl+Z")
    # A key typed after it comes after anything the window would have done with it.
    xdotool("type", "!")
    wait_for(window, f"{FIELD}.value", "hello!", "the field after the page's own Ctrl+Z and a key")
    print("after the page's own ctrl+z and a key: 'hello!'", flush=True)


sys.exit(launcher.main(POLLS, ["--self-test", "--data-dir", str(data_dir)]))
