"""Runs a pywebview program and prints when each phase of its start-up happened, for bench/phases.py.

Usage: phase_trace.py SCRIPT [ARGS...], with PHASES_SPAWNED_AT set to the wall-clock time the
benchmark spawned the process. Each phase is a line `PHASE <seconds after the spawn> <name>` on
stderr: the interpreter ready, pywebview imported, the window about to show and shown (pywebview's
events; the moment a program creates its window is left out: the bare window does it before GTK
is imported, Notedesk after), then, read from WebKit's own timing once the page has loaded and settled,
the navigation's start, the page answered and parsed, its first paint and its load, and any marks
the page made (`performance.mark`). WebKit's timing is read with its own evaluate_javascript, which
the page's Content-Security-Policy does not govern (pywebview's evaluate_js wraps scripts in eval).
GTK only.
"""

import json
import os
import runpy
import sys
import threading
import time
from pathlib import Path

SPAWNED_AT = float(os.environ["PHASES_SPAWNED_AT"])
# After the first page has loaded: a page that replaces it meanwhile (Notedesk's kept start page
# found out of date) is the one timed.
READ_TIMING_AFTER_S = 2.0
PAGE_TIMING = """JSON.stringify({
  origin: performance.timeOrigin,
  navigation: performance.getEntriesByType('navigation').map((entry) => ({
    'page answered': entry.responseEnd, 'page parsed': entry.domInteractive, 'page loaded': entry.loadEventEnd,
  }))[0] ?? {},
  paints: performance.getEntriesByType('paint').map((entry) => [entry.name, entry.startTime]),
  marks: performance.getEntriesByType('mark').map((entry) => [entry.name, entry.startTime]),
})"""


def stamp(phase: str, at: float | None = None) -> None:
    sys.stderr.write(f"PHASE {(time.time() if at is None else at) - SPAWNED_AT:.4f} {phase}\n")
    sys.stderr.flush()


def read_page_timing(window) -> None:
    from gi.repository import GLib
    from webview.platforms.gtk import BrowserView

    def ask() -> bool:
        view = BrowserView.instances[window.uid].webview
        view.evaluate_javascript(PAGE_TIMING, -1, None, None, None,
                                 lambda _view, result: stamp_page_timing(view.evaluate_javascript_finish(result).to_string()))
        return False  # GLib.SOURCE_REMOVE

    GLib.idle_add(ask)


def stamp_page_timing(text: str) -> None:
    timing = json.loads(text)
    started = timing["origin"] / 1000
    stamp("navigation started", started)
    moments = [*timing["navigation"].items(), *timing["paints"], *timing["marks"]]
    for name, after_ms in sorted(moments, key=lambda moment: moment[1]):
        stamp("first paint" if name == "first-contentful-paint" else name, started + after_ms / 1000)
    stamp("timing read")


def traced_create_window(create_window):
    def create(*args, **kwargs):
        window = create_window(*args, **kwargs)
        window.events.before_show += lambda: stamp("window about to show")
        window.events.shown += lambda: stamp("window shown")

        def first_load():
            window.events.loaded -= first_load
            threading.Timer(READ_TIMING_AFTER_S, read_page_timing, [window]).start()

        window.events.loaded += first_load
        return window

    return create


def main(script: Path, arguments: list[str]) -> None:
    stamp("interpreter ready")
    import webview

    stamp("pywebview imported")
    webview.create_window = traced_create_window(webview.create_window)
    sys.argv = [str(script), *arguments]
    sys.path.insert(0, str(script.parent))
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), sys.argv[2:])
