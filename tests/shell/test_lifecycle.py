"""A stop signal ends Notedesk even when the GUI toolkit does not finish closing."""

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
