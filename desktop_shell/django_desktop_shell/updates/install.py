"""What kind of install is running, and so whether and how it can update itself.

- "folder": a one-folder bundle (`<slug>-dir/`, or the .tar.gz unpacked), on Linux or Windows:
  the folder holding the executable is swapped for the new version's.
- "app": a macOS `<Name>.app`: the bundle is swapped.
- "deb": installed by dpkg (the .deb): apt updates it, not the app.
- "onefile": the one-file binary, unpacked to a temporary folder at each start: not updated
  (the update archives hold the one-folder bundle); it checks, and says when a new version is out.
- "source": running from a checkout (launcher.py): nothing to install.
"""

import atexit
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

DPKG_INFO = Path("/var/lib/dpkg/info")


@dataclass(frozen=True)
class Install:
    kind: str
    folder: Path | None  # what the update replaces (folder or .app); None if it cannot update itself
    executable: str = ""  # the executable, relative to folder
    reason: str = ""  # why it cannot update itself, for the person

    @property
    def updatable(self) -> bool:
        return self.folder is not None

    @property
    def checks(self) -> bool:
        """Whether the app looks for new versions: to install them, or (the one-file binary, which
        cannot swap itself) to say they are out."""
        return self.updatable or self.kind == "onefile"

    def staging_for(self, version: str) -> Path:
        """Where a new version is unpacked: beside the install, so the swap is a rename."""
        return self.folder.parent / f".{self.folder.name}.update-{version}"

    def previous(self) -> Path:
        return self.folder.parent / f".{self.folder.name}.previous"

    def mark_running(self) -> FileLock:
        """Held while this process runs from the install (the OS lets go if it dies): an update waits
        while another process holds one, as the swap would move and delete the files it reads."""
        mark = FileLock(self.folder.parent / f".{self.folder.name}.running-{secrets.token_hex(4)}")
        mark.acquire()
        atexit.register(let_go, mark)
        return mark

    def others_running(self, mine: FileLock) -> bool:
        running = False
        for path in self.folder.parent.glob(f".{self.folder.name}.running-*"):
            if path == Path(mine.lock_file):
                continue
            other = FileLock(path)
            try:
                other.acquire(timeout=0)
            except Timeout:
                running = True
                continue
            other.release()
            path.unlink(missing_ok=True)  # left by a process that ended
        return running


def let_go(mark: FileLock) -> None:
    mark.release()
    Path(mark.lock_file).unlink(missing_ok=True)


def detect(slug: str, name: str, executable: str | None = None, frozen: bool | None = None) -> Install:
    frozen = getattr(sys, "frozen", False) if frozen is None else frozen
    if not frozen:
        return Install("source", None, reason=f"{name} runs from its source folder: update it with git or pip.")
    executable_path = Path(executable or sys.executable).resolve()
    if sys.platform == "darwin" and executable_path.parent.name == "MacOS" and executable_path.parents[2].suffix == ".app":
        app = executable_path.parents[2]
        return writable(Install("app", app, str(executable_path.relative_to(app))), name)
    folder = executable_path.parent
    meipass = Path(getattr(sys, "_MEIPASS", folder))
    if not meipass.resolve().is_relative_to(folder):
        return Install("onefile", None, reason=f"This one-file {name} does not update itself: download the new version, "
                                                   "or install the .tar.gz, which does.")
    if installed_by_dpkg(slug, folder):
        return Install("deb", None, reason=f"{name} was installed as a .deb package: apt installs its updates "
                                               f"(sudo apt update && sudo apt upgrade).")
    return writable(Install("folder", folder, executable_path.name), name)


def writable(install: Install, name: str) -> Install:
    """The swap renames the install in its parent folder, so that folder must be writable."""
    if not os.access(install.folder.parent, os.W_OK | os.X_OK):
        return Install(install.kind, None, reason=f"{name} cannot update itself: {install.folder.parent} is not writable "
                                                  "for you. Install the new version the way this one was installed.")
    return install


def installed_by_dpkg(slug: str, folder: Path) -> bool:
    listing = DPKG_INFO / f"{slug}.list"
    try:
        return f"{folder}\n" in listing.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
