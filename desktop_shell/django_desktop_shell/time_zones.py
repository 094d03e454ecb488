"""The computer's own time zone: for a project's TIME_ZONE (django_desktop_shell.settings names it
too), and for the log's times, which Django's TIME_ZONE would otherwise change as it starts."""

import os
import zoneinfo
from pathlib import Path


def machine_time_zone() -> str:
    """The computer's time zone by its name in the zone database ("Europe/Paris"), for TIME_ZONE:
    the one `TZ` names, else the one /etc/localtime links to or /etc/timezone names; "UTC" where
    none does (Windows, whose web view takes the system's zone whatever TZ says)."""
    candidates = [os.environ.get("TZ", "").removeprefix(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()))
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    for candidate in candidates:
        name = candidate.partition("/zoneinfo/")[2] if candidate.startswith("/") else candidate
        name = name.removeprefix("posix/")
        if name and known_time_zone(name):
            return name
    return "UTC"


def known_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # a POSIX rule ("CET-1CEST"), a misspelt name, a folder
        return False
    return True
