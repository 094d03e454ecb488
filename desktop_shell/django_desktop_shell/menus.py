"""The window's menu bar, declared by a site as plain data (no Django needed: the window is built
before Django starts).

A site names its menus in the identity table, `menu = "my_site.desktop_menu:MENUS"`:

    from django_desktop_shell.menus import Item, SEPARATOR, standard_menus

    MENUS = standard_menus(
        file=[Item("New order", "new-order", "Ctrl+N"), SEPARATOR, Item("Print…", "print", "Ctrl+P")],
        edit=[Item("Find", "find", "Ctrl+F")],
        view=[Item("Preview", "toggle-preview")],
    )

An item whose command is the site's own (any name not starting "desktop.") reaches the page as a
DOM event, which the page's existing handlers answer the way its buttons and shortcuts do:

    document.addEventListener('desktop:command', (event) => commands[event.detail.command]?.());

The shell's own commands (SHELL_COMMANDS: print, quit, editing, zoom, back and forward, reload, spell check,
about, the data folder, the log file and the diagnostics for support) it runs itself. standard_menus() puts them where each OS expects them:
on macOS About and Quit go to the application menu.

Accelerators are written "Ctrl+N", "Ctrl+=", "Ctrl+-", "Ctrl+0", "Ctrl+[": Ctrl is Command on macOS.
"Alt+Left" and "Alt+Right" are Back and Forward on Linux and Windows (macOS has Command+[ and ]).
"""

import importlib
import re
import sys
from dataclasses import dataclass

COMMAND_EVENT = "desktop:command"
CLOSING_EVENT = "desktop:closing"  # the window is about to close: the page sends what it has not saved
SETTING_EVENT = "desktop:setting"  # detail: the shell setting a menu item changed, e.g. {"spell_check": false}
SITE_COMMAND = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
ACCELERATOR = re.compile(r"^(Ctrl\+(Shift\+)?([A-Z0-9]|=|-|\[|\]|F[1-9]|F1[0-2])|Alt\+(Left|Right))$")

QUIT, UNDO, REDO, CUT, COPY, PASTE, SELECT_ALL = (
    "desktop.quit", "desktop.undo", "desktop.redo", "desktop.cut", "desktop.copy", "desktop.paste", "desktop.select-all")
ZOOM_IN, ZOOM_OUT, ZOOM_RESET = "desktop.zoom-in", "desktop.zoom-out", "desktop.zoom-reset"
BACK, FORWARD = "desktop.back", "desktop.forward"
RELOAD = "desktop.reload"  # with --dev only: the Develop menu
PRINT = "desktop.print"  # the page's window.print(): its print stylesheet, the OS's print dialog
SPELL_CHECK = "desktop.spell-check"
ABOUT, OPEN_DATA_FOLDER, OPEN_LOG_FILE = "desktop.about", "desktop.open-data-folder", "desktop.open-log-file"
DIAGNOSTICS = "desktop.diagnostics"  # the report for support (process/diagnostics.py), opened for the person to read
SHELL_COMMANDS = frozenset({PRINT, QUIT, UNDO, REDO, CUT, COPY, PASTE, SELECT_ALL, ZOOM_IN, ZOOM_OUT, ZOOM_RESET,
                            BACK, FORWARD, RELOAD, SPELL_CHECK, ABOUT, OPEN_DATA_FOLDER, OPEN_LOG_FILE, DIAGNOSTICS})


class MenuError(ValueError):
    """The site's menu declaration is wrong; the message says where."""


@dataclass(frozen=True)
class Item:
    label: str
    command: str
    accelerator: str = ""
    # A key the page answers itself (a text field's Ctrl+C): shown beside the item, never bound by
    # the menu, which would take it from the page.
    page_key: str = ""

    @property
    def is_shell_command(self) -> bool:
        return self.command.startswith("desktop.")


@dataclass(frozen=True)
class Separator:
    pass


@dataclass(frozen=True)
class Menu:
    label: str
    items: tuple  # of Item, Separator and Menu


SEPARATOR = Separator()


