"""The page's focus after a menu of the menu bar closed, in the real window (a site's page, the polls
example's login page): how many times the shell focused the field again, and where typing lands.
Usage: focus_after_menu.py DATA_DIR shown-again|caret|heard
  shown-again: the window hidden and shown twice, then F10 and Escape in a text area; prints how
  many times its focus event came.
  caret: "beta gamma" selected in "Alpha beta gamma delta" in a contenteditable div, a text area,
  a frame's contenteditable body (as TinyMCE and CKEditor 4 make) and a frame's document in design
  mode (as older editors make); F10, Escape and "X" typed in each.
  Prints what was selected once the menu had closed, how many times the field's own focus and blur
  listeners were called, and the text once typed in.
  heard: the frame's body of `caret`, F10 and Escape; prints what the focus events over AT-SPI named
  (tests.shell.drivers.atspi_listener, run on an accessibility bus of the test's own).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import gtk_menus
from tests.shell.drivers.gtk_menus import on_gtk_thread, xdotool
from tests.shell.drivers.menu_clicks_support import wait_until

POLLS = Path(__file__).resolve().parents[3] / "examples" / "polls"
data_dir, check = Path(sys.argv[1]), sys.argv[2]

# Each focus event an element of the page gets, counted in window.focusEvents; registered before
# the shell's re-focus adds its own listeners, this one hears it.
COUNT_FOCUS_EVENTS = """(() => {
  window.focusEvents = 0;
  addEventListener('focus', (event) => { if (event.target !== window) window.focusEvents += 1; }, true);
})()"""

TEXT = "Alpha beta gamma delta"
FIELDS = f"""(() => {{
  document.body.insertAdjacentHTML('beforeend', '<div id="rich" contenteditable="true">{TEXT}</div>'
    + '<textarea id="plain">{TEXT}</textarea><iframe id="framed" title="Rich text editor"></iframe><iframe id="designed"></iframe>');
  const framed = document.getElementById('framed').contentDocument;
  framed.body.contentEditable = 'true';
  framed.body.setAttribute('role', 'textbox');
  framed.body.setAttribute('aria-label', 'Rich text');
  framed.body.textContent = '{TEXT}';
  const designed = document.getElementById('designed').contentDocument;
  designed.designMode = 'on';
  designed.body.textContent = '{TEXT}';
  for (const frame of [framed, designed]) {{
    frame.defaultView.addEventListener('focus', (event) => {{ if (event.target !== frame.defaultView) window.focusEvents += 1; }}, true);
  }}
  window.heardByTheField = 0;
  for (const field of [document.getElementById('rich'), document.getElementById('plain'), framed.body, designed.body]) {{
    for (const type of ['focus', 'blur']) field.addEventListener(type, () => {{ window.heardByTheField += 1; }});
  }}
}})()"""
FRAMED = "document.getElementById('framed').contentDocument"
DESIGNED = "document.getElementById('designed').contentDocument"
# Each field: how "beta gamma" is selected in it, its text, what is selected in it.
SELECTIONS = {
    "a contenteditable div": (
        "const rich = document.getElementById('rich'); rich.focus(); getSelection().setBaseAndExtent(rich.firstChild, 6, rich.firstChild, 16)",
        "document.getElementById('rich').textContent",
        "document.activeElement.id === 'rich' && getSelection().toString()"),
    "a text area": (
        "const plain = document.getElementById('plain'); plain.focus(); plain.setSelectionRange(6, 16)",
        "document.getElementById('plain').value",
        "document.activeElement.id === 'plain' && document.activeElement.value.slice(document.activeElement.selectionStart, "
        "document.activeElement.selectionEnd)"),
    "a frame's contenteditable body": (
        f"const body = {FRAMED}.body; body.focus(); {FRAMED}.getSelection().setBaseAndExtent(body.firstChild, 6, body.firstChild, 16)",
        f"{FRAMED}.body.textContent",
        f"document.activeElement.id === 'framed' && {FRAMED}.activeElement === {FRAMED}.body && {FRAMED}.getSelection().toString()"),
    # A whole document made editable, as older editors do (the frame's window focused, not an element).
    "a frame's document in design mode": (
        f"const body = {DESIGNED}.body; {DESIGNED}.defaultView.focus(); "
        f"{DESIGNED}.getSelection().setBaseAndExtent(body.firstChild, 6, body.firstChild, 16)",
        f"{DESIGNED}.body.textContent",
        f"document.activeElement.id === 'designed' && {DESIGNED}.getSelection().toString()"),
}


def toplevel(window):
    from webview.platforms.gtk import BrowserView

    return BrowserView.instances[window.uid].window


def give_the_window_the_focus() -> None:
    """An X server without a window manager gives a window no focus itself."""
    subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(os.getpid()), "windowfocus"],
                   capture_output=True, check=True, timeout=10)


def a_menu_is_open(window) -> bool:
    from gi.repository import Gtk

    return any(item.get_submenu() is not None and item.get_submenu().get_mapped()
               for bar in gtk_menus.find(toplevel(window), Gtk.MenuBar) for item in bar.get_children())


def open_and_close_a_menu(window) -> None:
    """F10 opens the menu bar's first menu, Escape closes it: as a person does from the keyboard."""
    xdotool("key", "F10")
    wait_until(lambda: on_gtk_thread(a_menu_is_open, window), "a menu opened by F10")
    xdotool("key", "Escape")
    wait_until(lambda: not on_gtk_thread(a_menu_is_open, window), "the menu closed by Escape")


