"""`--diagnose`: what a person sends to support, read at the terminal before it is saved."""

import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from django_desktop_shell.identity import load
from django_desktop_shell.process.diagnostics import clock, data_folder, section, user_key_folder
from tests.conftest import ROOT, launcher_command, project_whose_settings_do_not_import, start_headless

SECRET_WORDS = "quokkasecret diagnosis, in confidence"
MAKE_A_NOTE = ("from django.contrib.auth import get_user_model; from embedded_site.notes.models import Note; "
               f"Note.objects.create(owner=get_user_model().objects.create(username='me'), title='{SECRET_WORDS}', "
               f"body='{SECRET_WORDS}')")


def diagnose(data_dir, env) -> subprocess.CompletedProcess:
    return subprocess.run(launcher_command("--diagnose", "--data-dir", str(data_dir)), capture_output=True, text=True,
                          env=env, timeout=60)


def test_the_report_says_the_versions_and_the_data_folders_health_without_notes_secrets_or_the_home_folder(tmp_path, app_env):
    env = {**app_env, "HOME": str(tmp_path)}
    data_dir = tmp_path / "my notes"
    subprocess.run(launcher_command("--data-dir", str(data_dir), "manage", "migrate"), env=env, check=True,
                   capture_output=True, timeout=60)
    subprocess.run(launcher_command("--data-dir", str(data_dir), "manage", "shell", "--command", MAKE_A_NOTE), env=env,
                   check=True, capture_output=True, timeout=60)

    result = diagnose(data_dir, env)

    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert report.splitlines()[2].startswith("Notedesk 0.1.0 (desktop shell 0.1.0, Django ")
    assert "ok: the data folder ~/my notes can be written to" in report
    assert "ok: the database notedesk.sqlite3 (" in report and ") is sound" in report
    assert "ok: Notedesk is not running on this data folder" in report
    assert "ok: the database 'default' is up to date with this version" in report
    assert "notedesk.sqlite3  " in report  # the data folder's files, with their sizes
    assert "Starting Notedesk 0.1.0" in report  # the end of the log
    assert "quokkasecret" not in report
    for secret_file in ("secret_key", "instance.key", "host_label"):
        if (data_dir / secret_file).exists():
            assert (data_dir / secret_file).read_bytes().decode("latin-1").strip() not in report
    assert str(tmp_path) not in report


def test_the_report_names_a_damaged_database_and_changes_nothing_in_it(tmp_path, app_env):
    data_dir = tmp_path / "data"
    subprocess.run(launcher_command("--data-dir", str(data_dir), "manage", "migrate"), env=app_env, check=True,
                   capture_output=True, timeout=60)
    database = data_dir / "notedesk.sqlite3"
    with open(database, "r+b") as file:
        file.seek(4096 * 3)
        file.write(os.urandom(4096))
    damaged = database.read_bytes()

    result = diagnose(data_dir, app_env)

    assert result.returncode == 0, result.stderr
    assert "PROBLEM: the database notedesk.sqlite3 (" in result.stdout and ") is damaged: " in result.stdout
    assert database.read_bytes() == damaged


def test_the_report_says_a_running_launch_holds_the_data_folder(tmp_path, app_env):
    process, _ = start_headless(tmp_path, app_env)
    try:
        result = diagnose(tmp_path / "data", app_env)
    finally:
        process.terminate()
        process.wait(10)
    assert result.returncode == 0, result.stderr
    assert "ok: Notedesk is running on this data folder" in result.stdout
    assert "Server ready on http://127.0.0.1:" in result.stdout


def test_the_report_of_a_data_folder_not_made_yet_makes_none(tmp_path, app_env):
    result = diagnose(tmp_path / "not yet", app_env)
    assert result.returncode == 0, result.stderr
    assert "does not exist yet: the first launch makes it" in result.stdout
    assert not (tmp_path / "not yet").exists()


def test_the_report_of_a_data_folder_made_but_never_launched_writes_nothing_into_it(tmp_path, app_env):
    """A folder made for the app (an administrator's, a restored backup's empty folder): the report
    wrote the install's secret key, its host label and the launch's lock file into it."""
    data_dir = tmp_path / "made for it"
    data_dir.mkdir(mode=0o700)
    result = diagnose(data_dir, app_env)
    assert result.returncode == 0, result.stderr
    assert "ok: the shell's checks of the settings pass" in result.stdout
    assert "ok: Notedesk is not running on this data folder" in result.stdout
    assert list(data_dir.iterdir()) == []


