"""A built app reads its Python modules from its own executable for as long as it runs.

PyInstaller's reader opens the executable by its path at each import, and reads at the offsets
it found at start. Once the file at that path is another one (apt installing the next version
while the app runs, or a new one-file binary moved over the old one), a module imported for the
first time (the Markdown preview's, an import's parser) was read from the new file at the old
offsets, and its feature answered 500 until the app was restarted. The executable is opened once
at start, and read through that descriptor: the running version keeps its own modules, and the
next start is the new version.
"""

import os
import sys


def keep_reading_this_version(archive, platform: str = sys.platform) -> None:
    """Point PyInstaller's PYZ archive reader at a descriptor of the executable opened now.

    Linux only: opening /proc/self/fd/N opens that file anew, with its own position, whatever has
    since been put at its path (macOS's /dev/fd/N shares one position between threads' imports,
    and Windows does not let a running program's file be replaced)."""
    if not platform.startswith("linux"):
        return
    descriptor = os.open(archive._filename, os.O_RDONLY)  # not inherited by the processes the app starts
    archive._filename = f"/proc/self/fd/{descriptor}"