def hide_and_show(window) -> None:
    window.hide()
    wait_until(lambda: not on_gtk_thread(lambda: toplevel(window).get_mapped()), "the window hidden")
    window.show()
    wait_until(lambda: on_gtk_thread(lambda: toplevel(window).get_mapped()), "the window shown again")


def focused_again_after_a_menu(window) -> int:
    """How many focus events a menu opened and closed brings the page (the re-focus runs on GTK's
    idle, after the menu has closed: all of them have come a second after the first)."""
    window.run_js("window.focusEvents = 0")
    open_and_close_a_menu(window)
    wait_until(lambda: window.run_js("window.focusEvents") > 0, "the page focused again after the menu")
    time.sleep(1)
    return int(window.run_js("window.focusEvents"))


@window_check("the page's focus after a menu")
def focus_after_menu(window, origin):
    window.load_url(origin + "/admin/login/")
    wait_for(window, "document.readyState === 'complete' && document.body !== null", True, "the login page")
    window.run_js(COUNT_FOCUS_EVENTS)
    give_the_window_the_focus()
    if check == "shown-again":
        window.run_js("document.body.insertAdjacentHTML('beforeend', '<textarea id=\"plain\"></textarea>');"
                      "document.getElementById('plain').focus()")
        for _ in range(2):
            hide_and_show(window)
        give_the_window_the_focus()
        time.sleep(1)  # the focus events of the window's showing and activation come and go
        print(f"focus events after a menu, the window shown three times: {focused_again_after_a_menu(window)}", flush=True)
    if check == "caret":
        window.run_js(FIELDS)
        for field, (select, text, selected) in SELECTIONS.items():
            window.run_js(f"{{ {select} }}")  # a block of its own: its consts
            wait_for(window, selected, "beta gamma", f"beta gamma selected in {field}")
            window.run_js("window.heardByTheField = 0")
            focused_again_after_a_menu(window)
            selected_after_the_menu, heard = window.run_js(selected), int(window.run_js("window.heardByTheField"))
            xdotool("type", "X")
            typed = typed_in(window, text)
            print(f"{field}: selected after the menu: {selected_after_the_menu!r}; its own focus and blur listeners called: {heard}; "
                  f"typed: {typed!r}", flush=True)
    if check == "heard":
        heard = data_dir.parent / "heard.txt"
        heard.touch()
        listener = subprocess.Popen([sys.executable, "-m", "tests.shell.drivers.atspi_listener", str(heard)])
        try:
            wait_until(lambda: "READY" in heard.read_text(encoding="utf-8"), "the AT-SPI listener", timeout=60)
            window.run_js(FIELDS)
            select_in_the_frame = SELECTIONS["a frame's contenteditable body"][0]
            window.run_js(f"{{ {select_in_the_frame} }}")
            heard.write_text("", encoding="utf-8")
            focused_again_after_a_menu(window)
            time.sleep(1)  # the focus's AT-SPI events come after the page's
            print("heard after the menu:", "; ".join(heard.read_text(encoding="utf-8").splitlines()), flush=True)
        finally:
            listener.terminate()


def typed_in(window, text: str) -> str:
    """The field's text once a key typed has changed it, or as it stayed (the key went elsewhere)."""
    deadline = time.monotonic() + 3
    while window.run_js(text) == TEXT and time.monotonic() < deadline:
        time.sleep(0.05)
    return window.run_js(text)


sys.exit(launcher.main(POLLS, ["--self-test", "--data-dir", str(data_dir)]))
