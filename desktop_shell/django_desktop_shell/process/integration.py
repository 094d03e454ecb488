"""The window's desktop integration: its menu bar and what the menu's commands do, the zoom and
spell-check state remembered with its geometry, and (from other modules) files and links opened
from outside and files dropped onto it.

The launcher makes one per window run; run_window() attaches it to the window it creates.
"""

import logging
import threading
from pathlib import Path
from urllib.parse import urlsplit

from django_desktop_shell import menus
from django_desktop_shell.identity import Identity
from django_desktop_shell.process import page_loads
from django_desktop_shell.process.commands import (GTK_EDITING, WindowCommands, gtk_view, on_gtk_thread, page_event_script,
                                                   run_whole_scripts)
from django_desktop_shell.process.drops import DroppedFiles
from django_desktop_shell.process.menu_bar import MenuBar
from django_desktop_shell.process.window_state import WindowState

logger = logging.getLogger(__name__)


class DesktopIntegration:
    def __init__(self, identity: Identity, data_dir: Path, log_file: Path, gui: str | None, origin: str = "",
                 dev: bool = False):
        self.identity, self.data_dir, self.log_file, self.gui, self.origin = identity, data_dir, log_file, gui, origin
        self.commands: WindowCommands | None = None
        self.window = None
        self.page_ready = threading.Event()  # the app's own page is loaded (its scripts listen)
        # The window has the page it keeps: the start page kept from the last run, or the site's
        # own once it has replaced an out-of-date one (window.run_window).
        self.page_settled = threading.Event()
        self.spell_checker_pending = True  # on GTK, set at the first key press (set_spell_checker_at_first_key)
        self.dropped = DroppedFiles()
        # A site that declares no menu gets the standard one: Quit, editing, zoom, spell check, Help.
        declared = menus.load_menus(identity.menu) if identity.menu else menus.standard_menus()
        self.menu_bar = MenuBar(menus.with_develop_menu(declared) if dev else declared, identity.name, self.run)

    @property
    def native_menu(self) -> list:
        return self.menu_bar.native

    def run(self, command: str) -> None:
        if self.commands is not None:
            self.commands.run(command)

    def attach(self, window, state: WindowState) -> None:
        """Right after the window is created, before it is shown."""
        self.window = window
        self.commands = WindowCommands(window, self.identity, self.data_dir, state, gui=self.gui, log_file=self.log_file)
        window.events.before_show += self.before_show
        window.events.loaded += self.on_loaded

    def before_show(self, window) -> None:
        """On GTK's thread there: the web view exists, nothing is shown yet."""
        self.menu_bar.install_accelerators(window, self.gui)
        if self.gui == "gtk":
            from django_desktop_shell.process import context_menu, drops, native_dialogs

            run_whole_scripts(gtk_view(window))
            drops.install_gtk(window, self.dropped)
            context_menu.install_gtk(gtk_view(window))
            native_dialogs.install_gtk_upload_chooser(gtk_view(window), self.commands.state)
            self.go_with_mouse_buttons()
            self.undo_with_keys()
            logger.info("Zoom at start: %.0f %%", self.commands.state.zoom * 100)
            self.commands.set_gtk_zoom()

    def go_with_mouse_buttons(self) -> None:
        """A mouse's back and forward buttons (8 and 9) do what they do in a browser; WebKitGTK
        leaves them to the application."""
        def on_button(view, event):
            if event.button not in (8, 9):
                return False
            self.run(menus.BACK if event.button == 8 else menus.FORWARD)
            return True

        gtk_view(self.window).connect("button-press-event", on_button)

    def undo_with_keys(self) -> None:
        """Ctrl+Z undoes and Ctrl+Shift+Z or Ctrl+Y redo in the page's text fields, as in a browser.
        WebKitGTK binds a text field's other editing keys (copy, paste, select all) but leaves these
        to the application, and an accelerator would take them from the page too (an editor that
        undoes on Ctrl+Z itself). So the page has the key first: a key it leaves alone, WebKitGTK
        gives back to the view as the same event a second time, and only then does the view undo."""
        from gi.repository import Gdk

        control, shift = Gdk.ModifierType.CONTROL_MASK, Gdk.ModifierType.SHIFT_MASK
        modifiers = control | shift | Gdk.ModifierType.MOD1_MASK | Gdk.ModifierType.SUPER_MASK
        commands = {(Gdk.KEY_z, control): menus.UNDO, (Gdk.KEY_z, control | shift): menus.REDO,
                    (Gdk.KEY_y, control): menus.REDO}
        given_to_the_page = {"at": None}  # the time of the key last given to the page

        def on_key(view, event):
            command = commands.get((Gdk.keyval_to_lower(event.keyval), event.state & modifiers))
            if command is None:
                return False
            if given_to_the_page["at"] != event.time:
                given_to_the_page["at"] = event.time
                return False
            given_to_the_page["at"] = None
            view.execute_editing_command(GTK_EDITING[command])
            return True

        gtk_view(self.window).connect("key-press-event", on_key)

    def wait_for_app_page(self) -> None:
        """Until the app's page the window keeps has loaded: what is shown on a kept start page the
        site then replaces is lost with it (a file opened at start made a note the window never showed)."""
        self.page_settled.wait()
        self.page_ready.wait()

    def replacing_page(self) -> None:
        """The window is about to load the site's page in place of the kept one."""
        self.page_ready.clear()

    def show_page_event(self, event: str, detail: dict) -> None:
        """Dispatch a DOM event on the app's start page (going there first if the window is elsewhere)."""
        if urlsplit(self.window.get_current_url() or "").path != self.identity.start_path:
            self.page_ready.clear()
            self.window.load_url(self.origin + self.identity.start_path)
            self.page_ready.wait(60)
        self.window.run_js(page_event_script(event, detail))

    def on_loaded(self) -> None:
        """Where the zoom and the spell-check switch live in the page, each page load restores them."""
        on_app_page = bool(self.origin) and page_loads.loaded_url(self.window).startswith(self.origin + "/")
        if on_app_page:
            self.page_ready.set()
        if self.gui != "gtk":
            self.commands.apply_zoom()
            self.commands.apply_spell_check()
        elif on_app_page and self.spell_checker_pending:
            self.spell_checker_pending = False
            on_gtk_thread(self.set_spell_checker_at_first_key)

    def set_spell_checker_at_first_key(self) -> None:
        """WebKitGTK's checker is set, as the menu has it then, when the person first types in the
        window: its dictionaries take ~7 MB and hold GTK's thread for 30-90 ms as they load
        (docs/performance.md), which a window only read never pays. The keystroke waits for it, so
        the first word typed is checked. The menu's toggle sets it at once, as before."""
        from django_desktop_shell.process import spelling

        view = gtk_view(self.window)
        if view is None:
            return

        def on_first_key(widget, event):
            widget.disconnect(handler)
            spelling.apply_gtk(self.window, self.commands.state.spell_check)
            return False  # the key goes on to the page

        handler = view.connect("key-press-event", on_first_key)