@pytest.mark.parametrize("changed, added, said", [
    ("mysite/settings.py", "DEBUG = True\n",
     "PROBLEM: The settings cannot be used for a desktop app:\n- DEBUG is on without --dev"),
    ("polls/models.py", "\n\nclass Scan(models.Model):\n    original = models.FileField()\n",
     "PROBLEM: polls.Scan.original takes uploads, but DESKTOP_MAX_REQUEST_BODY is not set"),
])
def test_the_report_says_what_the_shells_checks_say_at_a_launch(polls_copy, tmp_path, app_env, changed, added, said):
    """The checks ran as for a `manage` command, which skips every one that needs the app's server:
    a launch refused with desktop.E003, or warned with desktop.W028, while the report said "ok: the
    shell's checks of the settings pass"."""
    with (polls_copy / changed).open("a", encoding="utf-8") as file:
        file.write(added)
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--diagnose", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert said in result.stdout
    assert "ok: the shell's checks of the settings pass" not in result.stdout


def test_a_clock_set_back_to_1999_is_a_problem_the_report_names():
    assert clock(datetime(1999, 12, 31, 23, 0, tzinfo=timezone.utc)).startswith(
        "PROBLEM: the computer's clock reads 1999-12-31: set it right")
    assert clock(datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)).startswith("ok: the clock reads 2026-12-06")


def test_the_report_names_a_file_of_another_users_in_the_data_folder_and_the_command_that_gives_it_back(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    (data_dir / "backups").mkdir(parents=True)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(data_dir).st_uid + 1)
    said = data_folder(data_dir)
    assert said.startswith(f"PROBLEM: the data folder {data_dir}: The data folder {data_dir} holds {data_dir / 'backups'}, "
                           "which belongs to another user (")
    assert "sudo chown -R " in said


def test_the_report_says_when_the_home_folder_cannot_keep_the_users_own_key(tmp_path, monkeypatch):
    """A home folder that cannot be written (a kiosk's, HOME unset by a service): the app worked, but
    its log said only "Could not keep the start page for the next launch: [Errno 2] No such file or
    directory: '/proc/nothere'", and every launch started slower."""
    monkeypatch.setenv("XDG_STATE_HOME", "/proc/nothere/state")
    assert user_key_folder(load(ROOT)) == (
        "PROBLEM: the user's own key cannot be kept in /proc/nothere/state/notedesk (/proc cannot be written to): the "
        "start page is not kept between launches, so each one starts slower. Check the home folder (HOME)")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert user_key_folder(load(ROOT)) == f"ok: the user's own key can be kept in {tmp_path / 'state' / 'notedesk'}"


def test_a_settings_module_that_does_not_import_is_a_problem_in_the_report_not_the_end_of_it(tmp_path, app_env):
    """When the launch stops on "Unexpected error", --diagnose stopped on it too, with no report."""
    project = tmp_path / "project"
    ledger_launcher = project_whose_settings_do_not_import(project)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    result = subprocess.run([sys.executable, str(ledger_launcher), "--diagnose", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (f"PROBLEM: the settings ledger_settings cannot be loaded: FileNotFoundError: [Errno 2] No such file or "
            f"directory: '{project / 'config'}'\n") in result.stdout
    assert "== Settings (secrets left out)\n(the settings could not be read)\n" in result.stdout


def test_a_part_of_the_report_that_cannot_be_read_says_why_instead_of_ending_the_report():
    """A log folder of another user's ended --diagnose on a PermissionError's traceback."""
    def unreadable_log():
        raise PermissionError(13, "Permission denied", "/data/logs/notedesk.log")

    assert section("The log", unreadable_log) == (
        "== The log\n(could not be read: PermissionError: [Errno 13] Permission denied: '/data/logs/notedesk.log')")
    assert section("The crash log", lambda: "(none)") == "== The crash log\n(none)"


def test_the_report_names_a_wayland_display_that_does_not_answer_as_a_problem(tmp_path, app_env):
    env = {key: value for key, value in app_env.items() if key != "DISPLAY"} | {"WAYLAND_DISPLAY": "wayland-ended"}

    report = diagnose(tmp_path / "data", env).stdout

    assert "PROBLEM: No display could be opened (WAYLAND_DISPLAY=wayland-ended)" in report
    assert "ok: a display to open the window on" not in report
