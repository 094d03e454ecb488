"""Notedesk's launcher, with its exit held up past the exit watchdog in one of two ways.

- leftover-thread: once the window has closed, a thread that never ends is left, as pywebview's
  GTK backend leaves one when the window closes right after a page load (its generate_js_object
  waits for ever on a script the closed window never runs): the run returns, the exit waits.
- stuck-teardown: the window never closes, as a GUI toolkit stuck in its teardown: the run never
  returns.

Usage: stuck_exit.py leftover-thread|stuck-teardown LAUNCHER_ARGUMENTS...
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


way = sys.argv.pop(1)
if way == "leftover-thread":
    window.run_window = run_window_leaving_a_thread
elif way == "stuck-teardown":
    window.close_soon = lambda created_window: None
else:
    sys.exit(f"unknown way to hold up the exit: {way}")
lifecycle.exit_promptly(launcher.main(ROOT, sys.argv[1:]))
