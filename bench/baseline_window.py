"""The baseline for the start-up benchmark: a bare pywebview window on a static HTML file.

Prints `LOADED <wall-clock time>` when the page has loaded (the event Notedesk's window logs
"Page loaded" on), then closes, or with --stay waits to be stopped (for the memory benchmark).
Usage: baseline_window.py FILE.html [--stay]
"""

import sys
import time

import webview


def main(path: str, stay: bool) -> None:
    window = webview.create_window("Baseline", url=f"file://{path}")

    def loaded():
        print(f"LOADED {time.time():.6f}", flush=True)
        if not stay:
            window.destroy()

    window.events.loaded += loaded
    webview.start(gui="gtk" if sys.platform.startswith("linux") else None, private_mode=True)


if __name__ == "__main__":
    main(sys.argv[1], "--stay" in sys.argv[2:])
