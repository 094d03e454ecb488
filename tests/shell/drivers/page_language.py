"""The cookbook (tests/packaging/cookbook: English and French, LocaleMiddleware) in the real window:
prints the heading of its start page and the languages the window asks its pages in; given a
language, first chooses it in the page's language form (Django's set_language).
Usage: page_language.py DATA_DIR [LANGUAGE]
"""

import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

COOKBOOK = Path(__file__).resolve().parents[2] / "packaging" / "cookbook"
data_dir = Path(sys.argv[1])
chosen_language = sys.argv[2] if len(sys.argv) > 2 else None
START_PAGE_SHOWN = "document.readyState === 'complete' && document.querySelector('h1') !== null"


@window_check("the start page's language")
def page_language(window, origin):
    window.load_url(origin + "/")
    wait_for(window, START_PAGE_SHOWN, True, "the start page")
    if chosen_language:
        window.run_js(f"document.querySelector('#language select').value = {chosen_language!r};"
                      "document.querySelector('#language').submit()")
        wait_for(window, f"{START_PAGE_SHOWN} && document.documentElement.lang === {chosen_language!r}", True,
                 "the start page in the chosen language")
    print(f"heading: {window.run_js('document.querySelector(`h1`).textContent')}", flush=True)
    print(f"asked in: {window.run_js('navigator.languages.join(`, `)')}", flush=True)


sys.exit(launcher.main(COOKBOOK, ["--self-test", "--data-dir", str(data_dir)]))
