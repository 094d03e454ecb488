"""What a menu item does: the shell's own commands run here; a site's command goes to the page as
a `desktop:command` DOM event (menus.py), which the page's own handlers answer.

Every GTK call goes through GLib.idle_add: menu actions run on a thread of their own.
"""

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django_desktop_shell import menus
from django_desktop_shell.identity import Identity
from django_desktop_shell.process.navigation import same_origin
from django_desktop_shell.process.window_state import WindowState, next_zoom

logger = logging.getLogger(__name__)
GTK_EDITING = {menus.UNDO: "Undo", menus.REDO: "Redo", menus.CUT: "Cut", menus.COPY: "Copy", menus.PASTE: "Paste",
               menus.SELECT_ALL: "SelectAll"}
DOM_EDITING = {menus.UNDO: "undo", menus.REDO: "redo", menus.CUT: "cut", menus.COPY: "copy", menus.PASTE: "paste",
               menus.SELECT_ALL: "selectAll"}


def on_gtk_thread(function: Callable, *args) -> None:
    from gi.repository import GLib

    def once():
        function(*args)
        return False  # GLib.SOURCE_REMOVE

    GLib.idle_add(once)


def answer_from_gtk_thread(function: Callable, *args, timeout: float | None = None):
    """Run `function` on GTK's thread and return what it returns, from any other thread (a dialog
    may keep it waiting as long as the person takes); what it raises is raised here."""
    import threading

    from gi.repository import GLib

    done = threading.Event()
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except Exception as error:
            outcome["error"] = error
        done.set()
        return False  # GLib.SOURCE_REMOVE

    GLib.idle_add(run)
    if not done.wait(timeout):
        raise TimeoutError(f"GTK's thread did not run {function.__name__} within {timeout} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def gtk_view(window):
    """The window's WebKit2.WebView, or None once it is closing (closing forgets it)."""
    from webview.platforms.gtk import BrowserView

    browser_view = BrowserView.instances.get(window.uid)
    return browser_view.webview if browser_view else None


def run_whole_scripts(view) -> None:
    """pywebview (6.2.1) gives WebKitGTK a script's length in characters, and WebKit reads that
    many bytes: a script with "Übersicht" in it ran cut short, as a syntax error, and gave None.
    The view now reads each script to its end."""
    from gi.repository import WebKit2

    def evaluate_javascript(script, length, *args, **kwargs):
        return WebKit2.WebView.evaluate_javascript(view, script, -1, *args, **kwargs)

    view.evaluate_javascript = evaluate_javascript


def open_in_os(path: Path) -> None:
    """Open a file or folder with the OS's default application (a file manager for a folder), from
    any thread. A Linux without xdg-open (a minimal system, the .tar.gz unpacked on it) is told so
    in a dialog: the button or menu item clicked did nothing else."""
    if sys.platform == "win32":
        os.startfile(path)  # noqa: S606 (a path of ours, not a command line)
        return
    try:
        subprocess.Popen(["open" if sys.platform == "darwin" else "xdg-open", str(path)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        logger.warning("Could not open a file or folder: xdg-open is not installed")
        on_gtk_thread(tell_xdg_open_missing, f"{path.name or path} could not be opened", f"It is {path}")


def tell_xdg_open_missing(title: str, where: str) -> None:
    """On GTK's thread, over the app's window: `title`, the package to install, and `where` what
    could not be opened is, for the person to open it some other way meanwhile."""
    from gi.repository import Gtk

    from django_desktop_shell.process.window import show_gtk_error_dialog

    show_gtk_error_dialog(
        title,
        "This system has no xdg-open, with which files, folders and links are opened in their applications. "
        "Install xdg-utils (Debian, Ubuntu: sudo apt install xdg-utils; Fedora: sudo dnf install xdg-utils; "
        f"Arch: sudo pacman -S xdg-utils; openSUSE: sudo zypper install xdg-utils), then try again.\n\n{where}",
        over=next((window for window in Gtk.Window.list_toplevels() if window.is_active()), None),
    )


def page_event_script(event: str, detail: dict) -> str:
    """A script that dispatches a CustomEvent on the document; run with window.run_js (no eval)."""
    return f"document.dispatchEvent(new CustomEvent({json.dumps(event)}, {{detail: {json.dumps(detail)}}}))"


class WindowCommands:
    """Runs a menu item's command in `window`; `state` is the remembered window state (zoom, spell check)."""

    def __init__(self, window, identity: Identity, data_dir: Path, state: WindowState, *,
                 gui: str | None, log_file: Path, opener: Callable[[Path], None] = open_in_os):
        self.window, self.identity, self.data_dir, self.state = window, identity, data_dir, state
        self.gui, self.log_file, self.opener = gui, log_file, opener

    def run(self, command: str) -> None:
        logger.info("Menu command: %s", command)
        try:
            if command in menus.SHELL_COMMANDS:
                self.run_shell_command(command)
            else:
                self.window.run_js(page_event_script(menus.COMMAND_EVENT, {"command": command}))
        except Exception:
            logger.exception("The menu command %s failed", command)

    def run_shell_command(self, command: str) -> None:
        if command == menus.QUIT:
            self.window.destroy()
        elif command == menus.PRINT:
            self.window.run_js("print()")
        elif command in GTK_EDITING:
            self.edit(command)
        elif command in (menus.ZOOM_IN, menus.ZOOM_OUT, menus.ZOOM_RESET):
            step = {menus.ZOOM_IN: 1, menus.ZOOM_OUT: -1, menus.ZOOM_RESET: 0}[command]
            self.state.zoom = next_zoom(self.state.zoom, step)
            self.apply_zoom()
        elif command in (menus.BACK, menus.FORWARD):
            self.go(back=command == menus.BACK)
        elif command == menus.RELOAD:
            self.reload()
        elif command == menus.SPELL_CHECK:
            self.state.spell_check = not self.state.spell_check
            self.apply_spell_check()
            # A menu item cannot show a tick in pywebview: the page may say what changed.
            self.window.run_js(page_event_script(menus.SETTING_EVENT, {"spell_check": self.state.spell_check}))
        elif command == menus.ABOUT:
            self.show_about()
        elif command == menus.OPEN_DATA_FOLDER:
            self.opener(self.data_dir)
        elif command == menus.OPEN_LOG_FILE:
            self.opener(self.log_file)
        elif command == menus.DIAGNOSTICS:
            self.open_diagnostics()

    def edit(self, command: str) -> None:
        if self.gui == "gtk":
            def execute():
                view = gtk_view(self.window)
                if view is not None:
                    view.execute_editing_command(GTK_EDITING[command])
            on_gtk_thread(execute)
        else:
            self.window.run_js(f"document.execCommand({json.dumps(DOM_EDITING[command])})")

    def go(self, back: bool) -> None:
        """Back or forward in the window's history (a person who followed a link to a page of the
        site has no toolbar to come back by), among the app's own pages only: never back to the
        loading view the window may have shown first."""
        if self.gui == "gtk":
            on_gtk_thread(self.go_gtk, back)
        else:
            self.window.run_js("history.back()" if back else "history.forward()")

    def reload(self) -> None:
        """The page again, with its scripts and styles read afresh (what --dev serves from the disk)."""
        if self.gui == "gtk":
            on_gtk_thread(self.reload_gtk)
        else:
            self.window.run_js("location.reload()")

    def reload_gtk(self) -> None:
        view = gtk_view(self.window)
        if view is not None:
            view.reload_bypass_cache()

    def go_gtk(self, back: bool) -> None:
        view = gtk_view(self.window)
        if view is None:
            return
        history = view.get_back_forward_list()
        item = history.get_back_item() if back else history.get_forward_item()
        if item is not None and same_origin(item.get_uri(), view.get_uri() or ""):
            view.go_back() if back else view.go_forward()

    def apply_zoom(self) -> None:
        """Callable from any thread; also at start (before_show) and, off GTK, after each page load."""
        logger.info("Zoom: %.0f %%", self.state.zoom * 100)
        if self.gui == "gtk":
            on_gtk_thread(self.set_gtk_zoom)
        else:  # WebView2 and WKWebView: CSS zoom on the page, applied again on each load
            self.window.run_js(f"document.documentElement.style.zoom = {self.state.zoom!r}")

    def set_gtk_zoom(self) -> None:
        view = gtk_view(self.window)
        if view is not None:
            view.set_zoom_level(self.state.zoom)

    def apply_spell_check(self) -> None:
        from django_desktop_shell.process import spelling

        logger.info("Spell check: %s", "on" if self.state.spell_check else "off")
        spelling.apply(self.window, self.gui, self.state.spell_check)

    def open_diagnostics(self) -> None:
        """The report for support, written to the data folder and opened in the OS's text editor:
        the person reads all of it there before they attach the file to a message."""
        from django_desktop_shell.files import write_file
        from django_desktop_shell.process import diagnostics

        report = self.data_dir / diagnostics.REPORT_NAME
        write_file(report, diagnostics.report(self.identity, self.data_dir, django_ready=True).encode("utf-8"))
        logger.info("Wrote the diagnostics for support to %s", report)
        self.opener(report)

    def show_about(self) -> None:
        from django_desktop_shell.process import about

        about.show(self.window, self.gui, about.facts(self.identity, self.data_dir, self.log_file))
