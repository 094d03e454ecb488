"""A stop signal ends Notedesk even when the GUI toolkit does not finish closing."""

import os
import subprocess
import sys
import time

from tests.conftest import ROOT

STUCK_WINDOW = """
import os, signal, time
from django_desktop_shell.process.lifecycle import close_on_stop_signal
close_on_stop_signal(lambda: None)  # a window whose close never completes
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(30)
"""


def test_a_stop_signal_ends_the_process_even_if_the_window_never_closes():
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", STUCK_WINDOW], cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0
    assert time.monotonic() - started < 15  # far less than the 30 s the process would otherwise sleep


LEFTOVER_THREAD = """
import threading
from django_desktop_shell.process.lifecycle import exit_promptly
threading.Thread(target=threading.Event().wait, name="never-ends").start()  # a library's stuck thread
exit_promptly(3)
"""


def test_the_exit_code_comes_through_even_with_a_thread_that_never_ends():
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", LEFTOVER_THREAD], cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert result.returncode == 3
    assert time.monotonic() - started < 15


PRINTED_THEN_LEFTOVER_THREAD = """
import threading
from django_desktop_shell.process.lifecycle import exit_promptly
print('[{"model": "catalog.item", "pk": 1}]')  # a command's output, going to a pipe or a file
threading.Thread(target=threading.Event().wait, name="refresher").start()  # the project's job, not a daemon
exit_promptly(0)
"""


def test_what_a_run_printed_comes_through_when_a_thread_that_never_ends_forces_the_exit():
    """A project's background thread kept the process alive until the watchdog ended it, and what the
    run had printed to a pipe or a file was dropped: the built app's `manage dumpdata > data.json`
    wrote an empty file and exited 0, and its `--self-test` in CI printed nothing. (The built app
    ignores PYTHONUNBUFFERED, which the test runs without.)"""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    result = subprocess.run([sys.executable, "-c", PRINTED_THEN_LEFTOVER_THREAD], cwd=ROOT, capture_output=True,
                            text=True, env=env, timeout=20)
    assert result.returncode == 0
    assert result.stdout == '[{"model": "catalog.item", "pk": 1}]\n'


STOPPED_RUN_WITH_A_LEFTOVER_THREAD = """
import os, signal, threading
from django_desktop_shell.process.lifecycle import close_on_stop_signal, exit_promptly
closed = threading.Event()
close_on_stop_signal(closed.set)
os.kill(os.getpid(), signal.SIGTERM)
closed.wait()
# pywebview's, waiting on a script that the closed window never runs
threading.Thread(target=threading.Event().wait, name="never-ends").start()
exit_promptly(1)  # a start that failed
"""


def test_a_run_closed_by_a_stop_signal_still_exits_with_its_own_code():
    """The stop signal's watchdog fires first: it must end the process with the run's code, not 0."""
    result = subprocess.run([sys.executable, "-c", STOPPED_RUN_WITH_A_LEFTOVER_THREAD], cwd=ROOT,
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 1
