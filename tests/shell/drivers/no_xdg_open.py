"""Clicks a button, in a GTK window of its own, on the PATH it is given (one without xdg-open), and
prints what the dialog that shows says. The button opens a file with the shell's open_in_os, as the
downloads bar's Open does, or follows a link out of the app, as the window's navigation lock does.
Usage: no_xdg_open.py file PATH | no_xdg_open.py link URL
"""

import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

from django_desktop_shell.process.commands import open_in_os  # noqa: E402
from django_desktop_shell.process.navigation import NavigationLock  # noqa: E402

kind, target = sys.argv[1:]
window = Gtk.Window(title="App")
button = Gtk.Button(label="Open")
if kind == "file":
    button.connect("clicked", lambda button: open_in_os(Path(target)))
else:
    button.connect("clicked", lambda button: NavigationLock("http://127.0.0.1:9").allows(target))
window.add(button)
window.show_all()
window.present()


def read_the_dialog() -> bool:
    shown = [toplevel for toplevel in Gtk.Window.list_toplevels()
             if isinstance(toplevel, Gtk.MessageDialog) and toplevel.is_visible()]
    if not shown:
        return True  # GLib: call again
    print(f"dialog: {shown[0].props.text}")
    print(f"detail: {shown[0].props.secondary_text}")
    print(f"over the window: {shown[0].get_transient_for() is window}", flush=True)
    shown[0].response(Gtk.ResponseType.CLOSE)
    GLib.idle_add(Gtk.main_quit)
    return False


def no_dialog() -> bool:
    print("no dialog within 20 s", flush=True)
    Gtk.main_quit()
    return False


GLib.timeout_add(300, lambda: button.clicked() and False)
GLib.timeout_add(100, read_the_dialog)
GLib.timeout_add_seconds(20, no_dialog)
Gtk.main()
