"""The site's menus (django_desktop_shell.menus) as pywebview's native menu bar, with accelerators.

pywebview's menus have no accelerators: the shell adds them on each platform once the window
exists (GTK: the application's accelerators for each menu action; Windows: each WinForms item's
ShortcutKeys; macOS: each NSMenuItem's key equivalent). An item's page key is only shown (GTK: the
menu item's "accel" attribute; Windows: ShortcutKeyDisplayString).
"""

import logging
import sys
from collections.abc import Callable

from django_desktop_shell import menus

logger = logging.getLogger(__name__)


class MenuBar:
    """pywebview menus whose actions call `run(command)`; remembers each action's accelerator."""

    def __init__(self, declared, app_name: str, run: Callable[[str], None]):
        self.accelerators: dict[Callable, str] = {}  # a MenuAction's function → "Ctrl+N"
        self.labels: dict[str, str] = {}  # a native item's label → "Ctrl+N"
        self.page_keys: dict[str, str] = {}  # a native item's label → "Ctrl+C", shown only
        self.run = run
        self.native = [self.convert(menu, app_name) for menu in declared]
        self.menus_with_page_keys = {menu.label for menu in declared if any(item.page_key for item in menus.items([menu]))}

    def convert(self, entry, app_name: str):
        from webview.menu import Menu, MenuAction, MenuSeparator

        if isinstance(entry, menus.Menu):
            return Menu(entry.label, [self.convert(item, app_name) for item in entry.items])
        if isinstance(entry, menus.Separator):
            return MenuSeparator()
        label = entry.label.replace("{app}", app_name)

        def action(command=entry.command):
            self.run(command)

        if entry.accelerator:
            self.accelerators[action] = entry.accelerator
            self.labels[label] = entry.accelerator
        if entry.page_key:
            self.page_keys[label] = entry.page_key
        return MenuAction(label, action)

    def install_accelerators(self, window, gui: str | None) -> None:
        """From window.events.before_show (on GTK's thread there)."""
        try:
            if gui == "gtk":
                self.install_gtk()
            elif sys.platform == "win32":
                self.install_winforms(window)
            elif sys.platform == "darwin":
                self.install_cocoa()
        except Exception:  # a menu without accelerators still works
            logger.exception("Could not give the menu its accelerators")

    def install_gtk(self) -> None:
        from webview.platforms import gtk

        if gtk._app.get_menubar() is None:
            # pywebview sets the menu bar when it sets up its GTK application, and it set that up
            # early, without the menu, if anything asked for webview.screens before
            # webview.start() (window_state does, when the window's position was saved).
            gtk._app.set_menubar(gtk.create_menu(self.native))

        for action_name, function in gtk._app_actions.items():
            accelerator = self.accelerators.get(function)
            if accelerator:
                gtk._app.set_accels_for_action(f"app.{action_name}", menus.gtk_accelerators(accelerator))
        self.show_gtk_page_keys(gtk._app.get_menubar())

    def show_gtk_page_keys(self, menubar) -> None:
        """Only the menus that hold a page key are walked: before the window shows, every call into
        GTK lets Django's start, in its thread, take the interpreter lock, and waits for it back."""
        from gi.repository import Gio, GLib

        for index in range(menubar.get_n_items()):
            title = menubar.get_item_attribute_value(index, Gio.MENU_ATTRIBUTE_LABEL, GLib.VariantType("s"))
            if title and title.get_string() in self.menus_with_page_keys:
                self.show_gtk_page_keys_in(menubar.get_item_link(index, Gio.MENU_LINK_SUBMENU))

    def show_gtk_page_keys_in(self, model) -> None:
        """Give each item with a page key the "accel" attribute GTK draws beside its label: pywebview
        builds the items without attributes, so each is put back as a copy with it."""
        from gi.repository import Gio, GLib

        for index in range(model.get_n_items()):
            for link in (Gio.MENU_LINK_SECTION, Gio.MENU_LINK_SUBMENU):
                if (linked := model.get_item_link(index, link)) is not None:
                    self.show_gtk_page_keys_in(linked)
            label = model.get_item_attribute_value(index, Gio.MENU_ATTRIBUTE_LABEL, GLib.VariantType("s"))
            page_key = label and self.page_keys.get(label.get_string())
            if page_key:
                item = Gio.MenuItem.new_from_model(model, index)
                item.set_attribute_value("accel", GLib.Variant("s", menus.gtk_accelerators(page_key)[0]))
                model.remove(index)
                model.insert_item(index, item)

    def install_winforms(self, window) -> None:  # not run in this project's tests: no Windows machine
        import clr  # noqa: F401 (pythonnet, which pywebview's WinForms backend uses)
        from System import Func, Type
        from System.Windows.Forms import Keys, MenuStrip
        from webview.platforms.winforms import BrowserView

        form = BrowserView.instances[window.uid]

        def shortcut(accelerator: str):
            *modifiers, key = accelerator.split("+")
            keys = Keys.Alt if "Alt" in modifiers else Keys.Control
            if "Shift" in modifiers:
                keys |= Keys.Shift
            named = {"=": Keys.Oemplus, "-": Keys.OemMinus, "0": Keys.D0, "[": Keys.OemOpenBrackets,
                     "]": Keys.OemCloseBrackets}
            return keys | (named.get(key) or getattr(Keys, f"D{key}" if key.isdigit() else key))

        def walk(items):
            for item in items:
                accelerator = self.labels.get(str(item.Text))
                if accelerator:
                    item.ShortcutKeys = shortcut(accelerator)
                elif page_key := self.page_keys.get(str(item.Text)):
                    item.ShortcutKeyDisplayString = page_key
                if hasattr(item, "DropDownItems"):
                    walk(item.DropDownItems)

        def install():
            for control in form.Controls:
                if isinstance(control, MenuStrip):
                    walk(control.Items)

        form.Invoke(Func[Type](install))

    def install_cocoa(self) -> None:  # not run in this project's tests: no macOS machine
        import AppKit
        from PyObjCTools import AppHelper

        def walk(menu):
            for item in menu.itemArray():
                accelerator = self.labels.get(str(item.title()))
                if accelerator:
                    *modifiers, key = accelerator.split("+")
                    mask = AppKit.NSEventModifierFlagOption if "Alt" in modifiers else AppKit.NSEventModifierFlagCommand
                    if "Shift" in modifiers:
                        mask |= AppKit.NSEventModifierFlagShift
                    arrows = {"Left": chr(AppKit.NSLeftArrowFunctionKey), "Right": chr(AppKit.NSRightArrowFunctionKey)}
                    item.setKeyEquivalent_(arrows.get(key, key.lower()))
                    item.setKeyEquivalentModifierMask_(mask)
                if item.submenu():
                    walk(item.submenu())

        AppHelper.callAfter(lambda: walk(AppKit.NSApp.mainMenu()))
