"""The web process's memory (WebKitGTK): the limit at which it frees what it keeps once used.

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
    with WebContext.new_with_website_data_manager, which cannot take it."""
    from gi.repository import WebKit2

    def context_with_memory_limit(website_data_manager):
        return WebKit2.WebContext(website_data_manager=website_data_manager, memory_pressure_settings=pressure_settings())

    WebKit2.WebContext.new_with_website_data_manager = context_with_memory_limit
