"""Notedesk's launcher, leaving a thread that never ends once its window has closed.

pywebview's GTK backend does so when the window closes right after a page load: its thread
injecting the page's API (generate_js_object) waits for ever on a script the closed window never
runs, and the interpreter's exit waits on it. Usage: leftover_thread.py LAUNCHER_ARGUMENTS...
"""

import sys
import threading
from dataclasses import replace
from pathlib import Path

from django_desktop_shell.process import launcher, lifecycle, window

ROOT = Path(__file__).resolve().parents[3]
run_window = window.run_window


def leave_a_thread_waiting():
    threading.Thread(target=threading.Event().wait, name="waits-on-the-closed-window").start()


def run_window_leaving_a_thread(startup, *, hooks, **options):
    def on_created(created_window):
        created_window.events.closed += leave_a_thread_waiting
        hooks.on_created(created_window)

    run_window(startup, hooks=replace(hooks, on_created=on_created), **options)


window.run_window = run_window_leaving_a_thread
lifecycle.exit_promptly(launcher.main(ROOT, sys.argv[1:]))
