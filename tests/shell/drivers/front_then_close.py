"""A request to bring the window to the front, immediately followed by its close.

On GTK's thread, in one step: the request is made, then the window is closed, so whatever the
request queued runs after the window is gone, as when a second launch and SIGTERM arrive
together. Prints "closed cleanly" if the process survives.
"""

import webview

from django_desktop_shell.process import window


def front_then_close(created_window):
    from gi.repository import GLib
    from webview.platforms.gtk import BrowserView

    def in_one_step():
        window.bring_to_front(created_window)
        BrowserView.instances[created_window.uid].close_window()
        return False

    created_window.events.shown.wait(20)
    GLib.idle_add(in_one_step)


created = webview.create_window("front then close", html="<p>Closing at once.</p>")
webview.start(front_then_close, created, gui=window.gui())
print("closed cleanly")
