"""Ctrl+R in the real window with --dev, pressed with xdotool, on the polls example: whether the
page is loaded again (a mark the page's script left is gone).
Usage: reload_key.py DATA_DIR [--dev]; prints what became of the page.
"""

import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

MARKED = "window.markedBeforeTheKey === true"


@window_check("Ctrl+R loads the page again")
def reload_key(window, origin):
    from tests.shell.drivers.gtk_menus import xdotool

    window.load_url(origin + "/polls/")
    wait_for(window, "document.readyState", "complete", "the polls")
    window.run_js("window.markedBeforeTheKey = true")
    xdotool("search", "--onlyvisible", "--name", "^polls$", "windowfocus", "--sync")
    xdotool("key", "ctrl+r")
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and window.run_js(MARKED):
        time.sleep(0.1)
    wait_for(window, "document.readyState", "complete", "the polls after the key")
    print(f"after ctrl+r: {'the same page' if window.run_js(MARKED) else 'loaded again'} at "
          f"{window.run_js('location.pathname')}", flush=True)


polls = Path(__file__).resolve().parents[3] / "examples" / "polls"
sys.exit(launcher.main(polls, ["--self-test", "--data-dir", sys.argv[1], *sys.argv[2:]]))
