"""Notedesk's self-test in the real window, with a check that saves a note through the page's own
CSRF token, and a line printed when the start page goes out from the copy kept by the last run.
Usage: kept_start_page.py DATA_DIR; run it twice on one data folder.
"""

import re
import sys
from pathlib import Path

from django_desktop_shell.process import launcher, start_page
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]
SAVE_A_NOTE = """
fetch('/api/notes/', {method: 'POST', body: JSON.stringify({title: 'Saved at once', body: 'from the first page'}),
    headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', 'X-CSRFToken': '%s'}})
  .then(answer => { document.body.dataset.saved = String(answer.status); });
"""
CSRF_TOKEN = re.compile(rb'<meta name="csrf-token" content="([A-Za-z0-9]+)">')
early_answer = start_page.StartPage.early_answer
first_page = []  # the start page the window got first


def early_answer_noted(front, environ):
    answer = early_answer(front, environ)
    if answer is not None and answer[0].startswith("200 "):
        first_page.append(answer[2])
        print(f"kept start page sent, the site started: {front.started.is_set()}", flush=True)
    return answer


@window_check("a note is saved with the CSRF token of the first start page")
def save_a_note(window, origin):
    if not first_page:
        return  # the run that keeps the page
    window.run_js(SAVE_A_NOTE % CSRF_TOKEN.search(first_page[0])[1].decode())
    wait_for(window, "document.body.dataset.saved", "201", "the note's save")
    print("saved a note", flush=True)


start_page.StartPage.early_answer = early_answer_noted
sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", sys.argv[1]]))
