"""The notes app in the real window (WebKitGTK), under whatever GTK theme the environment names:
prints the colour scheme and contrast the page is asked for, its background, and the background
the web view shows before a page paints (at the start, and between pages).
Usage: appearance.py DATA_DIR
"""

import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import gtk_view
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]
data_dir = Path(sys.argv[1])
APPEARANCE = """JSON.stringify({
  dark: matchMedia('(prefers-color-scheme: dark)').matches,
  more_contrast: matchMedia('(prefers-contrast: more)').matches,
  background: getComputedStyle(document.body).backgroundColor,
})"""


@window_check("the notes app's colour scheme and contrast")
def appearance(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    print(f"appearance: {window.run_js(APPEARANCE)}", flush=True)
    before_paint = gtk_view(window).get_background_color()
    print(f"before a page paints: {before_paint.red:.3f} {before_paint.green:.3f} {before_paint.blue:.3f}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
