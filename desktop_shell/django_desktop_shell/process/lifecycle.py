"""Process signals: SIGINT and SIGTERM end the app as cleanly as closing its window."""

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
FORCED_EXIT_AFTER_S = 1.5
logger = logging.getLogger(__name__)
# Set by exit_promptly: once the run has returned, any watchdog that fires ends the process with
# the run's code. A stop signal's watchdog, started before that with 0, fires first: a failed start
# closed by SIGTERM exited 0 whenever pywebview left a thread waiting on the closed window.
run_exit_code: int | None = None


def call_on_stop_signal(callback: Callable[[], None]) -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda signum, frame: callback())


def watch_stop_signals() -> threading.Event:
    """From now on SIGINT and SIGTERM set the returned event instead of killing the process; as
    with a window, the process then ends within FORCED_EXIT_AFTER_S whatever its threads do."""
    stop = threading.Event()

    def stop_soon():
        start_watchdog(code=0)
        stop.set()

    call_on_stop_signal(stop_soon)
    return stop


def wait_for(stop: threading.Event) -> None:
    # A timed wait keeps the main thread responsive to signals on every platform.
    while not stop.wait(0.5):
        pass


def close_on_stop_signal(close: Callable[[], None]) -> None:
    """On SIGINT or SIGTERM call `close`; if the process is still alive FORCED_EXIT_AFTER_S later
    (a GUI toolkit stuck in teardown), end it anyway: every acknowledged save is already on disk."""

    def stop():
        start_watchdog(code=0)
        close()

    call_on_stop_signal(stop)


def force_exit(code: int = 0) -> None:
    """End the process with the run's exit code if it has one by now, else with `code`."""
    stray = [thread.name for thread in threading.enumerate() if thread.is_alive() and not thread.daemon]
    logger.warning("Did not stop within %.1f s; exiting anyway (threads still running: %s)", FORCED_EXIT_AFTER_S, stray)
    logging.shutdown()
    os._exit(code if run_exit_code is None else run_exit_code)


def exit_promptly(code: int) -> None:
    """Exit with `code`, even if a library left a thread that never ends (pywebview's GTK
    backend can leave one waiting on a script result when the window closes right after a load)."""
    global run_exit_code
    run_exit_code = code
    start_watchdog(code)
    sys.exit(code)


def start_watchdog(code: int) -> None:
    watchdog = threading.Timer(FORCED_EXIT_AFTER_S, force_exit, args=[code])
    watchdog.daemon = True  # a clean exit does not wait for it
    watchdog.start()
