"""When the app's own files are removed or replaced while it runs.

The package manager removes the app (`dpkg --purge`, `apt remove`) or moves another copy in its
place; a source tree is moved away. The modules already imported go on working (a built app reads
its own from the executable it opened at start: process/own_archive.py), but any template, static
file or module first needed afterwards is gone: the next page was a bare "Internal Server Error"
from the server, as its error page's template was gone too. Now, once they are gone, the next page
the window opens says what happened and to start the app again, and so does any error once they
are gone or replaced; the requests that still work (a save of what the person typed) go on.
"""

import sys
from pathlib import Path

from django.conf import settings

CHANGED = ("{app}'s own files were removed or replaced while it was running (it was uninstalled, updated or "
           "moved). What you saved is kept in its data folder. Quit {app} and start it again.")

# Each file that stands for the app's files, (st_dev, st_ino) by path, as the launch found it.
launch_files: dict[str, tuple[int, int]] = {}


def files_of_this_app() -> list[Path]:
    """A built app's: its unpacked folder (a one-file build's in the temporary folder, where a
    cleaner may delete it) and, installed as a folder, its executable, which an update replaces. From
    source: the settings module's file."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        executable = Path(sys.executable)
        return [Path(bundle), *([executable] if executable.parent in (Path(bundle), Path(bundle).parent) else [])]
    settings_file = getattr(sys.modules.get(settings.SETTINGS_MODULE or ""), "__file__", None)
    return [Path(settings_file)] if settings_file else []  # settings.configure()'s: none to watch


def note_launch_files(paths: list[Path]) -> None:
    launch_files.clear()
    for path in paths:
        status = path.stat()
        launch_files[str(path)] = (status.st_dev, status.st_ino)


def removed_since_launch() -> bool:
    return any(not Path(path).exists() for path in launch_files)


def changed_since_launch() -> bool:
    """Removed, or replaced: an update installed over the running app, whose pages go on (the next
    start is the new version) unless one fails, which the mix of the two versions may explain."""
    for path, found in launch_files.items():
        try:
            status = Path(path).stat()
        except FileNotFoundError:
            return True
        if (status.st_dev, status.st_ino) != found:
            return True
    return False


def changed_message() -> str:
    return CHANGED.format(app=settings.DESKTOP_APP_NAME)
