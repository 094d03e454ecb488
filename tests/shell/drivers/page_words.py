"""A self-test check of a site's own whose script holds words that are not ASCII, as a French or
German site's checks do: what the page gives back for it is printed.
Usage: page_words.py DATA_DIR
"""

import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]


@window_check("a script with words that are not ASCII ran whole")
def words_that_are_not_ascii(window, origin):
    wait_for(window, "document.readyState", "complete", "the page")
    answer = window.run_js("'Übersicht – café ☀'")
    print(f"the page gave: {answer!r}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", sys.argv[1]]))
