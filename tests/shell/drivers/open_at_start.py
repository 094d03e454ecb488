"""A file given on the command line when the window starts on the start page kept by the last run.

Run once with no file (the run keeps its start page), then with FILE and the title its note
must show. Opening the file makes a note, so the site's start page then lists one more note
than the kept copy, and the window replaces the copy with it. The replacement here waits until
the file has been opened (or until what opens it waits for the window's page), which was the
order in which the opened note was lost with the copy. Prints what the editor shows once the
window's page has stopped changing. Usage: open_at_start.py DATA_DIR [FILE TITLE]
"""

import sys
import threading
import time
from pathlib import Path

from django_desktop_shell.process import launcher, window

ROOT = Path(__file__).resolve().parents[3]
data_dir, file, title = Path(sys.argv[1]), *(sys.argv[2:4] or (None, None))
WAIT_S = 60
run_window = window.run_window


class NotedWaits(threading.Event):
    """An Event that tells whether anyone has waited for it."""

    def __init__(self):
        super().__init__()
        self.waited = threading.Event()

    def wait(self, timeout=None):
        self.waited.set()
        return super().wait(timeout)


def wait_until(condition) -> bool:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def title_shown(created) -> str:
    return created.run_js("document.getElementById('noteTitle').value")


def observed_run_window(startup, *, hooks, integration, page_is_current, **options):
    shown, loads, replaced = threading.Event(), [], []
    integration.page_settled = NotedWaits()
    show_page_event, on_loaded = integration.show_page_event, integration.on_loaded

    def show_and_note(event, detail):
        show_page_event(event, detail)
        shown.set()

    def load_noted():
        loads.append(window_of["window"].get_current_url())
        on_loaded()

    def compared_once_opened():
        wait_until(lambda: shown.is_set() or integration.page_settled.waited.is_set())
        current = page_is_current()
        replaced.append(not current)
        return current

    def check(created):
        wait_until(lambda: len(loads) >= (2 if any(replaced) else 1) and integration.page_ready.is_set())
        if file:
            wait_until(lambda: title_shown(created) == title)
            print(f"editor: {title_shown(created)!r}", flush=True)
            print(f"kept page replaced: {any(replaced)}", flush=True)
        created.destroy()

    window_of = {}
    on_created, on_app_requested = hooks.on_created, hooks.on_app_requested

    def created_noted(created):
        window_of["window"] = created
        on_created(created)

    def requested_then_checked(created):
        on_app_requested(created)
        threading.Thread(target=check, args=(created,), daemon=True).start()

    hooks.on_created, hooks.on_app_requested = created_noted, requested_then_checked
    integration.show_page_event, integration.on_loaded = show_and_note, load_noted
    run_window(startup, hooks=hooks, integration=integration, page_is_current=compared_once_opened, **options)


window.run_window = observed_run_window
sys.exit(launcher.main(ROOT, ["--data-dir", str(data_dir), *([file] if file else [])]))
