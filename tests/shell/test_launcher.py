"""The launcher as a person runs it: a real process, its output and its exit code."""

import errno
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_desktop_shell.identity import load
from django_desktop_shell.process.errors import failure_message
from django_desktop_shell.process.launcher import handed_over
from django_desktop_shell.process.single_instance import RunningInstance
from tests.conftest import (
    ROOT, assert_exits_cleanly_within, browser_opener, exit_code_within, homeless_env, launcher_command,
    project_whose_settings_do_not_import, start_headless,
)
from tests.shell.dialogs import xdotool
from tests.shell.update_repository import make_project


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_headless_prints_one_ready_url_that_opens_the_app_and_stops_cleanly(tmp_path, app_env, stop_signal):
    process, url = start_headless(tmp_path, app_env)
    try:
        opener = browser_opener()
        with opener.open(url, timeout=5) as response:
            assert response.status == 200
            assert "<title>Notedesk</title>" in response.read().decode()
            assert "token" not in response.url
        with opener.open(url.split("/launch/")[0] + "/ajax/fetch_json/", timeout=5) as response:
            assert response.status == 200
    finally:
        process.send_signal(stop_signal)
        code = exit_code_within(process, 5)
    assert code == 0
    # Stopped by itself, not ended by the watchdog that forces an exit 3 s after the signal.
    assert "Did not stop within" not in (tmp_path / "data" / "logs" / "notedesk.log").read_text()
    assert process.stdout.read() == ""  # READY was the only line


def test_headless_serves_on_loopback_only_on_the_requested_port(tmp_path, app_env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process, url = start_headless(tmp_path, app_env, "--port", str(port))
    try:
        assert re.match(rf"http://[0-9a-f]{{24}}\.notedesk\.localhost:{port}/launch/\?token=", url), url
    finally:
        process.terminate()
        exit_code_within(process, 5)


def test_a_port_in_use_gives_a_clear_error_and_a_nonzero_exit(tmp_path, app_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            launcher_command("--headless", "--port", str(port), "--data-dir", str(tmp_path)),
            capture_output=True, text=True, env=app_env, timeout=30,
        )
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"notedesk: Port {port} on 127.0.0.1 is already in use. "
        "Choose another with --port, or leave it out to pick a free one."
    )
    assert result.stdout == ""


