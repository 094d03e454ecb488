"""The baseline for the start-up benchmark: a bare pywebview window on a static HTML file.

Prints `LOADED <wall-clock time>` when the page has loaded (the event Notedesk's window logs
"Page loaded" on), then closes, or with --stay waits to be stopped (for the memory benchmark).
The window is pywebview's default size (800x600), or WIDTHxHEIGHT with --size (the memory
benchmark gives the app's, whose window's X image is in its PSS).
Usage: baseline_window.py FILE.html [--stay] [--size WIDTHxHEIGHT]
"""

import sys
import time

import webview


def main(path: str, stay: bool, size: dict[str, int]) -> None:
    window = webview.create_window("Baseline", url=f"file://{path}", **size)

    def loaded():
        print(f"LOADED {time.time():.6f}", flush=True)
        if not stay:
            window.destroy()

    window.events.loaded += loaded
    webview.start(gui="gtk" if sys.platform.startswith("linux") else None, private_mode=True)


if __name__ == "__main__":
    options = sys.argv[2:]
    sides = options[options.index("--size") + 1].split("x") if "--size" in options else []
    main(sys.argv[1], "--stay" in options, dict(zip(("width", "height"), map(int, sides))))
