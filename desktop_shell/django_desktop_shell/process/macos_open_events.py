"""macOS hands files (Open with, double-click) and app-scheme:// links to a running app as an
Apple Event, not on the command line: the application delegate's application:openURLs:. This
adds that method to pywebview's Cocoa delegate and turns each event into the same messages a
later launch sends (open_requests.py). Not run by this project's tests (no macOS machine).
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)


def install(deliver: Callable[[dict], None]) -> None:
    """Call before webview.start(): the event that launched the app arrives while it starts."""
    import objc
    from webview.platforms.cocoa import BrowserView

    def application_openURLs_(self, application, urls):
        paths = [str(url.path()) for url in urls if url.isFileURL()]
        if paths:
            deliver({"type": "open-files", "paths": paths})
        for url in urls:
            if not url.isFileURL():
                deliver({"type": "open-url", "url": str(url.absoluteString())})

    try:
        objc.classAddMethods(BrowserView.AppDelegate, [
            objc.selector(application_openURLs_, selector=b"application:openURLs:", signature=b"v@:@@")])
    except Exception:  # the app still runs; files and links then open only from the command line
        logger.exception("Could not receive files and links opened from the Finder")
