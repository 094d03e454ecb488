"""Process signals: SIGINT, SIGTERM and SIGHUP end the app as cleanly as closing its window."""

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

# SIGHUP: the person logged out, or closed the terminal the app was started from; it killed the
# process outright, losing what the page had not saved and a project's thread in mid-write.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ())
FORCED_EXIT_AFTER_S = 1.5
logger = logging.getLogger(__name__)
# Asked by a watchdog when it fires: the code to end the process with (it may first say why the run
# failed). A stop signal's watchdog starts before the run has a code, and fires before exit_promptly's:
# with its own 0, a failed start closed by SIGTERM exited 0.
forced_exit_code: Callable[[], int] = lambda: 0
# Whether a watchdog is counting down to a forced exit (a stop signal came, or the run has returned).
forced_exit_coming = threading.Event()


def end_forced_exits_with(exit_code: Callable[[], int]) -> None:
    """From now on a forced exit ends the process with `exit_code()`: the run sets what it would
    return, and exit_promptly what it did return."""
    global forced_exit_code
    forced_exit_code = exit_code


def call_on_stop_signal(callback: Callable[[], None]) -> None:
    for signum in STOP_SIGNALS:
        if signum != signal.SIGINT and signal.getsignal(signum) == signal.SIG_IGN:
            continue  # started with nohup: the person asked it to outlive the terminal
        signal.signal(signum, lambda signum, frame: callback())


def watch_stop_signals() -> threading.Event:
    """From now on SIGINT, SIGTERM and SIGHUP set the returned event instead of killing the process; as
    with a window, the process then ends within FORCED_EXIT_AFTER_S whatever its threads do."""
    stop = threading.Event()

    def stop_soon():
        start_watchdog()
        stop.set()

    call_on_stop_signal(stop_soon)
    return stop


def wait_for(stop: threading.Event) -> None:
    # A timed wait keeps the main thread responsive to signals on every platform.
    while not stop.wait(0.5):
        pass


def close_on_stop_signal(close: Callable[[], None]) -> None:
    """On SIGINT, SIGTERM or SIGHUP call `close`; if the process is still alive FORCED_EXIT_AFTER_S later
    (a GUI toolkit stuck in teardown), end it anyway: every acknowledged save is already on disk."""

    def stop():
        start_watchdog()
        close()

    call_on_stop_signal(stop)


def force_exit() -> None:
    stray = [thread.name for thread in threading.enumerate() if thread.is_alive() and not thread.daemon]
    logger.warning("Did not stop within %.1f s; exiting anyway (threads still running: %s)", FORCED_EXIT_AFTER_S, stray)
    try:
        code = forced_exit_code()
    except Exception:  # the process ends whatever happens here (a closed stderr, say)
        logger.exception("Could not tell how the run ended")
        code = 1
    logging.shutdown()
    # os._exit drops what print() left in the buffers: a command's output to a pipe or a file.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed, or none (a windowed app)
            stream.flush()
    os._exit(code)


def exit_promptly(code: int) -> None:
    """Exit with `code`, even if a library left a thread that never ends (pywebview's GTK
    backend can leave one waiting on a script result when the window closes right after a load)."""
    end_forced_exits_with(lambda: code)
    start_watchdog()
    sys.exit(code)


def start_watchdog() -> None:
    forced_exit_coming.set()
    watchdog = threading.Timer(FORCED_EXIT_AFTER_S, force_exit)
    watchdog.daemon = True  # a clean exit does not wait for it
    watchdog.start()
