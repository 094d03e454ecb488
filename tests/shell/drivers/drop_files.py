"""Files dropped onto the editor of the real window are attached by their real paths; dropped
onto the notes list, they open as notes.

What WebKitGTK's drag-data-received gives the shell (file:// URIs, as a file manager offers
them) is recorded as the shell's own handler records it; then the page gets a drop event on the
editor carrying Files of the same names, as WebKit gives it on a real drop. (A real XDND drag
driven by xdotool under Xvfb reached the web view's drag-data-received but WebKitGTK dispatched no
DOM drag events: docs/desktop.md.) Everything after that is the app's own code in the window: the
page's drop handler, the request naming the files, the shell giving their paths, the server
reading them. Usage: drop_files.py DATA_DIR SHOTS_DIR editor|list FILE…
"""

import json
import sys
from pathlib import Path

from django_desktop_shell import native
from django_desktop_shell.process import launcher
from django_desktop_shell.process.drops import paths_from_uris
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers.menu_clicks_support import screenshot

ROOT = Path(__file__).resolve().parents[3]
data_dir, shots, target, files = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], [Path(name) for name in sys.argv[4:]]
TOASTS = "[...document.querySelectorAll('.toast')].map((toast) => toast.textContent).join('\\n')"
DROP = """
const transfer = new DataTransfer();
for (const name of %s) transfer.items.add(new File(['(content the page never sends)'], name));
const pane = document.querySelector(%s);
for (const type of ['dragenter', 'dragover', 'drop']) pane.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
"""


def drop(window, onto: str) -> None:
    native.functions.dropped.record(paths_from_uris([file.as_uri() for file in files]))
    window.run_js(DROP % (json.dumps([file.name for file in files]), json.dumps(onto)))


def open_the_app(window, origin) -> None:
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")


def drop_files_onto_the_editor(window, origin):
    open_the_app(window, origin)
    window.run_js("document.getElementById('newNote').click()")
    wait_for(window, "document.activeElement.id", "noteTitle", "a new note")
    drop(window, ".editor-pane")
    wait_for(window, "document.querySelectorAll('#attachmentList li').length > 0", True, "an attachment")
    wait_for(window, f"document.querySelectorAll('.toast').length >= {len(files) - 1}", True, "the refusals")
    names = window.run_js("[...document.querySelectorAll('#attachmentList a')].map((link) => link.firstChild.textContent).join('|')")
    print(f"attached: {names}", flush=True)
    print(f"toasts:\n{window.run_js(TOASTS)}", flush=True)
    screenshot(shots / "dropped.png")


def drop_files_onto_the_list(window, origin):
    open_the_app(window, origin)
    drop(window, "#noteList")
    wait_for(window, "document.getElementById('noteTitle').value !== ''", True, "a note opened")
    wait_for(window, "document.querySelectorAll('.note-item-title').length > 0", True, "the note in the list")
    wait_for(window, f"document.querySelectorAll('.toast').length >= {len(files) - 1}", True, "the refusals")
    titles = window.run_js("[...document.querySelectorAll('.note-item-title')].map((title) => title.textContent).join('|')")
    opened = window.run_js("document.getElementById('noteTitle').value")
    print(f"open: {opened}", flush=True)
    print(f"listed: {titles}", flush=True)
    print(f"toasts:\n{window.run_js(TOASTS)}", flush=True)
    screenshot(shots / "dropped-on-the-list.png")


if target == "editor":
    window_check("files dropped onto the editor were attached by their real paths")(drop_files_onto_the_editor)
else:
    window_check("files dropped onto the list opened as notes")(drop_files_onto_the_list)
sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
