"""Spell checking in the page's text fields: WebKitGTK's own checker (enchant, with the OS's
hunspell dictionaries) in the languages of the OS locale, switched on and off from the View menu.

Elsewhere (WebView2, WKWebView) the OS checks spelling by itself; the `spellcheck` attribute of
the page's root element, set on each load, turns it on and off there.
"""

import logging

from django_desktop_shell.process.languages import os_languages

logger = logging.getLogger(__name__)


def root_attribute_script(enabled: bool) -> str:
    return f"document.documentElement.spellcheck = {'true' if enabled else 'false'}"


def apply(window, gui: str | None, enabled: bool) -> None:
    """Callable from any thread: the checker itself (GTK) and the page's attribute."""
    if gui == "gtk":
        from django_desktop_shell.process.commands import on_gtk_thread

        on_gtk_thread(apply_gtk, window, enabled)
    else:
        window.run_js(root_attribute_script(enabled))


def apply_gtk(window, enabled: bool) -> None:
    """On GTK's thread (once the first page is shown, then from the menu)."""
    from django_desktop_shell.process.commands import gtk_view

    view = gtk_view(window)
    if view is None:
        return
    context = view.get_context()
    if enabled:
        context.set_spell_checking_languages(os_languages())
    context.set_spell_checking_enabled(enabled)
    logger.info("Spell checking %s (%s)", "on" if enabled else "off", ", ".join(context.get_spell_checking_languages() or []))
