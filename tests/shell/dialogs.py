"""The shell's questions (native_dialogs.ask) on the test display, found and answered with xdotool:
from a test, or from a driver in the app's own process."""

import subprocess


def xdotool(env, *args) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=True, env=env, timeout=10).stdout


def geometry(env, window_id: str) -> tuple[int, int, int, int]:
    """The X window's position and size on the screen."""
    shell = dict(line.split("=") for line in xdotool(env, "getwindowgeometry", "--shell", window_id).split())
    return tuple(int(shell[key]) for key in ("X", "Y", "WIDTH", "HEIGHT"))


def dialog_in_front(env) -> tuple[int, int, int, int] | None:
    """The position and size of the one window shown above the app's (a dialog: no name, neither
    1×1 nor the whole screen); None if there is none."""
    for window_id in xdotool(env, "search", "--onlyvisible", "--name", "^$").split():
        x, y, width, height = geometry(env, window_id)
        if 1 < width < 1280 and 1 < height < 800:
            return x, y, width, height
    return None


def shown_on_screen(env, title: str) -> tuple[int, int, int, int]:
    """The position and size of the window named `title`, once it shows."""
    return geometry(env, xdotool(env, "search", "--sync", "--onlyvisible", "--name", f"^{title}$").split()[0])


def click_dialog_button(env, dialog: tuple[int, int, int, int], *, right: bool) -> None:
    """Click the question's left (`no`) or right (`yes`) button, along its bottom."""
    x, y, width, height = dialog
    xdotool(env, "mousemove", str(x + width * (3 if right else 1) // 4), str(y + height - 15), "click", "1")


def shown_file_chooser():
    """On GTK's thread, in the app's own process: the file chooser the window shows, or None."""
    from gi.repository import Gtk

    choosers = [window for window in Gtk.Window.list_toplevels()
                if isinstance(window, Gtk.FileChooserDialog) and window.get_visible()]
    return choosers[0] if choosers else None
