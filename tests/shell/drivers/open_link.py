"""Edit > Copy link to note in the real window, then the link (and bad ones) opened by a second
launch, as the OS's notedesk:// handler runs it; prints what the page shows.

Notedesk's own launcher runs as a self-test with one more check, in this process, so the check can
read the clipboard through GTK. Usage: open_link.py DATA_DIR
"""

import subprocess
import sys
import uuid
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

from django_desktop_shell.process import launcher  # noqa: E402
from django_desktop_shell.self_test import wait_for, window_check  # noqa: E402
from tests.shell.drivers import gtk_menus  # noqa: E402
from tests.shell.drivers.gtk_menus import on_gtk_thread  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
data_dir = Path(sys.argv[1])
LAST_TOAST = "[...document.querySelectorAll('.toast')].map((toast) => toast.textContent).pop() ?? ''"


def clipboard_text():
    return Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text()


def second_launch(link):
    result = subprocess.run([sys.executable, str(ROOT / "launcher.py"), "--data-dir", str(data_dir), link],
                            capture_output=True, text=True, timeout=60)
    print(f"second launch ({link}): exit {result.returncode} {result.stdout.strip()} {result.stderr.strip()}", flush=True)


def type_note(window, title):
    window.run_js("document.getElementById('newNote').click()")
    window.run_js(f"{{ const t = document.getElementById('noteTitle'); t.value = '{title}'; t.dispatchEvent(new Event('input')); }}")
    wait_for(window, "document.getElementById('saveState').dataset.state", "saved", f"the note {title} saved")


@window_check("a copied note link opened its note; bad links said why")
def copy_and_open_links(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    type_note(window, "Linked note")
    gtk_menus.click(window.uid, "Edit", "Copy link to note")
    wait_for(window, f"({LAST_TOAST}).startsWith('Copied notedesk://note/')", True, "the copy's toast")
    link = on_gtk_thread(clipboard_text)
    print(f"clipboard: {link}", flush=True)
    type_note(window, "Another note")

    second_launch(link)
    wait_for(window, "document.getElementById('noteTitle').value", "Linked note", "the linked note open")
    print("opened: Linked note", flush=True)
    for bad in (f"notedesk://note/{uuid.uuid4()}", "notedesk://note/not-a-uid", "https://example.org/x"):
        window.run_js("document.querySelectorAll('.toast').forEach((toast) => toast.remove())")
        second_launch(bad)
        if not bad.startswith("https"):
            wait_for(window, f"({LAST_TOAST}).length > 0", True, f"a message for {bad}")
            print(f"message: {window.run_js(LAST_TOAST)}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
