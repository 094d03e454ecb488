"""Files and links opened from outside the window: `app FILE…` on the command line, a
double-click or Open with in the file manager, an `app-scheme://…` link (the identity table's
file-types and url-schemes say which). (Files dropped onto the page: native.take_dropped_files.)

A site names its handlers in its settings, each a dotted path to a function:

    DESKTOP_OPEN_FILES = "my_site.opening.open_files"  # (paths: list[Path]) -> dict
    DESKTOP_OPEN_URL = "my_site.opening.open_url"      # (url: str) -> dict

The shell calls them in a thread of its own with Django set up, the paths absolute and the URL of
one of the app's schemes, and hands what they return to the page as the `detail` of a
`desktop:open` DOM event, which the page's own code answers. The handler reads the
files itself: their content never passes through the page. A site without a handler gets a
message saying the app does not open such things.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

OPEN_EVENT = "desktop:open"
logger = logging.getLogger(__name__)


def handler(setting: str):
    path = getattr(settings, setting, "")
    return import_string(path) if path else None


def call(setting: str, *args) -> dict:
    """Run the site's handler for `setting`; what goes to the page, errors included."""
    site_handler = handler(setting)
    if site_handler is None:
        return {"messages": [{"kind": "error", "text": f"{settings.DESKTOP_APP_NAME} does not open these."}]}
    own_connection = not connection.in_atomic_block  # not inside a caller's transaction (a test's)
    if own_connection:
        close_old_connections()
    try:
        return site_handler(*args)
    except Exception:
        logger.exception("The site's %s handler failed", setting)
        return {"messages": [{"kind": "error", "text": "Something went wrong while opening this. The log file has the details."}]}
    finally:
        if own_connection:
            connection.close()  # this thread's own: it is not a request thread, so nobody else closes it


def open_files(paths: list[Path]) -> dict:
    return call("DESKTOP_OPEN_FILES", paths)


def open_url(url: str) -> dict:
    return call("DESKTOP_OPEN_URL", url)

