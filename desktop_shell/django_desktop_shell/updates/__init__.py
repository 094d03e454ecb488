"""Signed updates: the installed app finds, verifies and installs its next version.

An optional part of the shell (`django-desktop-shell[updates]`: tufup and python-tuf). An app turns
it on with `update-url` in its identity table and the trusted root `update-root.json` that
`python -m django_desktop_shell.updates.keys` writes beside its pyproject.toml (docs/updates.md).

- keys.py: the signing keys, made once into a keystore outside the repository, and the trusted root.
- release.py: the update repository (TUF metadata, archives, patches) from a build, with tufup.
- client.py: check, download (resumable), verify and stage an update, with python-tuf.
- service.py: the app's side: a background check at most once a day, the state the
  /_desktop/updates/ routes show, "Restart to update".
- apply.py: the swap on restart, the new version's trial start, and the rollback.
- trial.py: the files through which apply.py's script and the new version tell each other how its
  first start went.
- install.py: what kind of install this is (one folder, .app, .deb, one file, source).

The launcher imports service.py and trial.py, install.py once the app has an update URL, apply.py
only to install an update; they need nothing beyond the shell's own dependencies, so an app
without the extra runs as before.
"""

import importlib.util
import platform
import re
import sys
from pathlib import Path

# tufup's target names: <name>-<version>.tar.gz (an archive) and <name>-<version>.patch.
TARGET_NAME = re.compile(r"^(?P<name>[\w-]+)-(?P<version>.+)(?P<suffix>\.tar\.gz|\.patch)$")
ARCHIVE_SUFFIX = ".tar.gz"
PATCH_SUFFIX = ".patch"


def platform_tag() -> str:
    """The platform an archive is for: linux-x86_64, windows-amd64, macos-arm64 …"""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    return f"{system}-{platform.machine().lower()}"


def updates_dir(data_dir: Path) -> Path:
    """Everything the updater keeps, per data folder: settings, state, metadata, downloads."""
    return data_dir / "updates"


def available() -> bool:
    """Whether the extra is installed (or bundled). By name only: an import statement here would make
    PyInstaller bundle python-tuf into every app, updates or not."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in ("tuf.ngclient", "bsdiff4", "requests"))
    except ImportError:
        return False
