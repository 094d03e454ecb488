"""A link of the app with target="_blank" (a form's "help" or "terms" link) clicked, for real, in
a half-filled form of the polls example's admin: the form keeps what was typed, and the link's
page opens in a window of its own, as a browser opens it in a tab of its own. Such a link to a
file the window does not show (polls/static/polls/menu.png, which the test writes) opens it in the
OS's viewer (a stand-in xdg-open, which the test puts on PATH, records it), with no window left.
Usage: new_window_link.py PROJECT DATA_DIR; prints what it saw.
"""

import subprocess
import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, wait_until, window_check
from tests.shell.drivers.admin_pages import log_in, visible_windows, window_geometry

project, data_dir = Path(sys.argv[1]), Path(sys.argv[2])


@window_check("a new-window link in a half-filled form")
def click_the_links(window, origin):
    log_in(window, origin, "/admin/polls/question/add/")
    window.run_js("document.getElementById('id_question_text').value = 'Tea or coffee?'")
    [app] = visible_windows("^polls$")
    click_a_new_window_link(window, "/admin/password_change/")
    wait_until(lambda: visible_windows("^Password change"), "the link's page in a window of its own")
    [link_window] = visible_windows("^Password change")
    app_width, link_width = window_geometry(app)["WIDTH"], window_geometry(link_window)["WIDTH"]
    print(f"a window of the link's page, 3/4 of the app's width: {link_width == app_width * 3 // 4}", flush=True)
    wait_for(window, "location.pathname", "/admin/polls/question/add/", "the form's page")
    typed = window.run_js("document.getElementById('id_question_text').value")
    print(f"the form: {window.run_js('location.pathname')} {typed!r}", flush=True)
    windows = len(visible_windows("."))
    click_a_new_window_link(window, "/static/polls/menu.png")
    opened = data_dir / "opened.txt"
    wait_until(lambda: opened.exists() and opened.read_text().strip(), "the picture to open in the viewer")
    time.sleep(0.5)  # a blank window left would be shown by now
    print(f"the picture: {Path(opened.read_text().strip()).read_bytes()[:4]!r}; windows: {len(visible_windows('.')) - windows} more", flush=True)


def click_a_new_window_link(window, path):
    """A real click: a script's click() on a target=_blank link is a popup WebKit may block."""
    window.run_js("{ document.getElementById('newWindowLink')?.remove(); const link = document.createElement('a');"
                  f"link.id = 'newWindowLink'; link.href = '{path}'; link.target = '_blank'; link.textContent = 'Help';"
                  "link.style = 'position:fixed;left:0;top:0;width:200px;height:100px;background:yellow;z-index:99;display:block';"
                  "document.body.append(link); }")
    [app] = visible_windows("^polls$")
    subprocess.run(["xdotool", "mousemove", "--window", app, "50", "50", "click", "1"], check=True, timeout=10)


sys.exit(launcher.main(project, ["--self-test", "--data-dir", str(data_dir)]))
