"""Back, in the real window, to a page that was a form's answer (the polls admin's login refused:
a POST answered 200), once WebKit no longer keeps the page (its page cache turned off here, as
when it has let the page go): whether the window asks before it sends the form again, and where
it is once "Don't send" is clicked. Usage: form_sent_again.py DATA_DIR; prints what it saw.
"""

import os
import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import answer_from_gtk_thread, gtk_view
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.dialogs import click_dialog_button, dialog_in_front, xdotool

LOADED = "location.pathname + ' ' + document.readyState"


@window_check("Back to a form's answer asks before sending the form again")
def back_to_a_forms_answer(window, origin):
    answer_from_gtk_thread(lambda: gtk_view(window).get_settings().set_enable_page_cache(False))
    window.load_url(origin + "/admin/login/")
    wait_for(window, "!!document.getElementById('login-form') && document.readyState", "complete", "the login")
    window.run_js("document.getElementById('id_username').value = 'nobody';"
                  "document.getElementById('id_password').value = 'wrong';"
                  "document.getElementById('login-form').submit()")
    wait_for(window, "!!document.querySelector('.errornote') && document.readyState", "complete", "the refused login")
    window.load_url(origin + "/polls/")
    wait_for(window, LOADED, "/polls/ complete", "the polls")
    xdotool(os.environ, "search", "--onlyvisible", "--name", "^polls$", "windowfocus", "--sync")
    xdotool(os.environ, "key", "alt+Left")
    deadline = time.monotonic() + 5
    while (dialog := dialog_in_front(os.environ)) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    print(f"asked: {dialog is not None}", flush=True)
    if dialog is not None:
        click_dialog_button(os.environ, dialog, right=False)  # Don't send
    time.sleep(1)
    wait_for(window, "document.readyState", "complete", "the page after Back")
    print(f"after Back: {window.run_js('location.pathname')}", flush=True)


polls = Path(__file__).resolve().parents[3] / "examples" / "polls"
sys.exit(launcher.main(polls, ["--self-test", "--data-dir", sys.argv[1]]))
