"""The Django admin in the real window, on a copy of the polls example whose admin also registers
Choice and gives Question an action that answers with a PDF (the test writes both into it).

popup: a choice's question + button opens the admin's popup with window.open(), and the question
saved there comes back to the choice's form through window.opener, as in a browser, and the popup
closes; so does a popup without an address, which the page writes. pdf-action: the action, run
from the list's form (a POST), opens its PDF in the OS's viewer (a stand-in xdg-open, which the
test puts on PATH, records it) and the list stays.
Usage: admin_in_window.py PROJECT DATA_DIR popup|pdf-action; prints what it saw.
"""

import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, wait_until, window_check
from tests.shell.drivers.admin_pages import log_in, visible_windows, window_geometry

project, data_dir, check = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
# The page reaches the popup as the admin's own script names it: a field's id and a count.
POPUP = "window.open('', 'id_question__1')"


def centre(window_id: str) -> tuple[int, int]:
    values = window_geometry(window_id)
    return values["X"] + values["WIDTH"] // 2, values["Y"] + values["HEIGHT"] // 2


def add_another(window, origin):
    log_in(window, origin, "/admin/polls/choice/add/")
    window.run_js("document.getElementById('add_id_question').click()")
    wait_for(window, f"(popup => !!popup && popup.document.readyState === 'complete' && !!popup.document.getElementById('id_question_text'))({POPUP})",
             True, "the popup's question form")
    popups = visible_windows("^Add question")
    print(f"popup windows: {len(popups)}", flush=True)
    (popup_x, popup_y), (app_x, app_y) = centre(popups[0]), centre(visible_windows("^polls$")[0])
    print(f"the popup centred on the app's window: {abs(popup_x - app_x) <= 2 and abs(popup_y - app_y) <= 2}", flush=True)
    zoom = "(view => Math.round(view.outerWidth / view.innerWidth * 10) / 10)"
    print(f"zoom: the app's {window.run_js(f'{zoom}(window)')}, the popup's {window.run_js(f'{zoom}({POPUP})')}", flush=True)
    # The admin asks for 800 × 500 (RelatedObjectLookups.js): the page's own pixels, as in a browser.
    page_size = "(view => `${view.innerWidth} × ${view.innerHeight}`)"
    print(f"the popup's page: {window.run_js(f'{page_size}({POPUP})')}", flush=True)
    window.run_js(f"(popup => {{ const form = popup.document;"
                  "form.getElementById('id_question_text').value = 'Tea or coffee?';"
                  "form.getElementById('id_pub_date_0').value = '2026-01-02'; form.getElementById('id_pub_date_1').value = '10:00:00';"
                  f"form.querySelector('input[name=_save]').click(); }})({POPUP})")
    wait_for(window, "document.querySelector('#id_question option:checked').textContent", "Tea or coffee?", "the form's question")
    print("the form's question: Tea or coffee?", flush=True)
    wait_until(lambda: not visible_windows("question"), "the popup to close")
    print("the popup closed", flush=True)
    # A popup with no address, which the page writes (a printable list, say), as scripts do.
    window.run_js("window.blankPopup = window.open(); window.blankPopup.document.title = 'Printable list'")
    wait_until(lambda: visible_windows("^Printable list$"), "the blank popup")
    window.run_js("window.blankPopup.close()")
    wait_until(lambda: not visible_windows("^Printable list$"), "the blank popup to close")
    print("a blank popup the page wrote: shown, then closed", flush=True)


def pdf_action(window, origin):
    from django.utils import timezone
    from polls.models import Question

    Question.objects.create(question_text="Tea or coffee?", pub_date=timezone.now())
    log_in(window, origin, "/admin/polls/question/")
    window.run_js("document.getElementById('action-toggle').click(); document.querySelector('select[name=action]').value = 'print_pdf';"
                  "document.querySelector('#changelist-form button[name=index]').click()")
    opened = data_dir / "opened.txt"
    wait_until(lambda: opened.exists() and opened.read_text().strip(), "the PDF to open in the viewer")
    time.sleep(0.3)  # a page replaced by the answer would have begun to load by now
    page = window.run_js("location.pathname + ' ' + document.contentType")
    print(f"opened: {Path(opened.read_text().strip()).read_bytes()[:5]!r}; the page: {page}", flush=True)


window_check(f"the admin: {check}")({"popup": add_another, "pdf-action": pdf_action}[check])
sys.exit(launcher.main(project, ["--self-test", "--data-dir", str(data_dir)]))
