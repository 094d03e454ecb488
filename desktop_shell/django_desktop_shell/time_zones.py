"""The computer's own time zone: for a project's TIME_ZONE (django_desktop_shell.settings names it
too), and for the log's times, which Django's TIME_ZONE would otherwise change as it starts."""

import zoneinfo

import tzlocal


def machine_time_zone() -> str:
    """The computer's time zone by its name in the zone database ("Europe/Paris"), for TIME_ZONE,
    as tzlocal finds it: the one `TZ` names, else the system's (on Linux and macOS, what
    /etc/localtime links to or the distribution's file names; on Windows, the registry's zone,
    "W. Europe Standard Time", mapped to its name). "UTC" where none is named."""
    try:
        tzlocal.reload_localzone()  # afresh: TZ may have changed since the last call (a test's, a child's)
    except zoneinfo.ZoneInfoNotFoundError:
        pass  # TZ is a POSIX rule ("CET-1CEST"): tzlocal refuses it as a zone, and names the system's
    try:
        name = tzlocal.get_localzone_name()
    except (zoneinfo.ZoneInfoNotFoundError, LookupError, OSError, ValueError):  # conflicting files, an unknown Windows zone
        return "UTC"
    return name if name and known_time_zone(name) else "UTC"


def known_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # a POSIX rule ("CET-1CEST"), a misspelt name, a folder
        return False
    return True
