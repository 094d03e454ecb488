"""Files dropped onto the window from the file manager: their real paths, as the OS gives them.

The page sees only a dropped file's name and content (a File); the shell keeps the paths of the
last drop (GTK: the text/uri-list of WebKitGTK's drag-data-received, which comes before the
page's drop event) so that the site's server can read the files itself. A page can claim a path
only by the name of a file the person dropped: it cannot name any other.

pywebview's own drop support (webview/dom) reports paths through its JS bridge and
evaluate_js, which the app's Content-Security-Policy forbids; this needs neither. On Windows and
macOS no paths are recorded (not written): the page uploads the dropped files instead.
"""

import logging
import os
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)
KEPT_FOR_S = 60  # a drop the page never claims is forgotten


class DroppedFiles:
    def __init__(self):
        self.lock = threading.Lock()
        self.paths: list[Path] = []
        self.at = 0.0

    def record(self, paths: list[Path]) -> None:
        with self.lock:
            self.paths, self.at = list(paths), time.monotonic()

    def take(self, names: list[str]) -> list[Path | None]:
        """For each name, the path of the file of that name in the last drop (each given once), or None."""
        with self.lock:
            if time.monotonic() - self.at > KEPT_FOR_S:
                self.paths = []
            found = []
            for name in names:
                match = next((path for path in self.paths if path.name == name), None)
                if match is not None:
                    self.paths.remove(match)
                found.append(match)
            return found


def paths_from_uris(uris: list[str]) -> list[Path]:
    from gi.repository import Gio

    paths = []
    for uri in uris:
        path = Gio.File.new_for_uri(uri.strip()).get_path() if uri.strip() else None
        if path:  # a local file (a URL dragged from a browser has none)
            paths.append(Path(os.path.normpath(path)))
    return paths


def install_gtk(window, dropped: DroppedFiles) -> None:
    """On GTK's thread (before_show)."""
    from django_desktop_shell.process.commands import gtk_view

    def received(view, drag_context, x, y, data, info, time_):
        uris = data.get_uris() or [line for line in (data.get_text() or "").splitlines() if line.startswith("file://")]
        paths = paths_from_uris(uris)
        if paths:
            dropped.record(paths)
            logger.info("Files dragged onto the window: %d", len(paths))
        return False  # WebKit goes on to give the page its drop event

    gtk_view(window).connect("drag-data-received", received)
