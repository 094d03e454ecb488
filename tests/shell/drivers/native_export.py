"""Drives the real window through an export to a file chosen in the native save dialog.

Everything is Notedesk's own code in a real pywebview window, started by the real launcher as a
self-test with one more check, except the OS dialog, whose answer (the chosen path) is
substituted: nobody is there to click it.
Usage: native_export.py DATA_DIR CHOSEN_PATH; prints the toast the page showed.
"""

import sys
import time
from pathlib import Path

import webview

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import os_dialogs

ROOT = Path(__file__).resolve().parents[3]
data_dir, chosen = Path(sys.argv[1]), sys.argv[2]
dialogs_opened = []


def os_dialog_answer(kind, suggested_name, file_types):
    dialogs_opened.append((kind, suggested_name))
    return chosen


os_dialogs.substitute(os_dialog_answer)


@window_check("an export went where the native save dialog said")
def export_through_the_page(created_window, origin):
    created_window.load_url(origin + "/")
    wait_for(created_window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    created_window.run_js("document.getElementById('exportJson').click()")
    deadline = time.monotonic() + 20
    toast = None
    while time.monotonic() < deadline and not (toast or "").startswith("Exported"):
        toast = created_window.run_js("document.querySelector('.toast')?.textContent ?? null")
        time.sleep(0.05)
    print(f"toast: {toast}")
    print(f"dialogs: {dialogs_opened}")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
