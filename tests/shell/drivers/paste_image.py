"""An image on the system clipboard (a screenshot, say) pasted with Ctrl+V into a note's text in
the real window: attached, and named at the caret. The clipboard is set in this process, through
GTK, as a screenshot tool or an image viewer sets it. Prints the text and the attachments after.
Usage: paste_image.py DATA_DIR SHOTS_DIR IMAGE
"""

import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import gtk_menus
from tests.shell.drivers.gtk_menus import on_gtk_thread
from tests.shell.drivers.menu_clicks_support import screenshot

ROOT = Path(__file__).resolve().parents[3]
data_dir, shots, image = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
BODY = "document.getElementById('noteBody').value"
ATTACHED = "[...document.querySelectorAll('#attachmentList a')].map((link) => link.firstChild.textContent).join('|')"


def put_image_on_the_clipboard() -> None:
    from gi.repository import Gdk, GdkPixbuf, Gtk

    Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).set_image(GdkPixbuf.Pixbuf.new_from_file(str(image)))


@window_check("an image on the clipboard was pasted into the note")
def paste_an_image(window, origin):
    gtk_menus.type_in_a_new_note(window, origin, "Chart: ")
    on_gtk_thread(put_image_on_the_clipboard)
    gtk_menus.xdotool("key", "ctrl+v")
    wait_for(window, f"{BODY}.startsWith('Chart: ![[Pasted image ')", True, "the image named at the caret")
    wait_for(window, "document.querySelectorAll('#attachmentList a').length", 1, "the attachment")
    print(f"text: {window.run_js(BODY)}", flush=True)
    print(f"attached: {window.run_js(ATTACHED)}", flush=True)
    screenshot(shots / "pasted-image.png")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
