"""A server's notes kept within their limits: the trash emptied of what has been there longer
than it keeps notes, and revisions older than they are kept for pruned, when the server starts
and once a day after. A desktop does both at each launch (apps.py, on `database_ready`, which a
server does not send)."""

import logging
import threading
from datetime import timedelta

from django.db import connection

from embedded_site.notes.revisions import prune_expired
from embedded_site.notes.trash import purge_expired_trash

UPKEEP_EVERY = timedelta(days=1)
logger = logging.getLogger(__name__)


def keep_up() -> None:
    purged, pruned = purge_expired_trash(), prune_expired()
    if purged or pruned:
        logger.info("Upkeep: %d notes purged from the trash, %d old revisions pruned", purged, pruned)


def keep_up_in_background(stop: threading.Event | None = None) -> threading.Thread:
    """In a thread of its own, with its own connection: now, then every UPKEEP_EVERY until `stop`."""
    stop = stop or threading.Event()

    def run() -> None:
        while True:
            try:
                keep_up()
            except Exception:  # the server goes on; the next day tries again
                logger.exception("Upkeep failed")
            finally:
                connection.close()
            if stop.wait(UPKEEP_EVERY.total_seconds()):
                return

    thread = threading.Thread(target=run, name="notedesk-upkeep", daemon=True)
    thread.start()
    return thread