def standard_menus(*, file=(), edit=(), view=(), help=(), app_name: str = "{app}", platform: str | None = None) -> tuple[Menu, ...]:
    """File, Edit, View and Help, with the site's items first and the shell's after them.
    "{app}" in a label becomes the app's name when the window is built."""
    platform = platform or sys.platform
    mac = platform == "darwin"
    editing = () if mac else (  # macOS's own Edit menu (pywebview adds it) has these, with their ⌘ keys
        Item("Undo", UNDO, page_key="Ctrl+Z"), Item("Redo", REDO, page_key="Ctrl+Shift+Z"), SEPARATOR,
        Item("Cut", CUT, page_key="Ctrl+X"), Item("Copy", COPY, page_key="Ctrl+C"),
        Item("Paste", PASTE, page_key="Ctrl+V"), Item("Select all", SELECT_ALL, page_key="Ctrl+A"))
    zoom = (Item("Zoom in", ZOOM_IN, "Ctrl+="), Item("Zoom out", ZOOM_OUT, "Ctrl+-"), Item("Actual size", ZOOM_RESET, "Ctrl+0"))
    # A window has no toolbar: these are how a person gets back from a page a link led to.
    navigation = (Item("Back", BACK, "Ctrl+[" if mac else "Alt+Left"),
                  Item("Forward", FORWARD, "Ctrl+]" if mac else "Alt+Right"))
    about = Item(f"About {app_name}", ABOUT)
    # Ctrl+P prints the page, as in a browser (an office worker pressed it on an invoice and nothing
    # happened), unless an item of the site's own has the key.
    site_keys = {item.accelerator for item in items((*file, *edit, *view, *help))}
    printing = () if "Ctrl+P" in site_keys else (Item("Print…", PRINT, "Ctrl+P"),)
    menus = [
        Menu("File", join(join(tuple(file), printing), () if mac else (Item("Quit", QUIT, "Ctrl+Q"),))),
        Menu("Edit", join(editing, tuple(edit))),
        Menu("View", join(join(zoom, navigation), (*view, Item("Spell check", SPELL_CHECK)))),
        Menu("Help", join((() if mac else (about,)), (*help, Item("Open data folder", OPEN_DATA_FOLDER),
                                                           Item("Open log file", OPEN_LOG_FILE),
                                                           Item("Diagnostics for support", DIAGNOSTICS)))),
    ]
    if mac:  # the application menu: pywebview's '__app__' menu, with Hide, Services and Quit ⌘Q of its own
        menus.insert(0, Menu("__app__", (about,)))
    return tuple(menu for menu in menus if menu.items)


def with_develop_menu(menus: tuple) -> tuple[Menu, ...]:
    """With --dev, whatever the site's menus: Reload on Ctrl+R, as in a browser, before Help. A
    developer who had edited a template pressed it and nothing happened."""
    develop = Menu("Develop", (Item("Reload", RELOAD, "Ctrl+R"),))
    position = next((index for index, menu in enumerate(menus) if menu.label == "Help"), len(menus))
    return (*menus[:position], develop, *menus[position:])


def join(first: tuple, second: tuple) -> tuple:
    return (*first, SEPARATOR, *second) if first and second else (*first, *second)


def load_menus(reference: str) -> tuple[Menu, ...]:
    """Import "module:ATTRIBUTE" and check what it holds."""
    module_name, _, attribute = reference.partition(":")
    try:
        menus = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise MenuError(f"Cannot load the menu {reference!r}: {error}.") from None
    validate(menus)
    return tuple(menus)


def validate(menus, where: str = "the menu bar") -> None:
    if not isinstance(menus, (tuple, list)):
        raise MenuError(f"{where} must be a list of Menu, Item and SEPARATOR.")
    for entry in menus:
        if isinstance(entry, Menu):
            if not entry.label.strip():
                raise MenuError(f"A menu in {where} has no label.")
            validate(entry.items, f"the menu {entry.label!r}")
        elif isinstance(entry, Item):
            if not entry.label.strip():
                raise MenuError(f"An item in {where} has no label.")
            if entry.is_shell_command and entry.command not in SHELL_COMMANDS:
                raise MenuError(f"{entry.label!r} in {where}: {entry.command!r} is not one of the shell's commands.")
            if not entry.is_shell_command and not SITE_COMMAND.match(entry.command):
                raise MenuError(f"{entry.label!r} in {where}: the command {entry.command!r} must be lower-case words joined by '-'.")
            for kind, keys in (("accelerator", entry.accelerator), ("page key", entry.page_key)):
                if keys and not ACCELERATOR.match(keys):
                    raise MenuError(f"{entry.label!r} in {where}: the {kind} {keys!r} is not of the form Ctrl+N (or Alt+Left, Alt+Right).")
        elif not isinstance(entry, Separator):
            raise MenuError(f"{where} holds {entry!r}: only Menu, Item and SEPARATOR.")


def items(menus) -> list[Item]:
    """Every Item, depth first."""
    found = []
    for entry in menus:
        if isinstance(entry, Menu):
            found.extend(items(entry.items))
        elif isinstance(entry, Item):
            found.append(entry)
    return found


def gtk_accelerators(accelerator: str) -> list[str]:
    """"Ctrl+=" → GTK's accelerator names, keypad keys included."""
    if not accelerator:
        return []
    *modifiers, key = accelerator.split("+")
    prefix = "".join({"Ctrl": "<Primary>", "Shift": "<Shift>", "Alt": "<Alt>"}[modifier] for modifier in modifiers)
    keys = {"=": ["equal", "plus", "KP_Add"], "-": ["minus", "KP_Subtract"], "0": ["0", "KP_0"],
            "[": ["bracketleft"], "]": ["bracketright"], "Left": ["Left", "KP_Left"], "Right": ["Right", "KP_Right"],
            }.get(key, [key.lower()])
    return [prefix + name for name in keys]