def test_help_names_the_data_folder_used_without_data_dir(app_env, tmp_path):
    """Where the notes are, in the words a person can paste: their home folder as ~."""
    env = {**app_env, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "my data")}
    result = subprocess.run(launcher_command("--help"), capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "(default: $NOTEDESK_DATA_DIR, else ~/my data/Notedesk)" in " ".join(result.stdout.split())


@pytest.mark.parametrize("command", [["--headless"], ["manage", "migrate"]])
@pytest.mark.parametrize("refusal", ["ENOLCK", "EOPNOTSUPP"])
def test_a_data_folder_on_a_disk_that_cannot_lock_files_stops_the_launch_saying_so(app_env, tmp_path, command, refusal):
    """A home folder on NFS without its lock service (ENOLCK), or on sshfs (EOPNOTSUPP): the
    launch stopped on "Unexpected error: OSError: [Errno 37] No locks available", and nothing said
    the data folder's disk was the cause or what to do."""
    (tmp_path / "no_locks").mkdir()
    (tmp_path / "no_locks" / "sitecustomize.py").write_text(
        "import errno, fcntl, os\n\n"
        "def flock(fd, operation):\n"
        f"    raise OSError(errno.{refusal}, os.strerror(errno.{refusal}))\n\n"
        "fcntl.flock = flock\n")
    env = {**app_env, "PYTHONPATH": os.pathsep.join([str(tmp_path / "no_locks"), app_env.get("PYTHONPATH", "")])}
    data_dir = tmp_path / "data"
    result = subprocess.run(launcher_command("--data-dir", str(data_dir), *command), capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"notedesk: The data folder {data_dir} is on a disk that cannot lock files "
        f"({os.strerror(getattr(errno, refusal))}), which Notedesk needs so that two launches never write it at "
        "once: keep the data folder on a local disk (--data-dir DIR, or NOTEDESK_DATA_DIR for every launch), or "
        "have the file server's locking turned on (NFS: its lock service, rpc.statd)."
    )
    assert not (data_dir / "notedesk.sqlite3").exists()


def test_a_user_with_no_home_at_all_is_told_to_name_a_data_folder_and_then_starts(app_env, tmp_path):
    """A user with no HOME and no entry in the password database (a container's uid, a system
    account an administrator runs the app as): every launch, --help too, stopped on a traceback
    ending in platformdirs' "RuntimeError: could not determine the home directory"; and with a data
    folder named, the window's quit stopped on it (the user key kept in the home folder), and so
    did --diagnose, which support asks for."""
    env = homeless_env(app_env, tmp_path)
    result = subprocess.run(launcher_command("--headless"), capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == ("notedesk: This user has no home folder, where Notedesk keeps its data unless told: "
                                     "name a data folder with --data-dir DIR, or NOTEDESK_DATA_DIR for every launch.")
    helped = subprocess.run(launcher_command("--help"), capture_output=True, text=True, env=env, timeout=60)
    assert "(default: $NOTEDESK_DATA_DIR, else none: this user has no home folder)" in " ".join(helped.stdout.split())
    # Named, the data folder is used, and the window's quit keeps no start page (no user key) and says nothing.
    tested = subprocess.run(launcher_command("--self-test", "--data-dir", str(tmp_path / "notes")), capture_output=True,
                            text=True, env=env, timeout=90)
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.splitlines()[-1] == "notedesk: self-test passed"
    assert "error" not in tested.stderr.lower()
    diagnosed = subprocess.run(launcher_command("--diagnose", "--data-dir", str(tmp_path / "notes")), capture_output=True,
                               text=True, env=env, timeout=60)
    assert diagnosed.returncode == 0, diagnosed.stderr
    assert "ok: the data folder" in diagnosed.stdout


@pytest.mark.parametrize("named", ["variable", "option"])
def test_a_user_with_no_home_whose_data_folder_is_named_from_home_is_told_so(app_env, tmp_path, named):
    """NOTEDESK_DATA_DIR=~/Documents/Notedesk, as an administrator sets it for every user in
    /etc/environment, or --data-dir=~/notes (which the shell does not expand after '='), run by a
    user with no home folder: the launch stopped on "Unexpected error: RuntimeError: Could not
    determine home directory"."""
    env = homeless_env(app_env, tmp_path)
    if named == "variable":
        env["NOTEDESK_DATA_DIR"] = "~/Documents/Notedesk"
    arguments = ["--data-dir=~/Documents/Notedesk"] if named == "option" else []
    result = subprocess.run(launcher_command(*arguments, "manage", "showmigrations"), capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == ("notedesk: The data folder ~/Documents/Notedesk is in the home folder, and this "
                                     "user has none: name a data folder with a full path, with --data-dir DIR, or "
                                     "NOTEDESK_DATA_DIR for every launch.")


def test_a_data_dir_variable_set_for_every_user_is_each_users_own_folder(app_env, tmp_path):
    """An administrator's NOTEDESK_DATA_DIR=/srv/notes/$USER in /etc/environment, which does not
    expand variables: before, every user's launch made a folder named "$USER", the first user's
    notes in it, and every other user was refused it."""
    env = {**app_env, "NOTEDESK_DATA_DIR": f"{tmp_path}/notes/$USER", "USER": "ann"}
    result = subprocess.run(launcher_command("manage", "showmigrations"), capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert [folder.name for folder in (tmp_path / "notes").iterdir()] == ["ann"]
    assert (tmp_path / "notes" / "ann" / "notedesk.sqlite3").exists()


def test_an_empty_data_dir_is_refused_not_taken_for_the_default_one(app_env, tmp_path):
    """`--data-dir "$NOTES"` with NOTES unset: before, the launch went on, on the person's usual data
    folder, as if --data-dir had not been given."""
    result = subprocess.run(launcher_command("--data-dir", "", "manage", "showmigrations"), capture_output=True,
                            text=True, env={**app_env, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")},
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "notedesk: error: argument --data-dir: it is empty: name a folder"
    assert list(tmp_path.iterdir()) == []  # no data folder made anywhere


def test_version_comes_from_pyproject(app_env):
    with open(ROOT / "pyproject.toml", "rb") as file:
        version = tomllib.load(file)["project"]["version"]
    result = subprocess.run(launcher_command("--version"), capture_output=True, text=True, env=app_env, timeout=30)
    assert result.stdout.strip() == f"Notedesk {version}"


# What the window imports as it is made and before it shows (run_window, its before_show handlers).
IMPORTED_BEFORE_THE_WINDOW_SHOWS = ("web_context", "context_menu", "drops", "download_bar", "native_dialogs")


def modules_imported_before_the_window_shows(project, data_dir) -> set[str]:
    """sys.modules once a launch of `project` has reached its window: the launcher, the window's
    modules, and the updater's start, in a fresh interpreter."""
    window_modules = ", ".join(f"django_desktop_shell.process.{name}" for name in IMPORTED_BEFORE_THE_WINDOW_SHOWS)
    result = subprocess.run(
        [sys.executable, "-c", f"import sys, pathlib, django_desktop_shell.process.launcher, {window_modules}\n"
                               "from django_desktop_shell.identity import load\n"
                               "from django_desktop_shell.updates import service\n"
                               f"service.for_run(load(pathlib.Path({str(project)!r})), pathlib.Path({str(data_dir)!r}), "
                               "'window').note_start()\n"
                               "print(*sys.modules, sep='\\n')"],
        capture_output=True, text=True, timeout=60, check=True)
    return set(result.stdout.split())


def test_the_launcher_and_the_window_import_nothing_of_django_before_the_window_shows(tmp_path):
    """With a kept start page the window is served before Django starts, so Django imported by the
    launcher's own modules (the log's set-up imported django.http, and with it Django's models:
    230 modules) came before the window, on the path to the first screen; so did the downloads
    bar's, on GTK's thread between the window's creation and its showing (183 modules of Django)."""
    imported = modules_imported_before_the_window_shows(ROOT, tmp_path)
    assert sorted(name for name in imported if name.split(".")[0] == "django") == []


def test_a_launch_imports_the_update_s_install_part_only_to_install_one(tmp_path):
    """The updater's install part (the update's script and the databases' copies, apply and sqlite3;
    what kind of install this is, install) was imported by every launch on the main thread before its
    window: Notedesk's, which has no update URL, and an app's with one, where it runs only to install
    a staged update (no window then) or at "Restart to update" (the window closed)."""
    install_part = {"django_desktop_shell.updates.apply", "django_desktop_shell.updates.install", "sqlite3"}
    assert sorted(modules_imported_before_the_window_shows(ROOT, tmp_path / "notedesk") & install_part) == []
    with_updates = modules_imported_before_the_window_shows(make_project(tmp_path / "project"), tmp_path / "data")
    assert sorted(with_updates & {"django_desktop_shell.updates.apply", "sqlite3"}) == []


def test_a_launch_imports_the_self_test_only_to_run_it(tmp_path):
    """The self-test's driver, and the module where sites register their checks, were imported by
    every launch on the main thread before its window, for `--self-test` alone."""
    imported = modules_imported_before_the_window_shows(ROOT, tmp_path)
    assert sorted(imported & {"django_desktop_shell.process.self_test", "django_desktop_shell.self_test"}) == []


def test_a_launch_imports_the_url_opener_only_for_a_file_url_on_its_command_line(tmp_path):
    """urllib.request (3-6 ms of import at load 0.4: its own 2,800 lines of handlers' classes) came on
    the main thread before every window, for the one function that turns a desktop entry's file:
    URL into a path; the shell's settings import it anyway, after the window of an everyday launch."""
    assert "urllib.request" not in modules_imported_before_the_window_shows(ROOT, tmp_path)


def test_manage_runs_a_django_command_on_the_data_dir(tmp_path, app_env):
    data_dir = tmp_path / "data"
    result = subprocess.run(
        launcher_command("--data-dir", str(data_dir), "manage", "check"),
        capture_output=True, text=True, env=app_env, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert (data_dir / "secret_key").exists()


def test_manage_runserver_is_refused_with_what_to_run_instead(tmp_path, app_env):
    """runserver on the app's settings started, and answered every request "This server only
    answers the Notedesk app." (400): its address is not the app's, and nothing had opened a launch."""
    result = subprocess.run(launcher_command("--data-dir", str(tmp_path / "data"), "manage", "runserver", "8811"),
                            capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 1
    assert result.stderr == (
        "notedesk: `manage runserver` would answer every request 400: the app's server answers its own window "
        "only. For a window with DEBUG on, run `python launcher.py --dev`; for a browser, `python launcher.py "
        "--headless --dev`; for runserver on your own settings, `python manage.py runserver`.\n")


def test_window_mode_without_a_display_says_so(tmp_path, app_env):
    env = {key: value for key, value in app_env.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        launcher_command("--data-dir", str(tmp_path)), capture_output=True, text=True, env=env, timeout=30
    )
    assert result.returncode == 1
    assert result.stderr == ("notedesk: No display was found (neither WAYLAND_DISPLAY nor DISPLAY is set). "
                             "Use --headless or --browser to run without a window.\n")


@pytest.mark.parametrize("dead_display", [{"WAYLAND_DISPLAY": "wayland-nobody-answers", "GDK_BACKEND": "wayland"},
                                     {"DISPLAY": ":79", "GDK_BACKEND": "x11"}])
def test_window_mode_on_a_display_that_does_not_answer_says_so(tmp_path, app_env, dead_display):
    """A WAYLAND_DISPLAY or DISPLAY left from a session that has ended (a terminal kept open
    across a logout, an ssh session's): the app ended on "Unexpected error: AttributeError"."""
    env = {key: value for key, value in app_env.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")} | dead_display
    result = subprocess.run(
        launcher_command("--data-dir", str(tmp_path)), capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    named = next(f"{name}={value}" for name, value in dead_display.items() if name.endswith("DISPLAY"))
    assert f"notedesk: No display could be opened ({named}, GDK_BACKEND={dead_display['GDK_BACKEND']})" in result.stderr
    assert "Use --headless or --browser to run without a window." in result.stderr
    assert "Unexpected error" not in result.stderr


@pytest.mark.parametrize("running, messages, to_terminal, said", [
    (RunningInstance("window", 8123), [], True, "Notedesk is already running on this data folder; its window was brought to the front."),
    (RunningInstance("self-test", 8123), [{"type": "open-url", "url": "notedesk://note/1"}], False,
     "Notedesk is already running on this data folder; the files and links were sent to its window."),
    (RunningInstance("headless", 8123, "http://a.notedesk.localhost:8123/launch/?token=t"), [], True,
     "Notedesk is already running headless on this data folder, on port 8123: open http://a.notedesk.localhost:8123/launch/?token=t"),
    (RunningInstance("headless", 8123, "http://a.notedesk.localhost:8123/launch/?token=t"), [], False,
     "Notedesk is already running headless on this data folder, on port 8123: open the link its READY line gives."),
    (RunningInstance("headless"), [{"type": "open-files", "paths": ["/a.md"]}], True,
     "Notedesk is already running headless on this data folder, still starting (it has no window to open files and "
     "links in): open the link its READY line gives."),
    (RunningInstance("browser", 8123), [], False,
     "Notedesk is already running in the browser on this data folder, on port 8123; it opened the app in a new browser tab."),
])
def test_a_second_launch_says_what_the_running_one_is_and_how_to_reach_it(running, messages, to_terminal, said):
    assert handed_over(load(ROOT), running, messages, to_terminal) == said


@pytest.mark.parametrize("running", [RunningInstance("window", 8123), RunningInstance("headless", 8123)])
def test_a_second_launch_with_dev_says_the_running_one_has_the_code_it_started_with(running):
    """A developer who edited a view and launched with --dev again got "already running…; its window
    was brought to the front", and the window went on running the view as it was."""
    said = handed_over(load(ROOT), running, [], False, dev=True)
    assert said.endswith(" It runs your code as it was when it started: quit it and launch again to run your "
                         "changes to Python code.")


def test_a_relaunch_gets_the_same_port_so_the_page_keeps_its_storage(tmp_path, app_env):
    ports = []
    for _ in range(2):
        process, url = start_headless(tmp_path, app_env)
        ports.append(url.split(":")[2].split("/")[0])
        process.terminate()
        assert_exits_cleanly_within(process, 5)
    assert ports[0] == ports[1]


def test_the_help_says_the_default_port_is_the_apps_own_that_the_page_s_storage_belongs_to(app_env):
    """--help said "default: a free one", and a developer whose single-page app keeps its preferences
    in localStorage could only expect them lost at each launch."""
    result = subprocess.run(launcher_command("--help"), capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    port_help = " ".join(result.stdout.split("--port PORT", 2)[2].split("--data-dir")[0].split())
    assert port_help == ("port on 127.0.0.1 (default: the app's own, chosen at its first launch, whose origin the "
                         "page's localStorage and IndexedDB belong to)")


def test_a_crash_of_the_process_leaves_every_thread_s_stack_in_the_crash_log(tmp_path, app_env):
    data_dir = tmp_path / "data"
    crash = "import ctypes; ctypes.string_at(0)"  # reads address 0: SIGSEGV
    result = subprocess.run(
        launcher_command("--data-dir", str(data_dir), "manage", "shell", "--command", crash),
        capture_output=True, text=True, env=app_env, timeout=60,
    )
    assert result.returncode == -signal.SIGSEGV
    crash_log = (data_dir / "logs" / "crashes.log").read_text()
    assert "Segmentation fault" in crash_log and "string_at" in crash_log
    assert (data_dir / "logs" / "crashes.log").stat().st_mode & 0o777 == 0o600


def test_an_unexpected_error_at_start_says_what_failed_on_which_file_and_where_the_log_is(tmp_path, app_env):
    """cookiecutter-django's settings resolve their own file strictly; a file that is not there (a
    build that left it out) stopped the start with "FileNotFoundError(2, 'No such file or
    directory'). The log file has the details.": neither the file nor the log's place."""
    project = tmp_path / "project"
    ledger_launcher = project_whose_settings_do_not_import(project)
    data_dir = tmp_path / "data"
    result = subprocess.run([sys.executable, str(ledger_launcher), "--headless", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, env=app_env, timeout=30)
    assert result.returncode == 1
    log = data_dir / "logs" / "ledger.log"
    assert result.stderr.strip() == (
        f"ledger: Unexpected error: FileNotFoundError: [Errno 2] No such file or directory: '{project / 'config'}'. "
        f"The traceback is in {log}.")
    assert "ledger_settings.py" in log.read_text()


def test_an_unexpected_errors_message_that_ends_a_sentence_is_not_given_a_second_full_stop():
    # Django's own messages end with one: "…without having set the STATIC_ROOT setting to a filesystem path.."
    error = ImproperlyConfigured("You're using the staticfiles app without having set the STATIC_ROOT setting to a filesystem path.")
    assert failure_message(error).startswith("Unexpected error: ImproperlyConfigured: You're using the staticfiles app "
                                             "without having set the STATIC_ROOT setting to a filesystem path. The ")


def test_a_file_the_build_left_out_says_which_and_what_to_add_to_pyproject(tmp_path, monkeypatch):
    """django-allauth[mfa]'s fido2 reads its public suffix list beside its code as it is imported: the
    built cookiecutter-django app stopped at its first start on "Unexpected error: FileNotFoundError: …"."""
    bundle = tmp_path / "_MEI123"
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    missing = bundle / "fido2" / "public_suffix_list.dat"
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", str(missing))
    assert failure_message(error).startswith(
        "The build left out fido2/public_suffix_list.dat, which the app reads: in pyproject.toml's [tool.desktop-shell], "
        "name fido2 in collect-all if it is a library, or the file in data-files if it is your project's, and build "
        f"again (docs/shipping-your-django-app.md, section 6). [Errno 2] No such file or directory: '{missing}'. The ")


@pytest.mark.parametrize("webview_first", [True, False])
def test_pywebviews_own_records_go_to_the_log_file_not_the_terminal(tmp_path, webview_first):
    """pywebview gives its logger a handler of its own, to stderr: a script it runs in a page that
    is navigating away ("window.pywebview._createApi" undefined) printed "[pywebview]
    WebKitJavascriptError…" and its traceback at the terminal, even in a passing self-test, where
    the terminal gets only the shell's own lines."""
    code = "\n".join([
        "import logging, pathlib, sys",
        "from django_desktop_shell.process.logs import configure_logging",
        *(["import webview"] if webview_first else []),
        f"configure_logging(pathlib.Path({str(tmp_path)!r}), 'polls', dev=False)",
        "import webview",
        "logging.getLogger('pywebview').error('WebKitJavascriptError: a test')",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "ERROR [MainThread] pywebview: WebKitJavascriptError: a test" in (tmp_path / "logs" / "polls.log").read_text()


def test_a_log_line_the_disk_refuses_is_said_once_at_the_terminal_without_a_traceback(tmp_path):
    """On a full disk, logging's own report was "--- Logging error ---" and a traceback at the
    terminal for every line that could not be written."""
    code = "\n".join([
        "import errno, logging, pathlib",
        "from django_desktop_shell.process.logs import configure_logging",
        f"configure_logging(pathlib.Path({str(tmp_path)!r}), 'polls', dev=False)",
        "handler = logging.getLogger().handlers[0]",
        "def full(*args): raise OSError(errno.ENOSPC, 'No space left on device')",
        "handler.stream.write = full",
        "for n in range(3): logging.getLogger('polls').warning('line %d', n)",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"polls: cannot write the log {tmp_path / 'logs' / 'polls.log'} (No space left on device): "
                             "what happens from now on may not be logged.\n")


def test_the_log_names_a_refused_request_s_address_without_the_words_in_it(tmp_path, app_env):
    # A tag's name is part of its address: the log, which a person attaches to a bug report, had
    # "Not Found: /api/tags/divorce-lawyer/" for every request on a tag that went wrong.
    process, url = start_headless(tmp_path, app_env)
    try:
        opener = browser_opener()
        opener.open(url, timeout=5).close()
        site = url.split("/launch/")[0]
        for address in ("/api/tags/divorce-lawyer/", "/api/notes/999999/"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                opener.open(site + address, timeout=5)
            assert refused.value.code in (404, 405)
    finally:
        process.send_signal(signal.SIGTERM)
        assert_exits_cleanly_within(process, 5)
    log = (tmp_path / "data" / "logs" / "notedesk.log").read_text()
    assert "divorce" not in log
    assert re.search(r"django.request: [\w ]+: /api/tags/<name>/\n", log)
    assert re.search(r"django.request: [\w ]+: /api/notes/999999/\n", log)  # a number finds the request


def test_each_launch_s_log_starts_with_the_versions_and_the_data_folder(tmp_path, app_env):
    """Support read a log sent by a person without knowing which version wrote it, nor on what."""
    data_dir = tmp_path / "data"
    subprocess.run(launcher_command("--data-dir", str(data_dir), "manage", "check"), env=app_env, check=True,
                   capture_output=True, timeout=60)
    first_line = (data_dir / "logs" / "notedesk.log").read_text().splitlines()[0]
    assert re.search(r"INFO \[MainThread\] django_desktop_shell: Starting Notedesk 0\.1\.0 \(desktop shell 0\.1\.0, "
                     r"Django [\d.]+, pywebview [\d.]+, Python [\d.]+, .+\), a management command, on the data folder "
                     + re.escape(str(data_dir)) + "$", first_line), first_line


def test_a_missing_webkit_says_what_to_install_and_how_to_run_meanwhile_in_a_dialog_and_at_the_terminal(tmp_path, app_env):
    """pywebview's word for it was two tracebacks ending "You must have either QT or GTK with Python
    extensions installed", after the shell's "Unexpected error: ValueError: Namespace WebKit2 not
    available"; started from the desktop's menu, with no terminal, the person saw nothing at all."""
    without_webkit = tmp_path / "without_webkit"
    without_webkit.mkdir()
    (without_webkit / "sitecustomize.py").write_text(
        "import gi\nrequire_version = gi.require_version\n"
        "def refuse_webkit(namespace, version):\n"
        "    if namespace.startswith('WebKit'):\n"
        "        raise ValueError(f'Namespace {namespace} not available')\n"
        "    return require_version(namespace, version)\n"
        "gi.require_version = refuse_webkit\n")
    env = {**app_env, "PYTHONPATH": os.pathsep.join(filter(None, [str(without_webkit), app_env.get("PYTHONPATH")]))}
    process = subprocess.Popen(launcher_command("--data-dir", str(tmp_path / "data")), stderr=subprocess.PIPE,
                               text=True, env=env)
    try:
        dialog = xdotool(env, "search", "--sync", "--onlyvisible", "--name", "^Notedesk could not start$").split()[0]
        xdotool(env, "windowfocus", "--sync", dialog, "key", "Return")
        code = exit_code_within(process, 15)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 1
    assert process.stderr.read() == (
        "notedesk: The window needs WebKitGTK and its GObject bindings, which this computer lacks (Namespace WebKit2 "
        "not available). Install them (Debian, Ubuntu: sudo apt install gir1.2-webkit2-4.1; Fedora: sudo dnf install "
        "webkit2gtk4.1), then start again; meanwhile --browser opens the app in your browser.\n")


FAILS_AFTER_THE_MIGRATIONS = """

    def ready(self):
        from django_desktop_shell.signals import database_ready

        database_ready.connect(fail_at_start, dispatch_uid="fail_at_start")


def fail_at_start(**kwargs):
    raise RuntimeError("boom in the start-up work")
"""


def test_a_start_that_fails_beside_the_window_is_logged_as_the_window_says_so_and_said_once(polls_copy, tmp_path, app_env):
    """The window's page said "The traceback is in …/polls.log", and the log had no word of it until
    the person closed the window; then a second window said it all again."""
    apps = polls_copy / "polls" / "apps.py"
    apps.write_text(apps.read_text() + FAILS_AFTER_THE_MIGRATIONS)
    log = tmp_path / "data" / "logs" / "polls.log"
    process = subprocess.Popen([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=app_env)
    try:
        [window] = xdotool(app_env, "search", "--sync", "--onlyvisible", "--name", "^polls$").split()
        deadline = time.monotonic() + 60  # only a failure waits this long
        while "RuntimeError: boom in the start-up work" not in (log.read_text() if log.exists() else "") \
                and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None, process.stderr.read()  # the window still open, saying why
        logged = log.read_text()
        xdotool(app_env, "windowfocus", "--sync", window, "key", "--clearmodifiers", "ctrl+q")
        code = exit_code_within(process, 15)  # not held by a second window saying it again
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" in logged and 'raise RuntimeError("boom in the start-up work")' in logged
    assert code == 1
    assert process.stderr.read().count("boom in the start-up work") == 1
