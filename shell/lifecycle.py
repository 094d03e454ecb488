"""Process signals: SIGINT and SIGTERM end Notedesk as cleanly as closing its window."""

import signal
import threading
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
