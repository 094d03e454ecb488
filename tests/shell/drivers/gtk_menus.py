"""Where a menu bar's items are on the screen, read from GTK itself, so that a test can click them
with xdotool whatever the font: for drivers that run the real launcher in their own process."""

import subprocess
import time

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gtk  # noqa: E402

from django_desktop_shell.process.commands import answer_from_gtk_thread  # noqa: E402


def on_gtk_thread(function, *args):
    """Run `function` on GTK's thread and return what it returns; a test waits 10 s at most."""
    return answer_from_gtk_thread(function, *args, timeout=10)


def find(widget, kind):
    found = []

    def visit(child):
        if isinstance(child, kind):
            found.append(child)
        if isinstance(child, Gtk.Container):
            child.forall(visit)

    visit(widget)
    return found


def screen_centre(widget):
    allocation = widget.get_allocation()
    x, y = widget.get_window().get_origin()[1:]
    # A menu item's allocation is relative to its GdkWindow's origin.
    return x + allocation.x + allocation.width // 2, y + allocation.y + allocation.height // 2


def top_level_item(window_uid, label):
    from webview.platforms.gtk import BrowserView

    toplevel = BrowserView.instances[window_uid].window
    for bar in find(toplevel, Gtk.MenuBar):
        for item in bar.get_children():
            if item.get_label().replace("_", "") == label:
                return item
    raise LookupError(f"no menu {label!r} in the menu bar")


def menu_item(window_uid, menu_label, item_label):
    submenu = top_level_item(window_uid, menu_label).get_submenu()
    for item in find(submenu, Gtk.MenuItem):
        if (item.get_label() or "").replace("_", "") == item_label:
            return item
    raise LookupError(f"no item {item_label!r} in the menu {menu_label!r}")


def is_open(window_uid, menu_label):
    submenu = top_level_item(window_uid, menu_label).get_submenu()
    return submenu.get_mapped() and submenu.get_allocated_width() > 1


def xdotool(*args):
    subprocess.run(["xdotool", *map(str, args)], check=True, timeout=10)


def type_in_a_new_note(window, origin, text):
    """The notes app, a new note, and `text` typed into its body with the keyboard."""
    from django_desktop_shell.self_test import wait_for

    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    window.run_js("document.getElementById('newNote').click()")
    window.run_js("document.getElementById('noteBody').focus()")
    xdotool("type", "--delay", "15", text)
    wait_for(window, "document.getElementById('noteBody').value", text, "the typed text")


def click(window_uid, menu_label, item_label):
    """Open `menu_label` in the menu bar with a click, then click its item `item_label`."""
    x, y = on_gtk_thread(lambda: screen_centre(top_level_item(window_uid, menu_label)))
    xdotool("mousemove", x, y, "click", 1)
    deadline = time.monotonic() + 10
    while not on_gtk_thread(is_open, window_uid, menu_label):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the menu {menu_label} did not open")
        time.sleep(0.05)
    x, y = on_gtk_thread(lambda: screen_centre(menu_item(window_uid, menu_label, item_label)))
    xdotool("mousemove", x, y, "click", 1)
