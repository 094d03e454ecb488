"""Process signals: SIGINT and SIGTERM end Notedesk as cleanly as closing its window."""

import logging
import os
import signal
import threading
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
FORCED_EXIT_AFTER_S = 3.0
logger = logging.getLogger(__name__)


def call_on_stop_signal(callback: Callable[[], None]) -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda signum, frame: callback())


def watch_stop_signals() -> threading.Event:
    """From now on SIGINT and SIGTERM set the returned event instead of killing the process."""
    stop = threading.Event()
    call_on_stop_signal(stop.set)
    return stop


def wait_for(stop: threading.Event) -> None:
    # A timed wait keeps the main thread responsive to signals on every platform.
    while not stop.wait(0.5):
        pass


def close_on_stop_signal(close: Callable[[], None]) -> None:
    """On SIGINT or SIGTERM call `close`; if the process is still alive FORCED_EXIT_AFTER_S later
    (a GUI toolkit stuck in teardown), end it anyway: every acknowledged save is already on disk."""

    def stop():
        watchdog = threading.Timer(FORCED_EXIT_AFTER_S, force_exit)
        watchdog.daemon = True  # a clean exit does not wait for it
        watchdog.start()
        close()

    call_on_stop_signal(stop)


def force_exit() -> None:
    logger.warning("Did not stop within %.0f s of the stop signal; exiting now", FORCED_EXIT_AFTER_S)
    logging.shutdown()
    os._exit(0)
