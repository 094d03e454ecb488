"""Notedesk's window, from the source tree, that also prints `READY <launch url>` once its server
answers, and with --browse uses the window as a person would once it shows the list: "Load more"
until every note is listed (the list scrolled to its end each time), then a search for each query
given, each shown before the next; then it prints `BROWSED <notes listed>`.
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
    listed = "document.querySelectorAll('#noteList > li').length"
    wait_for(app_window, listed, lambda count: count and count > 0)
    while app_window.run_js("document.getElementById('loadMore').hidden") is False:
        before = app_window.run_js(listed)
        app_window.run_js("(() => { const list = document.getElementById('noteList'); list.scrollTop = list.scrollHeight;"
                          " document.getElementById('loadMore').click(); return true; })()")
        wait_for(app_window, listed, lambda count, before=before: count > before)
    count = app_window.run_js(listed)
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
