"""Each person's own time zone on a server (server_settings.py): the browser's, which the page's
ajax.js sends in TIME_ZONE_HEADER, is the zone of the request, as the computer's is the desktop's
(settings.py). Today's note, `created:today` and `created:2026-12-06`, the exports' file names and
the dates of the devices page count in it.

A request without the header (a page loaded, an export's download link, a script) counts in the
zone the person's browser sent last, kept in their session; before any, in TIME_ZONE (UTC).
An import or export job counts in its request's zone (jobs.start).
"""

import logging
import re
import zoneinfo

from django.utils import timezone

from django_desktop_shell.errors import error_response
from django_desktop_shell.time_zones import known_time_zone

TIME_ZONE_HEADER = "X-Time-Zone"
SESSION_KEY = "time_zone"
# An IANA name: "Europe/Berlin", "America/Argentina/ComodRivadavia", "Etc/GMT+5".
ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]{1,64}(/[A-Za-z0-9_+-]{1,64}){0,3}")
logger = logging.getLogger(__name__)
unknown_zones_logged: set[str] = set()
# Past these, no more are logged nor kept: a script that sends a new name with each request would
# grow the log and the server's memory without end.
MOST_UNKNOWN_ZONES_LOGGED = 100


class BrowserTimeZoneMiddleware:
    """A header that is no zone name at all is refused with a 400 (only a broken client sends one).
    A well-formed name this server's zone data lacks counts in the person's last zone or UTC and
    is logged once: the browser's data may be newer than the server's tzdata (or Chrome's own
    "Etc/Unknown"), which the person cannot change, and refusing every request would stop them
    saving anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get(TIME_ZONE_HEADER)
        if sent is not None and not ZONE_NAME.fullmatch(sent):
            return error_response(request, 400, f"The {TIME_ZONE_HEADER} header is not a time zone's name, such as "
                                                "Europe/Berlin: leave it out to count days in UTC.")
        # A stranger's zone counts nothing (the login page has no dates), and is kept nowhere.
        zone = persons_zone(request, sent) if request.user.is_authenticated else None
        if zone is None:
            return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def persons_zone(request, sent: str | None) -> str | None:
    """The zone the browser sent, kept in the session if it is new there; else the one kept, if
    this server's zone data still has it."""
    if sent is not None and not known_time_zone(sent):
        if sent not in unknown_zones_logged and len(unknown_zones_logged) < MOST_UNKNOWN_ZONES_LOGGED:
            unknown_zones_logged.add(sent)
            logger.warning("A browser's time zone %r is not in this server's time zone data: its days are counted "
                           "in the zone it sent before, or UTC. Update the server's tzdata.", sent)
        sent = None
    kept = request.session.get(SESSION_KEY)
    if sent is not None and kept != sent:
        request.session[SESSION_KEY] = sent
    # The kept one checked again: a tzdata update may have dropped it since (Debian's split of
    # old names into tzdata-legacy, say).
    return sent or (kept if kept is not None and known_time_zone(kept) else None)
