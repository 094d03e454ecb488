"""Drives the real window through an export to a file chosen in the native save dialog.

Everything is Notedesk's own code in a real pywebview window, except the OS dialog, whose
answer (the chosen path) is substituted: nobody is there to click it.
Usage: native_export.py DATA_DIR CHOSEN_PATH; prints the toast the page showed.
"""

import sys
import time
from argparse import Namespace
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import webview

import launcher
from embedded_site import desktop
from shell import server, window
from shell.native import WindowNativeFunctions
from shell.navigation import NavigationLock
from shell.self_test import wait_for

data_dir, chosen = Path(sys.argv[1]), sys.argv[2]
dialogs_opened = []


def os_dialog_answer(self, dialog_type, directory="", allow_multiple=False, save_filename="", file_types=()):
    dialogs_opened.append((webview.FileDialog(dialog_type).name, save_filename))
    return (chosen,)


webview.Window.create_file_dialog = os_dialog_answer


def export_through_the_page(created_window):
    wait_for(created_window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    created_window.run_js("document.getElementById('exportJson').click()")
    deadline = time.monotonic() + 20
    toast = None
    while time.monotonic() < deadline and not (toast or "").startswith("Exported"):
        toast = created_window.run_js("document.querySelector('.toast')?.textContent ?? null")
        time.sleep(0.05)
    print(f"toast: {toast}")
    print(f"dialogs: {dialogs_opened}")
    created_window.destroy()


data_dir.mkdir(mode=0o700, exist_ok=True)
sock = server.bind_loopback(0)
origin = server.origin_of(sock)
startup = ThreadPoolExecutor(1).submit(
    launcher.start_site, sock, data_dir, Namespace(dev=False, self_test=False), time.perf_counter()
)
window.run_window(
    startup, origin=origin, data_dir=data_dir, launched_at=time.perf_counter(), navigation=NavigationLock(origin),
    on_start=export_through_the_page,
    on_created=lambda created: desktop.provide_native_functions(WindowNativeFunctions(created)),
)
startup.result().stop()
