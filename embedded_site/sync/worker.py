"""The background sync of a device (docs/sync.md): a round a moment after local changes
(debounced), every SYNC_INTERVAL otherwise, at once on "Sync now"; after a failure, again after
a delay that doubles up to MAX_BACKOFF. Being offline is normal: a failure is a state to show,
and the app works on without a server."""

import logging
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

from django_desktop_shell.signals import app_stopping

from embedded_site.notes import changes
from embedded_site.notes.owners import local_owner
from embedded_site.sync import client
from embedded_site.sync.connection import forget_connection, read_connection, save_connection
from embedded_site.sync.models import SyncCursor

logger = logging.getLogger(__name__)

DEBOUNCE = 2.0
MAX_BACKOFF = 300.0
# What the quit gives the round under way to reach its next safe point (client.stop_here_if_asked):
# the way out has 3 s in all, and the fold of the database after it (process/lifecycle.py).
QUIT_WAIT_S = 0.5
quitting = threading.Event()  # once set, no round begins


def interval() -> float:
    return float(settings.NOTEDESK_SYNC_INTERVAL)


class Worker:
    def __init__(self, connection: dict):
        self.server = client.Server(connection["server_url"], connection["token"], connection["client_id"])
        self.wake = threading.Event()
        self.done = threading.Condition()
        self.now = False
        self.stopping = False
        self.rounds = 0
        self.syncing = False
        self.failures = 0
        self.error: client.SyncFailed | None = None
        self.thread = threading.Thread(target=self.run, name="notedesk-sync", daemon=True)

    def run(self) -> None:
        try:
            self.rounds_until_stopped()
        finally:
            client.forget_thread()

    def asked_to_stop(self) -> bool:
        return self.stopping or quitting.is_set()

    def rounds_until_stopped(self) -> None:
        while not self.asked_to_stop():
            delay = min(2**self.failures, MAX_BACKOFF) if self.failures else interval()
            if self.wake.wait(delay) and not self.now:
                while self.wake.wait(DEBOUNCE) and not self.now and not self.asked_to_stop():
                    self.wake.clear()  # changes keep coming: wait until they pause
            if self.asked_to_stop():
                break
            self.wake.clear()
            self.now = False
            self.one_round()

    def one_round(self) -> None:
        # `syncing` and `rounds` change under `done`'s lock, so sync_now never counts the end of a
        # round that began before it was asked.
        with self.done:
            self.syncing = True
        try:
            client.sync_round(self.server)
            self.failures, self.error = 0, None
        except client.SyncFailed as error:
            self.failures, self.error = self.failures + 1, error
            logger.info("Sync stopped (%s): %s", error.reason, error.message)
        except Exception:
            logger.exception("Sync failed")
            self.failures += 1
            self.error = client.SyncFailed("internal", "Sync failed inside Notedesk; the log says why. It is tried again.")
        finally:
            connection.close()
            with self.done:
                self.syncing = False
                self.rounds += 1
                self.done.notify_all()

    def poke(self, **kwargs) -> None:
        self.wake.set()

    def sync_now(self, wait: float = 0) -> None:
        """A round at once; with `wait`, return once it has ended (or that many seconds passed)."""
        with self.done:
            target = self.rounds + (2 if self.syncing else 1)
            self.now = True
            self.wake.set()
            if wait:
                self.done.wait_for(lambda: self.rounds >= target, timeout=wait)

    def stop(self, wait: float = client.TIMEOUT + 5) -> None:
        """No round begins from now on, and the one under way stops at its next safe point, its
        request cut; waits for its thread to end for up to `wait` seconds."""
        self.stopping = True
        self.wake.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            client.stop_requests(self.thread)
            self.thread.join(timeout=wait)
            if not self.thread.is_alive():  # it may have ended before it was marked stopped, and not forgotten it
                client.forget_thread(self.thread.ident)


current: Worker | None = None
lock = threading.Lock()


def start(connection_details: dict) -> Worker:
    global current
    with lock:
        if current:
            current.stop()
        current = Worker(connection_details)
        changes.local_change_committed.connect(current.poke, dispatch_uid="sync-worker")
        app_stopping.connect(stop_at_quit, dispatch_uid="sync-stop-at-quit")
        current.thread.start()
        current.sync_now()
        return current


def stop_at_quit(**kwargs) -> None:
    """app_stopping: the round under way stops at its next safe point, its request cut, and no other
    begins; the quit waits for it QUIT_WAIT_S at most (stop()'s own wait, for Disconnect, is far
    past the way out's 3 s). Left running, a round wrote on while the quit folded the database. A
    step that cannot be cut (a server's name looked up) ends with the process, writing nothing after it."""
    quitting.set()
    worker = current  # without the lock, which a Connect under way holds while it starts its worker
    if worker:
        worker.stop(wait=QUIT_WAIT_S)


def start_if_connected() -> None:
    details = None if getattr(settings, "NOTEDESK_SERVER", False) else read_connection()
    if details:
        start(details)


def connect(server_url: str, token: str) -> Worker:
    """Sync with this server from now on: every note here is pushed, everything there pulled."""
    client.send_everything(local_owner())
    SyncCursor.objects.filter(owner=local_owner()).update(last_synced=None)  # not with this server, yet
    return start(save_connection(server_url, token))


def disconnect() -> None:
    global current
    with lock:
        if current:
            changes.local_change_committed.disconnect(dispatch_uid="sync-worker")
            current.stop()
            current = None
        forget_connection()


def status() -> dict:
    owner = local_owner()
    cursor = SyncCursor.objects.filter(owner=owner).first()
    worker = current
    error = worker.error if worker else None
    return {
        "connected": worker is not None,
        "server_url": worker.server.url if worker else None,
        "last_synced": cursor.last_synced.isoformat() if cursor and cursor.last_synced else None,
        "pending": changes.pending(owner).count(),
        "syncing": bool(worker and worker.syncing),
        # Notes received so far in the round under way: a first pull of thousands takes a while.
        "received": worker.server.received if worker and worker.syncing else 0,
        "error": {"reason": error.reason, "message": error.message} if error else None,
        "checked": timezone.now().isoformat(),
    }
