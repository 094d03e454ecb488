"""Notedesk's window, from the source tree, that also prints `READY <launch url>` once its server
answers, and with --browse uses the window as a person would once it shows the list: the list
scrolled a screenful at a time until its last note shows (its pages load on the way), then a search
for each query given, each shown before the next; then it prints `BROWSED <notes listed>`.
Usage: window_app.py [--browse QUERY,QUERY…] [launcher options]
"""

import json
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from django_desktop_shell.process import launcher, window

ROOT = Path(__file__).resolve().parent.parent
STEP_TIMEOUT_S = 60
start_site, run_window = launcher.start_site, window.run_window


def start_site_and_tell(*args, **kwargs):
    server = start_site(*args, **kwargs)
    print(f"READY {server.launch_url}", flush=True)
    return server


def wait_for(app_window, expression: str, wanted) -> object:
    """Poll a JS expression until `wanted(value)` holds."""
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        value = app_window.run_js(expression)
        if wanted(value):
            return value
        time.sleep(0.05)
    raise SystemExit(f"the window never showed what was awaited: {expression}")


def browse(app_window, queries: list[str]) -> None:
    """Scroll the list a screenful at a time to its last note (the next pages load on the way)."""
    last_shown = ("(() => { const list = document.getElementById('noteList'); const last = list.lastElementChild;"
                  " return last ? [Number(last.getAttribute('aria-posinset')), Number(last.getAttribute('aria-setsize'))] : null; })()")
    wait_for(app_window, last_shown, bool)
    scroll = ("(() => { const list = document.getElementById('noteList'); list.scrollTop += list.clientHeight;"
              " return true; })()")
    while True:
        position, total = wait_for(app_window, last_shown, bool)
        if position >= total:
            break
        app_window.run_js(scroll)
        # The next screenful is made at the scroll; at the end of the loaded notes, the next page comes first.
        wait_for(app_window, last_shown, lambda shown, position=position: shown and shown[0] > position)
    count = position
    for query in queries:
        app_window.run_js(f"(() => {{ const search = document.getElementById('search'); search.value = {json.dumps(query)};"
                          " search.dispatchEvent(new Event('input')); return true; })()")
        wait_for(app_window, "document.getElementById('listStatus').textContent",
                 lambda status, query=query: query in (status or ""))
    print(f"BROWSED {int(count)}", flush=True)


def run_window_browsing(startup, *, hooks, queries, **options):
    def created(app_window):
        threading.Thread(target=browse, args=(app_window, queries), daemon=True).start()
        hooks.on_created(app_window)

    run_window(startup, hooks=replace(hooks, on_created=created), **options)


if __name__ == "__main__":
    launcher.start_site = start_site_and_tell
    arguments = sys.argv[1:]
    if arguments[:1] == ["--browse"]:
        browse_queries = arguments[1].split(",")
        arguments = arguments[2:]
        window.run_window = lambda startup, **options: run_window_browsing(startup, queries=browse_queries, **options)
    launcher.run_and_exit(ROOT, arguments)
