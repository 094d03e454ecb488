"""The real window's self-test, with one more check that puts on the start page what a ported
project's template often has and the Content-Security-Policy refuses: a style= attribute and an
inline <script>.
Usage: csp_refusal.py DATA_DIR
"""

import sys
import time
from pathlib import Path

from django_desktop_shell import csp_reports
from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]


@window_check("the start page got an inline style and script")
def add_inline_style_and_script(created_window, origin):
    created_window.load_url(origin + "/")
    wait_for(created_window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    created_window.run_js(
        "document.body.setAttribute('style', 'background: red');"
        "{ const script = document.createElement('script'); script.textContent = 'window.ran = 1';"
        " document.body.append(script); }")
    deadline = time.monotonic() + 20  # the web view sends its reports after the refusals
    while len(csp_reports.refusals.texts()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", sys.argv[1]]))
