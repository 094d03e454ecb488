"""The window's web context (WebKitGTK), made with its memory limit and the person's languages.

The languages: WebKitGTK takes the Accept-Language of the app's pages (and the page's
navigator.languages) from the C library's locale for messages, so it asked for "C" (an English
page) when LANG named a locale the system had not generated (fr_FR.UTF-8 on a system with C.UTF-8
alone), and it read neither LC_MESSAGES nor LANGUAGE's list (LANGUAGE=br:fr, Breton then French,
asked for Breton alone, and a site without Breton answered in its default language, not French).
The window asks in the languages the OS variables name instead (languages.py), as the spell
checker checks in them: Django's LocaleMiddleware picks the first one the site speaks.

The memory: the limit at which the web process frees what it keeps once used.

WebKitGTK checks its web process's own memory (the dirty pages of its heaps and stacks) at each
poll; above a third of its limit it frees its caches, above half of it more of them, and it
collects JavaScript's garbage. Its default limit is 3 GB, which an app page never reaches, so
what scrolling through thousands of rows leaves in those caches stayed until the window closed
(docs/performance.md, issue 18). With 80 MB, it frees them from 27 MB (harder from 40), and an
app page at rest is far below (Notedesk's: 14 MB). A page that keeps more than that alive has
its caches freed at each poll: what it shows next is laid out and its scripts compiled again.

pywebview has no option for it, and the setting can only be given when the web context is made,
so the context pywebview makes for the window's storage is made with it.
"""

from django_desktop_shell.process.languages import page_languages

MEMORY_LIMIT_MB = 80
POLL_INTERVAL_S = 5


def pressure_settings():
    from gi.repository import WebKit2

    settings = WebKit2.MemoryPressureSettings.new()
    settings.set_memory_limit(MEMORY_LIMIT_MB)
    settings.set_poll_interval(POLL_INTERVAL_S)
    return settings


def install_gtk() -> None:
    """Before the window is made: pywebview makes the window's web context (persistent storage)
    with WebContext.new_with_website_data_manager, which cannot take the memory limit."""
    from gi.repository import WebKit2

    def context_for_the_window(website_data_manager):
        context = WebKit2.WebContext(website_data_manager=website_data_manager, memory_pressure_settings=pressure_settings())
        languages = page_languages()
        if languages:  # else WebKit's own choice: "en-US", or "C", which Django reads as none
            context.set_preferred_languages(languages)
        return context

    WebKit2.WebContext.new_with_website_data_manager = context_for_the_window
