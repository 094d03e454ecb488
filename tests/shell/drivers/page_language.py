"""The cookbook (tests/packaging/cookbook: English and French, LocaleMiddleware) in the real window:
prints the heading of its start page and the languages the window asks its pages in.
Usage: page_language.py DATA_DIR
"""

import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

COOKBOOK = Path(__file__).resolve().parents[2] / "packaging" / "cookbook"
data_dir = Path(sys.argv[1])


@window_check("the start page's language")
def page_language(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "document.readyState === 'complete' && document.querySelector('h1') !== null", True, "the start page")
    print(f"heading: {window.run_js('document.querySelector(`h1`).textContent')}", flush=True)
    print(f"asked in: {window.run_js('navigator.languages.join(`, `)')}", flush=True)


sys.exit(launcher.main(COOKBOOK, ["--self-test", "--data-dir", str(data_dir)]))
