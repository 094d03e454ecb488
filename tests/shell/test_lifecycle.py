"""A stop signal ends Notedesk even when the GUI toolkit does not finish closing."""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from django_desktop_shell.process import lifecycle
from tests.conftest import ROOT, browser_opener, exit_code_within, hangup_as_a_session_gives_it, launcher_command

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


SIGNAL_WHILE_THE_WINDOW_BEGINS_ITS_WAY_OUT = """
import os, signal
from django_desktop_shell.process import lifecycle
stop = lifecycle.watch_stop_signals()
with lifecycle.way_out_began:  # the window's close beginning the way out, as the signal comes
    os.kill(os.getpid(), signal.SIGTERM)
lifecycle.wait_for(stop)
print("stopped", flush=True)
"""


def test_a_stop_signal_that_comes_as_the_window_begins_its_way_out_still_stops_the_process():
    # The signal's handler runs on the thread the signal interrupts, here one holding the way out's lock:
    # it waited for that lock forever, before any watchdog was set, and the process never ended.
    result = subprocess.run([sys.executable, "-c", SIGNAL_WHILE_THE_WINDOW_BEGINS_ITS_WAY_OUT], cwd=ROOT,
                            capture_output=True, text=True, timeout=20)
    assert (result.returncode, result.stdout) == (0, "stopped\n")


CLOSE_THAT_FAILS_ONCE = """
import os, signal, threading
from django_desktop_shell.process.lifecycle import close_on_stop_signal
closed = threading.Event()
calls = []

def close():
    calls.append(1)
    if len(calls) == 1:
        raise RuntimeError("the window was already gone")
    closed.set()

close_on_stop_signal(close)
os.kill(os.getpid(), signal.SIGTERM)
while not calls:
    threading.Event().wait(0.01)
os.kill(os.getpid(), signal.SIGINT)  # the person presses Ctrl+C again
print("closed" if closed.wait(10) else "unheard", flush=True)
"""


def test_a_close_that_fails_is_logged_and_the_next_stop_signal_is_still_heard():
    # The callback raised on the stop signals' thread and ended it: every later signal went unheard.
    result = subprocess.run([sys.executable, "-c", CLOSE_THAT_FAILS_ONCE], cwd=ROOT, capture_output=True, text=True,
                            timeout=20)
    assert result.stdout == "closed\n"
    assert "the window was already gone" in result.stderr
    assert "Exception in thread" not in result.stderr


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


def test_an_app_started_with_nohup_outlives_the_terminal_it_was_started_from(tmp_path, app_env):
    """SIGHUP now stops the app cleanly (a logout); `nohup`, which ignores it, still keeps it running."""
    process = subprocess.Popen(["nohup", *launcher_command("--headless", "--data-dir", str(tmp_path / "data"))],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=app_env, cwd=tmp_path)
    try:
        assert process.stdout.readline().startswith("READY ")
        process.send_signal(signal.SIGHUP)
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(3)
    finally:
        process.terminate()
        assert exit_code_within(process, 10) == 0


STOPPABLE_JOB = '''
import threading

from django.conf import settings
from django.dispatch import receiver
from django_desktop_shell.signals import app_stopping, database_ready

stop = threading.Event()


def run():
    while not stop.wait(0.05):
        pass
    (settings.DESKTOP_DATA_DIR / "job-finished").write_text("its last write")


job = threading.Thread(target=run, name="nightly-job")
database_ready.connect(lambda **kwargs: job.start(), weak=False)


@receiver(app_stopping)
def stop_the_job(**kwargs):
    stop.set()
    job.join(1)
'''


LONG_POLL = """

def long_poll(request):
    (settings.DESKTOP_DATA_DIR / "long-poll-waiting").touch()
    threading.Event().wait(30)  # no news
"""


