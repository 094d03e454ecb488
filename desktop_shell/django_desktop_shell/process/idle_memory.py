"""What a burst of requests leaves in memory, given back once the app has had none for a while.

Each server thread keeps its SQLite connection (CONN_MAX_AGE=None: opening one costs 1-2 ms),
and each connection keeps a page cache of up to 2 MB that its requests filled; what SQLite and
Python free goes back to the C library's heap, which glibc keeps for the next allocation. So
after scrolling through 10,000 notes and a few searches the app process held ~16 MB more than at
its start, for as long as it ran (docs/performance.md, issue 18). When no request has run for
IDLE_S, each connection that served one since the last time runs `PRAGMA shrink_memory` (its
cache emptied, its size unchanged: the next burst fills it again, from the OS's file cache), and
glibc returns its heap's free pages to the system.

A smaller page cache would have saved as much, but for good: a write of many pages (an import)
spills them to the database's log before its end when they no longer fit.

Connections are only touched between requests: a request that starts while they are emptied
waits for that (about a millisecond). The connections of the app's own background threads (an
import, sync) are never touched: they serve no request.
"""

import ctypes
import logging
import sqlite3
import sys
import threading
import time

from django.core.signals import request_finished, request_started
from django.db import connections

logger = logging.getLogger(__name__)

IDLE_S = 2.0


class IdleMemory:
    def __init__(self, idle_s: float = IDLE_S):
        self.idle_s = idle_s
        self.condition = threading.Condition()
        self.in_flight = 0
        self.last_request_at = time.monotonic()
        self.used = {}  # a request thread → its SQLite connections, since the last time they were emptied

    def watch(self) -> "IdleMemory":
        request_started.connect(self.request_started, dispatch_uid="desktop-idle-memory-started")
        request_finished.connect(self.request_finished, dispatch_uid="desktop-idle-memory-finished")
        threading.Thread(target=self.run, name="desktop-idle-memory", daemon=True).start()
        return self

    def request_started(self, **kwargs) -> None:
        with self.condition:
            self.in_flight += 1

    def request_finished(self, **kwargs) -> None:
        with self.condition:
            self.in_flight = max(0, self.in_flight - 1)  # Django sends it again if an answer is closed twice
            thread = threading.get_ident()
            if not self.used.get(thread):  # a thread keeps its connections: looked up once per quiet time
                self.used[thread] = [wrapper for wrapper in connections.all(initialized_only=True)
                                     if wrapper.vendor == "sqlite"]
            self.last_request_at = time.monotonic()
            self.condition.notify()

    def run(self) -> None:
        with self.condition:
            while True:
                self.condition.wait_for(lambda: any(self.used.values()) and not self.in_flight)
                quiet_for = time.monotonic() - self.last_request_at
                if quiet_for < self.idle_s:
                    self.condition.wait(self.idle_s - quiet_for)
                    continue  # a request may have come meanwhile: look again
                self.give_back()

    def give_back(self) -> None:
        """Runs with the condition held: no request runs meanwhile."""
        started = time.perf_counter()
        emptied = 0
        for wrappers in self.used.values():
            for wrapper in wrappers:
                if wrapper.connection is None:  # closed since (Django closes a connection left unusable)
                    continue
                try:
                    wrapper.connection.execute("PRAGMA shrink_memory")
                    emptied += 1
                except sqlite3.Error as error:
                    logger.warning("Could not empty a database connection's cache: %s", error)
        self.used.clear()
        trim_c_heap()
        logger.debug("Idle: emptied %d connections' caches and trimmed the heap in %.1f ms",
                     emptied, (time.perf_counter() - started) * 1000)


def trim_c_heap() -> None:
    """glibc's malloc_trim(0): the heap's free pages back to the system. Windows and macOS return
    them as they go, and have no such call."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None)
        if hasattr(libc, "malloc_trim"):  # not on musl
            libc.malloc_trim(0)
