"""Drives the real window to two slow downloads (tests/failing_urls.py's report, 2.5 MB over 8 s):
one stopped with the downloads bar's Stop, one saved. Notedesk on that URLconf, in a real pywebview
window started by the real launcher as a self-test with one more check; the save dialog's answer
is substituted (nobody is there to click it), and the bar is read from its GTK widgets.
Usage: download_bar.py DATA_DIR SAVE_FOLDER; prints what the bar showed at each step.
"""

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gtk  # noqa: E402

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import answer_from_gtk_thread
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import os_dialogs

ROOT = Path(__file__).resolve().parents[3]
data_dir, save_folder = Path(sys.argv[1]), Path(sys.argv[2])
os_dialogs.saving_into(save_folder)
load = launcher.load
launcher.load = lambda project_dir: replace(load(project_dir), settings="tests.failing_urls_settings")


def bar_rows(gtk_window):
    """Each row of the bar as the person reads it: its texts and its buttons' labels."""
    def texts(widget):
        if isinstance(widget, Gtk.Label) and widget.is_visible():
            yield widget.get_text()
        if isinstance(widget, Gtk.Container):
            for child in widget.get_children():
                yield from texts(child)

    column = gtk_window.get_child()
    rows = column.get_children()[-1]
    return [" | ".join(texts(row)) for row in rows.get_children()] if rows.is_visible() else []


def click(gtk_window, button_label):
    def press():
        for row in gtk_window.get_child().get_children()[-1].get_children():
            for child in row.get_children():
                if isinstance(child, Gtk.Button) and child.get_label() == button_label:
                    child.clicked()
                    return True
        return False

    return answer_from_gtk_thread(press)


@window_check("a slow download shows its progress in the bar, stops with Stop, and says when it is saved")
def slow_downloads(created_window, origin):
    from webview.platforms.gtk import BrowserView

    gtk_window = BrowserView.instances[created_window.uid].window
    created_window.load_url(origin + "/")
    wait_for(created_window, "document.readyState === 'complete' && !!document.getElementById('noteList')", True, "the app")
    print(f"before: {answer_from_gtk_thread(lambda: bar_rows(gtk_window))}")
    for number, ending in enumerate(["stop", "save"], start=1):
        created_window.run_js("{ const link = document.createElement('a'); link.href = '/slow-download/';"
                              "document.body.append(link); link.click(); }")
        time.sleep(2.5)
        if shot := os.environ.get("DOWNLOAD_BAR_SHOT"):
            subprocess.run(["import", "-window", "root", f"{shot}-{ending}.png"], check=False)
        print(f"{ending} while saving: {answer_from_gtk_thread(lambda: bar_rows(gtk_window))}")
        saved = save_folder / f"saved-{number}"
        if ending == "stop":
            print(f"stop clicked: {click(gtk_window, 'Stop')}")
            time.sleep(1)
            print(f"after stop: {answer_from_gtk_thread(lambda: bar_rows(gtk_window))}; file kept: {saved.exists()}")
        else:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not (saved.exists() and saved.stat().st_size == 40 * 64 * 1024):
                time.sleep(0.1)
            time.sleep(0.5)
            print(f"after save: {answer_from_gtk_thread(lambda: bar_rows(gtk_window))}; size: {saved.stat().st_size}")
            if shot := os.environ.get("DOWNLOAD_BAR_SHOT"):
                subprocess.run(["import", "-window", "root", f"{shot}-saved.png"], check=False)
            print(f"closed: {click(gtk_window, '✕')}")
            time.sleep(0.3)
            print(f"after close: {answer_from_gtk_thread(lambda: bar_rows(gtk_window))}")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
