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

Connections are only touched between requests: those of a thread that has started to answer
one meanwhile are left for the next time. The connections of the app's own background threads
(an import, sync) are never touched: they serve no request.
"""

import logging
import sqlite3
import threading
import time

from django.db import connections
from django.db.backends.signals import connection_created

from django_desktop_shell.process import c_heap

logger = logging.getLogger(__name__)

IDLE_S = 2.0


class IdleMemory:
    def __init__(self, idle_s: float = IDLE_S):
        self.idle_s = idle_s
        self.last_request_at = time.monotonic()
        # Written by each request thread for itself, without a lock: a lock taken at every answer,
        # and waking this watcher at each, cost the server CPU at every answer.
        self.answering: dict[int, bool] = {}  # a request thread → whether it is answering one now
        self.condition = threading.Condition()  # guards `used`; tells the watcher the first request came
        # A request thread → its SQLite connections, since they were last emptied (an empty list: it
        # had none when it was looked at, and is looked at again once it opens one).
        self.used: dict[int, list] = {}
        connection_created.connect(self.forget_connections)

    def watching(self, app):
        """The WSGI app, each request noted on its way through; and the watcher started. (Django's
        request signals, with a lock and a wake-up of the watcher at each answer, did it for ~20 µs more
        of the server's CPU an answer at 8 clients: docs/performance.md.)"""

        def application(environ, start_response):
            thread = threading.get_ident()
            self.answering[thread] = True
            try:
                return app(environ, start_response)
            finally:
                self.answering[thread] = False
                self.last_request_at = time.monotonic()
                # A thread keeps its connections: looked up once per quiet time, and not at every
                # answer of a thread that has none (a JSON answer from memory, docs/performance.md).
                if thread not in self.used:
                    self.note_connections(thread)

        threading.Thread(target=self.run, name="desktop-idle-memory", daemon=True).start()
        return application

    def note_connections(self, thread: int) -> None:
        with self.condition:
            first = not any(self.used.values())
            self.used[thread] = [wrapper for wrapper in connections.all(initialized_only=True) if wrapper.vendor == "sqlite"]
            if first and self.used[thread]:
                self.condition.notify()

    def forget_connections(self, sender, connection, **kwargs) -> None:
        """A thread has opened a connection: it is looked up again after its answer."""
        with self.condition:
            self.used.pop(threading.get_ident(), None)

    def run(self) -> None:
        while True:
            with self.condition:
                self.condition.wait_for(lambda: any(self.used.values()))
            while (quiet_for := time.monotonic() - self.last_request_at) < self.idle_s or any(list(self.answering.values())):
                time.sleep(max(self.idle_s - quiet_for, self.idle_s / 4))
            with self.condition:
                self.give_back()

    def give_back(self) -> None:
        """With the condition held. A thread that has started to answer a request meanwhile keeps
        its connections as they are until the next time (SQLite would make them take turns)."""
        started = time.perf_counter()
        emptied = 0
        for thread, wrappers in list(self.used.items()):
            if self.answering.get(thread):
                continue
            del self.used[thread]
            for wrapper in wrappers:
                if wrapper.connection is None:  # closed since (Django closes a connection left unusable)
                    continue
                try:
                    wrapper.connection.execute("PRAGMA shrink_memory")
                    emptied += 1
                except sqlite3.Error as error:
                    logger.warning("Could not empty a database connection's cache: %s", error)
        c_heap.trim()
        logger.debug("Idle: emptied %d connections' caches and trimmed the heap in %.1f ms",
                     emptied, (time.perf_counter() - started) * 1000)

