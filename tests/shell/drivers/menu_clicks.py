"""Clicks the real window's menu items with xdotool and prints what each did to the page.

Notedesk's own launcher runs as a self-test with one more check, in this process, so the check
can read GTK (where the menu items are, the web view's zoom) and the page (window.run_js). The OS
dialogs are answered "cancel" and recorded; xdg-open is a stand-in that records its argument.
Usage: menu_clicks.py DATA_DIR SHOTS_DIR
"""

import subprocess
import sys
from datetime import date
from pathlib import Path

import webview

from django_desktop_shell.process import launcher
from django_desktop_shell.process.commands import gtk_view
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import gtk_menus, os_dialogs
from tests.shell.drivers.gtk_menus import on_gtk_thread
from tests.shell.drivers.menu_clicks_support import screenshot as settled_screenshot
from tests.shell.drivers.menu_clicks_support import wait_until

ROOT = Path(__file__).resolve().parents[3]
data_dir, shots = Path(sys.argv[1]), Path(sys.argv[2])
dialogs_opened = []


def os_dialog_answer(kind, suggested_name, file_types):
    dialogs_opened.append(kind)
    return None


os_dialogs.substitute(os_dialog_answer)


def screenshot(name):
    settled_screenshot(shots / f"{name}.png")


def report(line):
    print(line, flush=True)


def picker_opened_and_left(window, opens, filter_id, list_says=None):
    """Go to heading, Go to note or Insert template opened by `opens` (a menu's item, or keys): its
    filter focused (its list saying `list_says`, (list id, text), if given); Esc: the text again."""
    if isinstance(opens, tuple):
        gtk_menus.click(window.uid, *opens)
    else:
        gtk_menus.xdotool("key", opens)
    wait_for(window, "document.activeElement.id", filter_id, f"{filter_id} focused, opened by {opens}")
    if list_says:
        wait_for(window, f"document.getElementById('{list_says[0]}').textContent", list_says[1], f"{list_says[0]} says so")
    gtk_menus.xdotool("key", "Escape")
    wait_for(window, "document.activeElement.id", "noteBody", f"the text focused again after {opens}")


