"""Which page a load the window reports is about.

pywebview's `loaded` event comes from a thread, after WebKit has finished a page and pywebview has
run its scripts in it. By then the window may have begun loading another page, and its current
address is that page's. Read then, the loading view of a launch, finished just before the app's
page was asked for, passed for the app's page: a file opened at that launch made its note, and
the event that shows it went to a page that was going away (the window showed the list without
it, one launch in three on a new data folder). So the page itself is asked: the document the
window holds, the one a script run now would reach, and whether it has been read (pywebview reports a page whose images, say, are still loading).
"""

PAGE_URL_ONCE_LOADED = "document.readyState === 'loading' ? '' : location.href"


def loaded_url(window) -> str:
    """The address of the page the window holds once it has been read, else "" (still on its way)."""
    try:
        href = window.run_js(PAGE_URL_ONCE_LOADED)
    except Exception:  # the window closed meanwhile
        return ""
    # Where a platform gives run_js no result back, the window's address, as before.
    return href if isinstance(href, str) else window.get_current_url() or ""
