"""Process signals: SIGINT, SIGTERM and SIGHUP end the app as cleanly as closing its window."""

import contextlib
import logging
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable

# SIGHUP: the person logged out, or closed the terminal the app was started from; it killed the
# process outright, losing what the page had not saved and a project's thread in mid-write.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ())
# The way out, from a stop signal, the window's close or the run's end to the process's end: each
# of its steps (the page's last saves, the start page kept, the server stopped, the write-ahead logs
# folded) draws on what is left of it, and the watchdog ends the process only once it has all gone.
# Their own bounds added up to more than the 1.5 s the watchdog once allowed: under load 1 SIGTERM of
# 105 was a forced exit (tests/shell/stress.py).
FORCED_EXIT_AFTER_S = 3.0
# What the steps leave of it for the interpreter's own exit: the logs flushed, the databases closed.
KEPT_FOR_THE_INTERPRETER_S = 0.5
# The last step's: the write-ahead logs folded into the databases (database.fold_write_ahead_logs).
FOLD_WAIT_S = 0.5
logger = logging.getLogger(__name__)
# Asked by the watchdog when it fires: the code to end the process with (it may first say why the run
# failed). A stop signal's starts it before the run has a code: with its own 0, a failed start closed
# by SIGTERM exited 0.
forced_exit_code: Callable[[], int] = lambda: 0
way_out_began = threading.Lock()
# Once the way out has begun: when its steps must be over, and what began it (for the log). Set once.
steps_end_at: float | None = None
began_with = ""
# What started the watchdog, once it counts down.
watched_from = ""
# What a forced exit would leave undone of the steps under way (step_cut_leaves), for its log.
cut_by_a_forced_exit: list[str] = []


def end_forced_exits_with(exit_code: Callable[[], int]) -> None:
    """From now on a forced exit ends the process with `exit_code()`: the run sets what it would
    return, and exit_promptly what it did return."""
    global forced_exit_code
    forced_exit_code = exit_code


def call_on_stop_signal(callback: Callable[[], None]) -> None:
    """From now on each stop signal calls `callback`, on a thread of its own rather than in the signal's
    handler: the handler runs on the thread the signal interrupts, which may hold a lock the callback
    takes (the way out's, an Event's), and it waited for that lock forever. SimpleQueue.put is the
    hand-over that is safe there (reentrant, in C)."""
    global stop_signal_callback
    stop_signal_callback = callback
    if not stop_signal_caller.is_alive():
        stop_signal_caller.start()
    for signum in STOP_SIGNALS:
        if signum != signal.SIGINT and signal.getsignal(signum) == signal.SIG_IGN:
            continue  # started with nohup: the person asked it to outlive the terminal
        signal.signal(signum, lambda signum, frame: stop_signals.put(signum))


def call_on_each_stop_signal() -> None:
    while True:
        stop_signals.get()
        try:
            stop_signal_callback()
        except Exception:  # the next signal must still be heard: the person presses Ctrl+C again
            logger.exception("Could not act on a stop signal")


stop_signals = queue.SimpleQueue()
stop_signal_callback: Callable[[], None] = lambda: None
stop_signal_caller = threading.Thread(target=call_on_each_stop_signal, name="desktop-stop-signal", daemon=True)


def watch_stop_signals(wake: threading.Event | None = None) -> threading.Event:
    """From now on SIGINT, SIGTERM and SIGHUP set the returned event (and `wake`, if given) instead of
    killing the process; as with a window, the process then ends within FORCED_EXIT_AFTER_S whatever
    its threads do."""
    stop = threading.Event()

    def stop_soon():
        begin_the_way_out("a stop signal")
        stop.set()
        if wake is not None:
            wake.set()

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
        begin_the_way_out("a stop signal")
        close()

    call_on_stop_signal(stop)


def force_exit() -> None:
    stray = [thread.name for thread in threading.enumerate() if thread.is_alive() and not thread.daemon]
    logger.warning("Did not stop within %.1f s of %s; exiting anyway (threads still running: %s)%s", FORCED_EXIT_AFTER_S,
                   watched_from, stray, "".join(f"; cut short: {undone}" for undone in cut_by_a_forced_exit))
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


@contextlib.contextmanager
def step_cut_leaves(undone: str):
    """A step of the way out: a forced exit before it ends says in its log that it leaves `undone`."""
    cut_by_a_forced_exit.append(undone)
    try:
        yield
    finally:
        cut_by_a_forced_exit.remove(undone)


def exit_promptly(code: int) -> None:
    """Exit with `code`, even if a library left a thread that never ends (pywebview's GTK
    backend can leave one waiting on a script result when the window closes right after a load)."""
    end_forced_exits_with(lambda: code)
    begin_the_way_out("the run's end")
    sys.exit(code)


def begin_the_way_out(cause: str, watched: bool = True) -> None:
    """Start the way out's one budget, unless it has started already: its steps end within
    FORCED_EXIT_AFTER_S of the first `cause` (a stop signal, the window's close, the run's end).
    `watched`: and start the watchdog, unless it has started already, which ends the process that
    long after."""
    global steps_end_at, began_with, watched_from
    with way_out_began:
        if steps_end_at is None:
            steps_end_at = time.monotonic() + FORCED_EXIT_AFTER_S - KEPT_FOR_THE_INTERPRETER_S
            began_with = cause
        if not watched or watched_from:
            return
        watched_from = cause
    watchdog = threading.Timer(FORCED_EXIT_AFTER_S, force_exit)
    watchdog.daemon = True  # a clean exit does not wait for it
    watchdog.start()


def time_for(step: str, wanted: float, leaving: float = 0.0) -> float:
    """The seconds `step` of the way out may take: `wanted`, or what is left of the way out's budget,
    `leaving` seconds of it to the steps after it, if that is less (the log says so, and why). Before
    the way out has begun, `wanted`."""
    if steps_end_at is None:
        return wanted
    left = max(0.0, steps_end_at - leaving - time.monotonic())
    if left < wanted:
        logger.warning("%s is cut short to %.2f s of its %.1f s: the process ends within %.1f s of %s, and the steps "
                       "before it took the rest%s", step, left, wanted, FORCED_EXIT_AFTER_S, began_with,
                       f" ({leaving:.1f} s of it is for the steps after it)" if leaving else "")
        return left
    return wanted