@window_check("the menu items did what their buttons and shortcuts do")
def click_the_menus(window, origin):
    uid = window.uid
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    wait_for(window, "document.getElementById('editor').hidden", True, "the notes app, no note open")

    gtk_menus.click(uid, "File", "New note")
    wait_for(window, "!document.getElementById('editor').hidden && document.activeElement.id", "noteTitle", "a new note")
    report("File > New note: the editor opened on a new note, the title focused")

    window.run_js("document.getElementById('noteTitle').value = ''")
    gtk_menus.xdotool("type", "--delay", "20", "Menu words")
    wait_for(window, "document.getElementById('noteTitle').value", "Menu words", "the typed title")
    gtk_menus.click(uid, "Edit", "Select all")
    wait_for(window, "(() => { const t = document.getElementById('noteTitle'); return t.selectionEnd - t.selectionStart; })()",
             len("Menu words"), "the title selected")
    gtk_menus.click(uid, "Edit", "Copy")
    window.run_js("document.getElementById('noteBody').focus()")
    gtk_menus.click(uid, "Edit", "Paste")
    wait_for(window, "document.getElementById('noteBody').value", "Menu words", "the pasted text")
    report("Edit > Select all, Copy, Paste: the title's text was pasted into the body")

    gtk_menus.click(uid, "Edit", "Find")  # from the note's text: the note's find bar
    wait_for(window, "document.activeElement.id", "findText", "the note's find field focused")
    window.run_js("document.getElementById('noteList').focus()")
    gtk_menus.click(uid, "Edit", "Find")
    wait_for(window, "document.activeElement.id", "search", "the search field focused")
    report("Edit > Find: in the text, the note's find bar has the focus; elsewhere, the search field")

    window.run_js("document.getElementById('noteBody').focus()")
    gtk_menus.click(uid, "View", "Preview")
    wait_for(window, "!document.getElementById('preview').hidden && document.getElementById('preview').textContent.trim()",
             "Menu words", "the preview")
    report("View > Preview: the preview shows the note")
    gtk_menus.xdotool("key", "ctrl+e")
    wait_for(window, "document.getElementById('preview').hidden", True, "the text again (Ctrl+E)")
    gtk_menus.xdotool("key", "ctrl+e")
    wait_for(window, "document.getElementById('preview').hidden", False, "the preview again (Ctrl+E)")
    report("Ctrl+E: the text, then the preview again")

    gtk_menus.xdotool("key", "ctrl+e")
    wait_for(window, "document.getElementById('preview').hidden", True, "the text once more (Ctrl+E)")
    window.run_js("document.getElementById('noteBody').focus()")
    for opens in [("View", "Go to heading…"), "ctrl+shift+o"]:
        picker_opened_and_left(window, opens, "headingFilter")
    report("View > Go to heading…, Ctrl+Shift+O: the note's headings listed; Esc: back in the text")

    picker_opened_and_left(window, ("View", "Go to note…"), "noteSwitcherFilter")
    gtk_menus.xdotool("key", "ctrl+o")
    wait_for(window, "document.activeElement.id", "noteSwitcherFilter", "the filter of Go to note (Ctrl+O)")
    gtk_menus.xdotool("type", "--delay", "20", "words")
    wait_for(window, "document.querySelector('#noteSwitcherList mark')?.textContent", "words", "the note's title found")
    gtk_menus.xdotool("key", "Return")
    wait_for(window, "document.activeElement.id", "noteBody", "the note opened to write in")
    report("View > Go to note…, Ctrl+O: a title's word typed, Enter: the note open")

    picker_opened_and_left(window, ("Edit", "Insert template…"), "templateFilter",
                           ("templateList", "No templates yet: tag a note “template” to make it one"))
    report("Edit > Insert template…: the templates' list, with none yet how to make one; Esc: back in the text")

    window.run_js("""fetch('/api/notes/', {method: 'POST', body: JSON.stringify({title: '2020-01-01', body: 'An old day'}),
      headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest',
                'X-CSRFToken': document.querySelector('meta[name="csrf-token"]').content}})""")
    gtk_menus.click(uid, "File", "Today's note")
    wait_for(window, "document.getElementById('noteTitle').value", date.today().isoformat(), "today's note")
    gtk_menus.xdotool("key", "ctrl+shift+bracketleft")
    wait_for(window, "document.getElementById('noteBody').value", "An old day", "the day before that has a note (Ctrl+Shift+[)")
    gtk_menus.xdotool("key", "ctrl+shift+bracketleft")  # once: a key the menu and the page both took would say it twice
    wait_for(window, "[...document.querySelectorAll('.toast')].map((toast) => toast.textContent).join()",
             "No day before 2020-01-01 has a note.", "one notice that no day before has a note")
    gtk_menus.click(uid, "File", "Next day's note")
    wait_for(window, "document.getElementById('noteTitle').value", date.today().isoformat(), "today's note again")
    report("File > Today's note, Ctrl+Shift+[, File > Next day's note: from day to day, the empty ones skipped")

    zoom = lambda: on_gtk_thread(lambda: round(gtk_view(window).get_zoom_level(), 2))  # noqa: E731
    gtk_menus.click(uid, "View", "Zoom in")
    wait_until(lambda: zoom() == 1.1, "zoom 110 %")
    gtk_menus.xdotool("key", "ctrl+equal")
    wait_until(lambda: zoom() == 1.25, "zoom 125 % (Ctrl+=)")
    gtk_menus.xdotool("key", "ctrl+minus")
    wait_until(lambda: zoom() == 1.1, "zoom 110 % (Ctrl+-)")
    gtk_menus.click(uid, "View", "Actual size")
    wait_until(lambda: zoom() == 1.0, "zoom 100 %")
    gtk_menus.click(uid, "View", "Zoom in")
    wait_until(lambda: zoom() == 1.1, "zoom 110 % again")
    report("View > Zoom in, Ctrl+=, Ctrl+-, Actual size: the page zoom followed (left at 110 %)")

    window.run_js("document.getElementById('noteList').focus()")
    gtk_menus.xdotool("key", "ctrl+n")
    wait_for(window, "document.activeElement.id", "noteTitle", "a new note (Ctrl+N)")
    report("Ctrl+N: a new note")

    gtk_menus.click(uid, "File", "Export JSON…")
    wait_until(lambda: dialogs_opened[-1:] == ["SAVE"], "the save dialog")
    wait_for(window, "document.getElementById('transfer').hidden", True, "the export given up")
    report("File > Export JSON…: the save dialog opened")
    gtk_menus.click(uid, "File", "Import…")
    wait_until(lambda: dialogs_opened[-1:] == ["OPEN"], "the open dialog")
    report("File > Import…: the open dialog opened")

    gtk_menus.click(uid, "Help", "Open data folder")
    opened = data_dir / "opened.txt"
    wait_until(lambda: opened.exists() and str(data_dir) in opened.read_text(), "xdg-open on the data folder")
    gtk_menus.click(uid, "Help", "Open log file")
    wait_until(lambda: "notedesk.log" in opened.read_text(), "xdg-open on the log file")
    report(f"Help > Open data folder, Open log file: opened {' and '.join(opened.read_text().split())}")
    gtk_menus.click(uid, "Help", "Diagnostics for support")
    diagnostics = data_dir / "diagnostics.txt"
    wait_until(lambda: str(diagnostics) in opened.read_text(), "xdg-open on the diagnostics")
    report(f"Help > Diagnostics for support: opened {diagnostics.name}, which begins {diagnostics.read_text().splitlines()[0]!r} "
           f"and says {next(line for line in diagnostics.read_text().splitlines() if 'is running on' in line)!r}")

    x, y = on_gtk_thread(lambda: gtk_menus.screen_centre(gtk_menus.top_level_item(uid, "Help")))
    gtk_menus.xdotool("mousemove", x, y, "click", 1)
    wait_until(lambda: on_gtk_thread(gtk_menus.is_open, uid, "Help"), "the Help menu")
    screenshot("help-menu")
    gtk_menus.xdotool("key", "Escape")
    gtk_menus.click(uid, "Help", "About Notedesk")
    wait_until(lambda: subprocess.run(["xdotool", "search", "--name", "^About Notedesk$"], capture_output=True).returncode == 0,
               "the About window")
    screenshot("about")
    report("Help > About Notedesk: the About window opened")
    gtk_menus.xdotool("key", "Escape")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
