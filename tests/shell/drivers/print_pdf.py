"""File > Export note as PDF… and File > Print… clicked in the real window's menu.

Notedesk's own launcher runs as a self-test with one more check, in this process; the native save
dialog's answer (the chosen path) is substituted: nobody is there to click it. The print dialog
is the real one: the check waits for it, takes a screenshot and closes it.
Usage: print_pdf.py DATA_DIR CHOSEN_PDF SHOTS_DIR
"""

import json
import subprocess
import sys
from pathlib import Path

import webview

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import gtk_menus, os_dialogs
from tests.shell.drivers.menu_clicks_support import screenshot, wait_until

ROOT = Path(__file__).resolve().parents[3]
data_dir, chosen, shots = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
LONG_TITLE = "a" * 99 + "🇩🇪 and more"
LONG_TITLE_PDF = str(Path(chosen).with_name("long-title.pdf"))
BODY = "# Trip plan\\n\\nPack the **tent** and the `stove`.\\n\\n- Day one: the lake\\n- Day two: the ridge\\n"


def os_dialog_answer(kind, suggested_name, file_types):
    print(f"save dialog: {suggested_name} {list(file_types)}", flush=True)
    return chosen if suggested_name == "Weekend.pdf" else LONG_TITLE_PDF


os_dialogs.substitute(os_dialog_answer)


def window_named(name):
    return subprocess.run(["xdotool", "search", "--name", name], capture_output=True).returncode == 0


@window_check("a note was exported as PDF and the print dialog opened, from the menu")
def print_from_the_menu(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    window.run_js("document.getElementById('newNote').click()")
    window.run_js("const t = document.getElementById('noteTitle'); t.value = 'Weekend'; t.dispatchEvent(new Event('input'));"
                  f"const b = document.getElementById('noteBody'); b.value = '{BODY}'; b.dispatchEvent(new Event('input'));")
    wait_for(window, "document.getElementById('saveState').dataset.state", "saved", "the note saved")

    gtk_menus.click(window.uid, "File", "Export note as PDF…")
    wait_for(window, f"[...document.querySelectorAll('.toast')].some((toast) => toast.textContent === 'Exported the note to {chosen}')",
             True, "the export's toast")
    print("pdf: written", flush=True)

    gtk_menus.click(window.uid, "File", "Print…")
    wait_until(lambda: window_named("^Print$"), "the print dialog")
    screenshot(shots / "print-dialog.png")
    gtk_menus.xdotool("key", "Escape")
    wait_until(lambda: not window_named("^Print$"), "the print dialog to close")
    print("print dialog: opened and closed", flush=True)

    # A title longer than a file name takes is cut between whole characters, never inside a flag.
    window.run_js(f"document.getElementById('noteTitle').value = {json.dumps(LONG_TITLE)};"
                  "document.getElementById('noteTitle').dispatchEvent(new Event('input'));")
    wait_for(window, "document.getElementById('saveState').dataset.state", "saved", "the long title saved")
    window.run_js("document.querySelectorAll('.toast').forEach((toast) => toast.remove())")
    gtk_menus.click(window.uid, "File", "Export note as PDF…")
    wait_for(window, f"[...document.querySelectorAll('.toast')].some((toast) => toast.textContent === 'Exported the note to {LONG_TITLE_PDF}')",
             True, "the second export's toast")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
