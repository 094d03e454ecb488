"""The window's right-click menu (GTK): a text field's, as a GTK app has it (the spelling
checker's guesses, Ignore spelling and Learn spelling, then Cut, Copy, Paste, Delete, Select all,
emoji and input methods) and a link's or an image's Copy; never a browser's (Back, Reload, Open
link in new window, Download, Inspect element), which would take the window off the app.
pywebview turns the web view's menu off altogether outside its debug mode, and the spelling
checker's suggestions went with it."""

import logging

logger = logging.getLogger(__name__)
KEPT_ACTIONS = (
    "SPELLING_GUESS", "NO_GUESSES_FOUND", "IGNORE_SPELLING", "LEARN_SPELLING", "IGNORE_GRAMMAR",
    "CUT", "COPY", "PASTE", "PASTE_AS_PLAIN_TEXT", "DELETE", "SELECT_ALL", "INSERT_EMOJI", "INPUT_METHODS", "UNICODE",
    "COPY_LINK_TO_CLIPBOARD", "COPY_IMAGE_TO_CLIPBOARD",
)


def install_gtk(view) -> None:
    """On GTK's thread, once pywebview has made the web view."""
    from gi.repository import GObject, WebKit2

    signal = GObject.signal_lookup("context-menu", WebKit2.WebView)
    menu_off = GObject.signal_handler_find(view, GObject.SignalMatchType.ID, signal, 0, None, None, None)
    if not menu_off:
        return  # pywebview's debug mode (--dev): the web view's whole menu, Inspect element included
    view.disconnect(menu_off)
    kept = {getattr(WebKit2.ContextMenuAction, name) for name in KEPT_ACTIONS if hasattr(WebKit2.ContextMenuAction, name)}
    view.connect("context-menu", lambda view, menu, event, hit: not keep_only(menu, kept))


def keep_only(menu, kept: set) -> bool:
    """Take out of `menu` every item whose action is not in `kept`, and the separators left at
    its ends or side by side; True if anything is left to show."""
    shown = []
    for item in menu.get_items():
        if item.is_separator():
            if shown and not shown[-1].is_separator():
                shown.append(item)
        elif item.get_stock_action() in kept:
            shown.append(item)
    while shown and shown[-1].is_separator():
        shown.pop()
    for item in list(menu.get_items()):
        if item not in shown:
            menu.remove(item)
    return bool(shown)