def start_polls_with_a_job(polls_copy, data_dir, env, more_code=""):
    """examples/polls with a background job started at launch, and a long poll at /wait/; `more_code`
    goes in the job's module."""
    (polls_copy / "polls" / "jobs.py").write_text(STOPPABLE_JOB + LONG_POLL + more_code, encoding="utf-8")
    with (polls_copy / "polls" / "apps.py").open("a", encoding="utf-8") as apps:
        apps.write("\n    def ready(self):\n        from . import jobs  # noqa: F401\n")
    with (polls_copy / "mysite" / "urls.py").open("a", encoding="utf-8") as urls:
        urls.write("\nfrom polls.jobs import long_poll  # noqa: E402\n\nurlpatterns.append(path('wait/', long_poll))\n")
    process = subprocess.Popen([sys.executable, str(polls_copy / "launcher.py"), "--headless", "--data-dir", str(data_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=hangup_as_a_session_gives_it)
    line = process.stdout.readline()
    assert line.startswith("READY "), process.stderr.read() if process.poll() is not None else line
    return process, line.split(" ", 1)[1].strip()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda signum: signum.name)
def test_a_project_s_thread_is_told_the_app_is_stopping_and_finishes_its_work(polls_copy, tmp_path, app_env, stop_signal):
    """A project's background job had no way to know the app was quitting: the shell waited 1.5 s for
    it, then ended the process in the middle of whatever it was doing ("Did not stop within 1.5 s;
    exiting anyway (threads still running: ['nightly-job'])"). app_stopping tells it in time."""
    data_dir = tmp_path / "data"
    process, _ = start_polls_with_a_job(polls_copy, data_dir, app_env)
    process.send_signal(stop_signal)
    assert exit_code_within(process, 20) == 0
    assert (data_dir / "job-finished").read_text() == "its last write"
    assert "Did not stop within" not in (data_dir / "logs" / "polls.log").read_text()


def test_a_project_s_thread_is_told_the_app_is_stopping_while_a_long_poll_holds_the_server(polls_copy, tmp_path,
                                                                                            app_env):
    """The server waits up to 1.5 s for a request still running as it stops, the whole time SIGTERM
    allowed: told after that, the job never was, and the process was ended in the middle of its work."""
    data_dir = tmp_path / "data"
    process = start_polls_holding_a_long_poll(polls_copy, data_dir, app_env)
    process.send_signal(signal.SIGTERM)
    assert exit_code_within(process, 20) == 0
    assert (data_dir / "job-finished").read_text() == "its last write"


SLOW_TO_STOP = """

@receiver(app_stopping)
def slow_to_stop(**kwargs):
    time.sleep(float((settings.DESKTOP_DATA_DIR / "stop-takes").read_text()))
"""


def test_a_stop_slower_than_its_steps_allow_is_cut_short_to_the_way_out_s_budget_and_ends_by_itself(polls_copy, tmp_path,
                                                                                                  app_env):
    """After SIGTERM the server waited up to 1.5 s for a long poll and its stop as long again, the
    page, the window and the write-ahead logs each their own time, together more than the 1.5 s the
    watchdog allowed: the process was forced out (os._exit), what runs at exit skipped ("Did not stop
    within 1.5 s", 1 cycle of 105 of tests/shell/stress.py under load). The steps share one budget."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "stop-takes").write_text("1.2")  # a project's receiver, slow but within the budget
    process = start_polls_holding_a_long_poll(polls_copy, data_dir, app_env, "import time\n" + SLOW_TO_STOP)
    process.send_signal(signal.SIGTERM)
    assert exit_code_within(process, 20) == 0
    log = (data_dir / "logs" / "polls.log").read_text()
    assert "Did not stop within" not in log
    assert "Waiting for the server's last requests is cut short to" in log
    assert "the process ends within 3.0 s of a stop signal, and the steps before it took the rest" in log


def test_a_stop_that_hangs_is_ended_by_the_watchdog_which_says_so(polls_copy, tmp_path, app_env):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "stop-takes").write_text("60")
    process, _ = start_polls_with_a_job(polls_copy, data_dir, app_env, "import time\n" + SLOW_TO_STOP)
    process.send_signal(signal.SIGTERM)
    assert exit_code_within(process, 20) == 0
    log = (data_dir / "logs" / "polls.log").read_text()
    assert "Did not stop within 3.0 s of a stop signal; exiting anyway (threads still running: ['MainThread'" in log
    # The exception: nothing is lost, but the log says what a copy of the database file alone lacks.
    assert "; cut short: the write-ahead logs not folded into the databases: their last writes are in the -wal files " \
        "beside them, read from there at the next launch (a copy of a database file alone lacks them)" in log


def start_polls_holding_a_long_poll(polls_copy, data_dir, env, more_code=""):
    process, launch_url = start_polls_with_a_job(polls_copy, data_dir, env, more_code)
    opener = browser_opener()
    opener.open(launch_url, timeout=10).close()

    def wait_for_news():
        with contextlib.suppress(OSError):  # the app ends without answering
            opener.open(launch_url.split("/launch/")[0] + "/wait/", timeout=60)

    threading.Thread(target=wait_for_news, daemon=True).start()
    deadline = time.monotonic() + 30
    while not (data_dir / "long-poll-waiting").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (data_dir / "long-poll-waiting").exists()
    return process


def test_the_way_out_of_a_closed_window_is_watched_only_once_the_run_returns(monkeypatch):
    """After the window's close, "Restart to update" hands over once the server has stopped, copying
    each database first (updates/apply.py), which takes what it takes: a watchdog counted from the
    close would end the process in the middle of that copy, and the update would not be installed.
    The close starts the steps' budget alone; the watchdog starts as the run returns."""
    fired = []
    monkeypatch.setattr(lifecycle, "FORCED_EXIT_AFTER_S", 0.3)
    monkeypatch.setattr(lifecycle, "force_exit", lambda: fired.append(lifecycle.watched_from))
    for name, value in (("steps_end_at", None), ("began_with", ""), ("watched_from", "")):
        monkeypatch.setattr(lifecycle, name, value)
    lifecycle.begin_the_way_out("the window's close", watched=False)
    assert lifecycle.time_for("A step", 10.0) < 0.3  # the steps draw on the budget from the close
    time.sleep(0.6)
    assert fired == []
    lifecycle.begin_the_way_out("the run's end")
    deadline = time.monotonic() + 10
    while not fired and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fired == ["the run's end"]
    assert lifecycle.began_with == "the window's close"


SLOW_START_UP_WORK = '''
import time

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone
from django_desktop_shell.signals import database_ready

from polls.models import Question


@receiver(database_ready)
def slow_start_up_work(**kwargs):
    Question.objects.create(question_text="written at the start", pub_date=timezone.now())
    (settings.DESKTOP_DATA_DIR / "start-up-work-waiting").touch()
    time.sleep(30)  # a step far slower than the way out allows
    Question.objects.create(question_text="written after the slow step", pub_date=timezone.now())
'''


def quit_once_it_touches(marker, polls_copy, data_dir, env, *launcher_args, stop_signal=signal.SIGTERM):
    """examples/polls launched (in a window, unless `launcher_args` say otherwise), sent `stop_signal` once
    its slow start touches `marker` in the data folder; it exits 0. Returns the ended process."""
    process = subprocess.Popen([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(data_dir),
                                *launcher_args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while not (data_dir / marker).exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read() if process.poll() else "slow"
        time.sleep(0.05)
    process.send_signal(stop_signal)
    assert exit_code_within(process, 20) == 0
    return process


def with_slow_start_up_work(polls_copy):
    (polls_copy / "polls" / "start_up.py").write_text(SLOW_START_UP_WORK, encoding="utf-8")
    with (polls_copy / "polls" / "apps.py").open("a", encoding="utf-8") as apps:
        apps.write("\n    def ready(self):\n        from . import start_up  # noqa: F401\n")


def assert_folded_keeping_what_the_start_wrote(data_dir):
    database = data_dir / "polls.sqlite3"
    log = (data_dir / "logs" / "polls.log").read_text()
    assert not database.with_name("polls.sqlite3-wal").exists() or database.with_name("polls.sqlite3-wal").stat().st_size == 0, log
    assert "Did not stop within" not in log  # it ends once the way out is done, the receiver where it is
    assert "cut short" not in log  # the migrations had ended: nothing of the way out was cut for them
    with contextlib.closing(sqlite3.connect(database)) as reading:
        assert reading.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert reading.execute("SELECT question_text FROM polls_question").fetchall() == [("written at the start",)]


def test_a_quit_during_the_apps_start_up_work_folds_the_write_ahead_log_and_keeps_what_it_wrote(polls_copy, tmp_path,
                                                                                                   app_env):
    """The window closed (here by SIGTERM) while a database_ready receiver still ran: the quit waited
    for the whole start, the watchdog ended the process first, and polls.sqlite3-wal kept the
    receiver's write, which a copy of the database file alone lacks. The databases are up to date
    by then: the quit folds them as it does with the app's threads running, the receiver's next
    write waiting until the process ends, never made, and the process ends without waiting for it."""
    with_slow_start_up_work(polls_copy)
    data_dir = tmp_path / "data"
    quit_once_it_touches("start-up-work-waiting", polls_copy, data_dir, app_env)
    assert_folded_keeping_what_the_start_wrote(data_dir)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=lambda signum: signum.name)
def test_a_stop_signal_during_a_headless_start_ends_it_as_a_quit_during_a_window_s_start_does(polls_copy, tmp_path,
                                                                                               app_env, stop_signal):
    """--headless (a service manager's SIGTERM, a person's Ctrl+C at the terminal) waited for the whole
    start, its database_ready receivers and the server: the watchdog ended the process first ("Did not
    stop within 3.0 s"), the write-ahead log not folded, and the terminal said nothing. The start is
    stopped where it is, as the window's, and the terminal says so."""
    with_slow_start_up_work(polls_copy)
    data_dir = tmp_path / "data"
    process = quit_once_it_touches("start-up-work-waiting", polls_copy, data_dir, app_env, "--headless",
                                   stop_signal=stop_signal)
    assert process.stdout.read() == ""  # no READY line: it never was
    assert process.stderr.read() == ("polls: stopped before it was ready, as asked; what its start had not done yet is "
                                     "done at the next launch.\n")
    assert_folded_keeping_what_the_start_wrote(data_dir)


SLOW_MIGRATION = '''
import time

from django.conf import settings
from django.db import migrations


def slow_data_migration(apps, schema_editor):
    apps.get_model("polls", "Question").objects.create(question_text="written by the migration", pub_date="2026-12-07T10:00Z")
    (settings.DESKTOP_DATA_DIR / "migration-under-way").touch()
    time.sleep(30)


class Migration(migrations.Migration):
    dependencies = [("polls", "0001_initial")]
    operations = [migrations.RunPython(slow_data_migration, migrations.RunPython.noop)]
'''


def test_a_quit_during_a_migration_leaves_it_to_the_next_launch_and_says_so(polls_copy, tmp_path, app_env):
    """A quit while a migration runs does not fold the database: the write refused to the migration
    would fail it, and the launch would put the database back from its copy. The start is cut where
    it is, SQLite takes back the migration under way, and the log says what was not folded."""
    (polls_copy / "polls" / "migrations" / "0002_slow.py").write_text(SLOW_MIGRATION, encoding="utf-8")
    data_dir = tmp_path / "data"
    quit_once_it_touches("migration-under-way", polls_copy, data_dir, app_env)
    log = (data_dir / "logs" / "polls.log").read_text()
    assert "Quit before the databases were up to date: the start is cut where it is" in log
    assert "Did not stop within" not in log and "put back" not in log
    with contextlib.closing(sqlite3.connect(data_dir / "polls.sqlite3")) as reading:
        assert reading.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert reading.execute("SELECT count(*) FROM polls_question").fetchall() == [(0,)]
        assert reading.execute("SELECT name FROM django_migrations WHERE app = 'polls'").fetchall() == [("0001_initial",)]
