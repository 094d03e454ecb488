"""The launched process as another local user or process sees it: files, sockets, locks, logs."""

import hashlib
import os
import pwd
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import tempfile
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil
import pytest

from django_desktop_shell.database import BACKUPS_KEPT
from django_desktop_shell.identity import load
from django_desktop_shell.process import single_instance
from django_desktop_shell.process.errors import StartupError
from django_desktop_shell.process.open_requests import SHOW
from tests.conftest import (
    ROOT, assert_exits_cleanly_within, browser_opener, exit_code_within, launcher_command, start_headless,
)

IDENTITY = load(ROOT)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def running(tmp_path, app_env):
    process, url = start_headless(tmp_path, app_env)
    yield process, url, tmp_path / "data"
    if process.poll() is None:
        process.terminate()
        exit_code_within(process, 5)


def test_data_dir_is_private_and_every_file_in_it_owner_only(running):
    process, url, data_dir = running
    browser_opener().open(url, timeout=5).read()
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "logs") == 0o700
    files = [path for path in data_dir.rglob("*") if path.is_file() and not path.name.endswith(".lock")]
    assert {path.name for path in files} >= {"notedesk.sqlite3", "secret_key", "notedesk.log", "instance.key"}
    for path in files:
        assert mode(path) & 0o077 == 0, f"{path.name} is readable by others: {oct(mode(path))}"


def test_the_server_listens_on_loopback_only(running):
    process = running[0]
    listening = [
        connection.laddr for connection in psutil.Process(process.pid).net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN
    ]
    assert listening, "no listening socket found"
    assert {address.ip for address in listening} == {"127.0.0.1"}


def test_the_launch_token_never_reaches_the_log(running):
    process, url, data_dir = running
    opener = browser_opener()
    opener.open(url, timeout=5).read()
    token = url.split("token=")[1].split("&")[0]
    for path in ["/nowhere/", "/launch/?token=wrong"]:
        try:
            opener.open(url.split("/launch/")[0] + path, timeout=5)
        except OSError:
            pass
    process.terminate()
    exit_code_within(process, 5)
    log = (data_dir / "logs" / "notedesk.log").read_text()
    assert "Server ready" in log
    assert token not in log


def test_a_second_launch_on_the_same_data_dir_asks_the_first_to_show_and_exits_0(running, app_env):
    process, url, data_dir = running
    second = subprocess.run(
        launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True, text=True,
        env=app_env, timeout=30,
    )
    assert second.returncode == 0, second.stderr
    port = url.split(":")[2].split("/")[0]
    # The truth about a headless instance, and how to reach it; its launch link is not repeated
    # to an output that is not a terminal.
    assert second.stdout == (
        f"notedesk: Notedesk is already running headless on this data folder, on port {port}: "
        "open the link its READY line gives.\n"
    )
    deadline = time.monotonic() + 5
    log_file = data_dir / "logs" / "notedesk.log"
    while "asked this window to show itself" not in log_file.read_text():
        assert time.monotonic() < deadline, "the first launch never heard from the second"
        time.sleep(0.05)
    assert process.poll() is None  # the first one is still serving


def test_a_window_launch_without_a_display_hands_over_to_the_running_app(running, app_env, tmp_path):
    process, url, data_dir = running
    no_display = {key: value for key, value in app_env.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    second = subprocess.run(
        launcher_command("--data-dir", str(data_dir)), capture_output=True, text=True, env=no_display, timeout=30,
    )
    assert (second.returncode, second.stderr) == (0, "")
    assert "is already running headless on this data folder" in second.stdout


def test_a_browser_is_given_a_page_of_its_owner_s_not_the_launch_token(tmp_path, app_env):
    """Every user of the machine reads a browser's command line in /proc: it gets the path of a
    page in the data folder, readable by its owner only, that POSTs the token; the page goes when
    the app stops. A second launch has the app opened again in the browser from the same page."""
    opened = tmp_path / "opened"
    record = tmp_path / "record-url"
    record.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    record.chmod(0o700)
    env = {**app_env, "BROWSER": f"{record} %s"}
    data_dir = tmp_path / "data"
    first = subprocess.Popen(launcher_command("--browser", "--data-dir", str(data_dir)), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert first.stdout.readline() == "Notedesk is open in your browser. Ctrl+C here stops it.\n"
        [given] = wait_for_lines(opened, 1)
        launch_page = data_dir / "launch.html"
        assert given == launch_page.as_uri()
        assert mode(launch_page) == 0o600 and mode(data_dir) == 0o700
        page = launch_page.read_text()
        token = re.search(r'<input type="hidden" name="token" value="([^"]+)">', page)[1]
        assert re.search(r'<form method="post" action="http://[0-9a-f]{24}\.notedesk\.localhost:\d+/launch/">', page)
        assert 'onload="document.forms[0].submit()"' in page and "<button" in page  # and a button without script
        assert token not in " ".join(psutil.Process(first.pid).cmdline())
        second = subprocess.run(launcher_command("--headless", "--data-dir", str(data_dir)),
                                capture_output=True, text=True, env=env, timeout=30)
        assert second.returncode == 0, second.stderr
        assert "is already running in the browser on this data folder, on port" in second.stdout
        assert second.stdout.endswith("it opened the app in a new browser tab.\n")
        assert wait_for_lines(opened, 2) == [given, given]
    finally:
        first.terminate()
        exit_code_within(first, 5)
    assert not launch_page.exists()


def wait_for_lines(path, count: int, timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    while not path.exists() or len(path.read_text().splitlines()) < count:
        assert time.monotonic() < deadline, f"expected {count} lines in {path.name}"
        time.sleep(0.1)
    return path.read_text().splitlines()


def test_a_crashed_launch_leaves_no_lock_that_blocks_the_next(tmp_path, app_env):
    first, _ = start_headless(tmp_path, app_env)
    first.send_signal(signal.SIGKILL)
    first.wait(5)
    second, url = start_headless(tmp_path, app_env)
    try:
        assert browser_opener().open(url, timeout=5).status == 200
    finally:
        second.terminate()
        assert_exits_cleanly_within(second, 5)


def run_headless_until_ready(tmp_path, env, data_dir):
    process, _ = start_headless(tmp_path, env, data_dir=data_dir)
    process.terminate()
    assert_exits_cleanly_within(process, 5)


def schema_has_content_type_name(database) -> bool:
    with sqlite3.connect(database) as connection:
        return "name" in [row[1] for row in connection.execute("PRAGMA table_info(django_content_type)")]


def test_a_backup_is_made_before_a_migration_touches_an_existing_db(tmp_path, app_env):
    data_dir = tmp_path / "data"
    run_headless_until_ready(tmp_path, app_env, data_dir)
    assert not (data_dir / "backups").exists()  # a brand-new DB is not backed up
    rollback = subprocess.run(
        launcher_command("--data-dir", str(data_dir), "manage", "migrate", "contenttypes", "0001"),
        capture_output=True, text=True, env=app_env, timeout=60,
    )
    assert rollback.returncode == 0, rollback.stderr
    [before_rollback] = (data_dir / "backups").glob("notedesk-*.sqlite3")
    assert not schema_has_content_type_name(before_rollback)  # `manage migrate` backed up first

    run_headless_until_ready(tmp_path, app_env, data_dir)
    backups = sorted((data_dir / "backups").glob("notedesk-*.sqlite3"))
    assert len(backups) == 2
    assert oct(mode(backups[-1])) == oct(0o600)
    assert schema_has_content_type_name(backups[-1])  # the launch's copy has the schema from before it migrated
    run_headless_until_ready(tmp_path, app_env, data_dir)
    assert len(list((data_dir / "backups").glob("*.sqlite3"))) == 2  # nothing to migrate: no new backup


def manage(data_dir, *args, env):
    return subprocess.run(
        launcher_command("--data-dir", str(data_dir), "manage", *args), capture_output=True, text=True, env=env, timeout=60,
    )


def test_manage_shows_the_database_as_it_is_and_only_migrate_changes_it(tmp_path, app_env):
    data_dir = tmp_path / "data"
    plan = manage(data_dir, "migrate", "--plan", env=app_env)
    assert plan.returncode == 0, plan.stderr
    assert "notes.0001_initial" in plan.stdout  # a fresh folder: the whole plan, nothing applied first

    listing = manage(data_dir, "showmigrations", "notes", env=app_env)
    assert "[ ] 0001_initial" in listing.stdout
    assert "migration(s) are pending on this database" in listing.stderr

    assert manage(data_dir, "migrate", env=app_env).returncode == 0
    listing = manage(data_dir, "showmigrations", "notes", env=app_env)
    assert "[X] 0001_initial" in listing.stdout
    assert listing.stderr == ""
    backward = manage(data_dir, "migrate", "notes", "zero", env=app_env)
    assert backward.returncode == 0, backward.stderr
    assert "[ ] 0001_initial" in manage(data_dir, "showmigrations", "notes", env=app_env).stdout


def test_a_corrupt_db_stops_the_start_with_a_clear_message_and_is_left_untouched(tmp_path, app_env):
    data_dir = tmp_path / "data"
    run_headless_until_ready(tmp_path, app_env, data_dir)
    database = data_dir / "notedesk.sqlite3"
    for leftover in data_dir.glob("notedesk.sqlite3-*"):
        leftover.unlink()
    database.write_bytes(b"this is not a database, it was damaged" * 200)
    before = hashlib.sha256(database.read_bytes()).hexdigest()

    result = subprocess.run(
        launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True, text=True,
        env=app_env, timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"Cannot open the database {database}" in result.stderr
    assert "Notedesk has not changed it" in result.stderr
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_a_corrupt_db_message_names_the_latest_backup(tmp_path, app_env):
    data_dir = tmp_path / "data"
    run_headless_until_ready(tmp_path, app_env, data_dir)
    backups = data_dir / "backups"
    backups.mkdir()
    for stamp in ["20260101-000000-000000", "20260301-000000-000000"]:
        (backups / f"notedesk-{stamp}.sqlite3").write_bytes(b"")
    (data_dir / "notedesk.sqlite3").write_bytes(b"\0garbage" * 512)
    for leftover in data_dir.glob("notedesk.sqlite3-*"):
        leftover.unlink()
    result = subprocess.run(
        launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True, text=True,
        env=app_env, timeout=60,
    )
    assert result.returncode == 1
    assert f"The latest backup is {backups / 'notedesk-20260301-000000-000000.sqlite3'}" in result.stderr


def test_another_programs_database_in_place_of_the_apps_is_refused_unchanged(tmp_path, app_env):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    database = data_dir / "notedesk.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO contacts (name) VALUES ('Ada')")
        connection.commit()
    refused_launch(data_dir, app_env, f"The database {database} is not Notedesk's: it holds another program's tables (contacts)")


def refused_launch(data_dir, env, saying: str) -> None:
    """A launch on `data_dir` that stops with exit code 1 saying `saying`, and leaves the database as it was."""
    database = data_dir / "notedesk.sqlite3"
    before = database.read_bytes()
    result = subprocess.run(
        launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 1
    assert saying in result.stderr
    assert "Notedesk has not changed it" in result.stderr
    assert database.read_bytes() == before


def backups_of(data_dir) -> list[Path]:
    return sorted((data_dir / "backups").glob("notedesk-*.sqlite3"))


def notes_in(database) -> int:
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute("SELECT count(*) FROM notes_note").fetchone()[0]


def seed(data_dir, count: int, env) -> None:
    seeded = manage(data_dir, "seed_demo_notes", str(count), env=env)
    assert seeded.returncode == 0, seeded.stderr


def backed_up_data_dir(tmp_path, env) -> tuple[Path, Path]:
    """A data folder of 3 notes after the day's first launch that found them, and its backup."""
    data_dir = tmp_path / "data"
    run_headless_until_ready(tmp_path, env, data_dir)
    seed(data_dir, 3, env)
    run_headless_until_ready(tmp_path, env, data_dir)
    [backup] = backups_of(data_dir)
    return data_dir, backup


def test_the_first_launch_of_a_day_backs_up_the_notes(tmp_path, app_env):
    data_dir, first = backed_up_data_dir(tmp_path, app_env)
    assert notes_in(first) == 3
    run_headless_until_ready(tmp_path, app_env, data_dir)
    assert backups_of(data_dir) == [first]  # the same day: no second copy

    yesterday = first.with_name(f"notedesk-{(datetime.now(timezone.utc) - timedelta(hours=25)):%Y%m%d-%H%M%S-%f}.sqlite3")
    first.rename(yesterday)
    seed(data_dir, 2, app_env)
    run_headless_until_ready(tmp_path, app_env, data_dir)
    [older, newest] = backups_of(data_dir)
    assert (older, notes_in(older), notes_in(newest)) == (yesterday, 3, 5)


def test_with_the_clock_set_back_a_launch_still_backs_up_once_a_day_and_names_its_copy_the_latest(tmp_path, app_env):
    data_dir, taken = backed_up_data_dir(tmp_path, app_env)
    from_the_future = taken.rename(taken.with_name("notedesk-20990101-000000-000000.sqlite3"))
    made = datetime(2099, 1, 1, tzinfo=timezone.utc).timestamp()
    os.utime(from_the_future, (made, made))  # the file's time, as the clock had it then
    seed(data_dir, 2, app_env)
    for launch in range(BACKUPS_KEPT):
        run_headless_until_ready(tmp_path, app_env, data_dir)
    kept = backups_of(data_dir)
    # One copy for the day, named after the one from the future so that it is pushed out first;
    # a copy at each launch pushed out every copy of the days before.
    assert kept[0] == from_the_future and len(kept) == 2
    assert notes_in(kept[-1]) == 5


# The notes, which the start reads, and a table it never reads, which only SQLite's check finds damaged.
@pytest.mark.parametrize("table", ["notes_note", "auth_permission"])
def test_a_database_damaged_inside_is_found_at_the_days_check_and_never_backed_up(tmp_path, app_env, table):
    data_dir = tmp_path / "data"
    run_headless_until_ready(tmp_path, app_env, data_dir)
    seed(data_dir, 300, app_env)
    database = data_dir / "notedesk.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file, none in the -wal
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        [root] = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    damaged = bytearray(database.read_bytes())
    table_root = slice((root - 1) * page_size, root * page_size)  # the page that leads to every row
    damaged[table_root] = bytes(byte ^ 0xFF for byte in damaged[table_root])
    database.write_bytes(damaged)
    refused_launch(data_dir, app_env, f"Cannot open the database {database} (it is damaged")
    assert backups_of(data_dir) == []


LONG_DATA_DIR = "a-data-folder-with-a-rather-long-path/because/home/folders/and/cloud-sync/folders/are/often/this/deep"


@pytest.fixture
def long_data_dir(tmp_path, monkeypatch):
    """A data folder whose path is too long for a Unix socket, and a cache folder of the test's
    (with a short path, as ~/.cache is), without a session's runtime folder."""
    cache = Path(tempfile.mkdtemp(prefix="nd-"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    data_dir = tmp_path / LONG_DATA_DIR
    data_dir.mkdir(parents=True, mode=0o700)
    yield data_dir, cache
    shutil.rmtree(cache)


def test_a_long_data_folder_s_channel_is_in_the_session_s_runtime_folder(long_data_dir, tmp_path, monkeypatch):
    data_dir, _ = long_data_dir
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_dir))
    assert Path(single_instance.channel_address(data_dir, "notedesk")).parent == runtime_dir


def test_without_a_runtime_folder_the_channel_is_in_a_folder_of_the_user_s_own(long_data_dir):
    data_dir, cache = long_data_dir
    address = Path(single_instance.channel_address(data_dir, "notedesk"))
    assert address.parent == cache / "notedesk"
    assert mode(address.parent) == 0o700 and not address.parent.is_symlink()
    instance = single_instance.claim(data_dir, IDENTITY)
    try:
        assert stat.S_ISSOCK(os.stat(address).st_mode)
        assert single_instance.send_to_running_instance(data_dir, IDENTITY, [SHOW]).mode == "window"
    finally:
        instance.close()


def test_a_user_with_no_home_and_a_data_folder_too_long_for_a_socket_is_told_what_to_do(long_data_dir, monkeypatch):
    """No session runtime folder and no home folder for the channel's folder of the user's own (a
    container's uid, a system account): the launch stopped on "Unexpected error: RuntimeError:
    could not determine the home directory"."""
    data_dir, _ = long_data_dir
    for name in ("HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_such_user(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_such_user)
    with pytest.raises(StartupError) as refused:
        single_instance.claim(data_dir, IDENTITY)
    assert str(refused.value) == (
        f"The data folder {data_dir} has a path too long for the app's single-instance channel, and this user has "
        "neither a session runtime folder (XDG_RUNTIME_DIR) nor a home folder to keep the channel in: use a data "
        "folder with a shorter path.")


def test_a_data_folder_named_in_japanese_too_long_for_a_socket_in_bytes_starts_and_hands_over(long_data_dir, app_env):
    """56 characters, 112 bytes: within the 100 characters the socket's path was measured in, over
    the 108 bytes a socket's path may have. Before, the launch stopped on "Unexpected error:
    OSError: AF_UNIX path too long"."""
    _, cache = long_data_dir
    data_dir = cache / "日本語のノート" / "日本語のノート" / "日本語のノート" / "日本語のノート"
    process, _ = start_headless(cache, app_env, data_dir=data_dir)
    try:
        second = subprocess.run(launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True,
                                text=True, env=app_env, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running headless on this data folder" in second.stdout
    finally:
        process.terminate()
        assert_exits_cleanly_within(process, 15)


def test_a_data_folder_too_long_for_sqlite_says_so_at_the_launch(tmp_path, app_env):
    """Before: "Cannot open the database … (unable to open database file)", and, had there been a
    backup, to move "the damaged file" aside and copy the backup in its place."""
    data_dir = tmp_path.joinpath(*[f"a-fairly-long-folder-name-number-{number}-of-many" for number in range(12)])
    database = data_dir / "notedesk.sqlite3"
    launch = subprocess.run(launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True, text=True,
                            env=app_env, timeout=60)
    assert launch.returncode == 1
    assert launch.stderr == (
        f"notedesk: Cannot open the database {database}: its path is {len(os.fsencode(database))} bytes long, and "
        "SQLite opens none over 504. Notedesk has not changed it. Start Notedesk with --data-dir naming a folder "
        "with a shorter path (move this one there first if it holds your notes).\n")


def test_a_folder_another_user_made_in_the_temporary_folder_does_not_keep_the_app_from_starting(long_data_dir,
                                                                                                 monkeypatch):
    """The channel's folder was `/tmp/<slug>-<uid>`, which anyone can predict: another account that
    made it first kept the app from starting, and the person could not remove it (the temporary
    folder's sticky bit)."""
    if os.getuid() != 0:
        pytest.skip("only root can give a folder to another user")
    data_dir, _ = long_data_dir
    shared = Path(tempfile.mkdtemp(prefix="nd-tmp-"))
    shared.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    squatted = shared / f"notedesk-{os.getuid()}"
    squatted.mkdir(mode=0o700)
    os.chown(squatted, 65534, 65534)
    try:
        instance = single_instance.claim(data_dir, IDENTITY)
        try:
            assert single_instance.send_to_running_instance(data_dir, IDENTITY, [SHOW]).mode == "window"
        finally:
            instance.close()
    finally:
        shutil.rmtree(shared)


@pytest.mark.parametrize("made_by_another", ["open to all", "a symbolic link", "another user's"])
def test_a_channel_folder_another_user_made_stops_the_start_with_a_clear_message(long_data_dir, made_by_another):
    data_dir, cache = long_data_dir
    folder = cache / "notedesk"
    if made_by_another == "a symbolic link":
        (cache / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(cache / "elsewhere")
    else:
        folder.mkdir()
        folder.chmod(0o777 if made_by_another == "open to all" else 0o700)
        if made_by_another == "another user's":
            if os.getuid() != 0:
                pytest.skip("only root can give a folder to another user")
            os.chown(folder, 65534, 65534)
    with pytest.raises(StartupError, match=f"^{re.escape(str(folder))}, where the app keeps its single-instance "
                                           "channel, is not a folder of this user's alone"):
        single_instance.claim(data_dir, IDENTITY)


def test_the_launcher_says_at_the_terminal_why_it_cannot_use_the_channel_folder(long_data_dir, app_env):
    data_dir, cache = long_data_dir
    folder = cache / "notedesk"
    folder.mkdir()
    folder.chmod(0o777)
    env = {**app_env, "XDG_CACHE_HOME": str(cache)}
    env.pop("XDG_RUNTIME_DIR", None)
    launch = subprocess.run(launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True,
                            text=True, env=env, timeout=60)
    assert launch.returncode == 1 and launch.stdout == ""
    assert launch.stderr.startswith(f"notedesk: {folder}, where the app keeps its single-instance channel, is not a "
                                    "folder of this user's alone")


def test_a_data_folder_holding_a_symbolic_link_is_refused_and_nothing_is_written_or_deleted_through_it(tmp_path, app_env):
    """A data folder handed over on a stick (or made by anyone) with `exports` a link to the
    person's documents and `logs/notedesk.log` a link to their ~/.bashrc: the launch deleted every
    file of the documents folder (an earlier run's exports, it thought) and wrote its log at the
    end of .bashrc, where a link a web page had the app refuse (its words logged) runs as a
    command."""
    documents, bashrc = tmp_path / "Documents", tmp_path / ".bashrc"
    documents.mkdir()
    (documents / "thesis.odt").write_bytes(b"four years")
    bashrc.write_text("alias ll='ls -l'\n")
    data_dir = tmp_path / "stick" / "Notedesk"
    (data_dir / "logs").mkdir(parents=True)
    (data_dir / "exports").symlink_to(documents)
    (data_dir / "logs" / "notedesk.log").symlink_to(bashrc)

    process = subprocess.Popen(launcher_command("--headless", "--data-dir", str(data_dir)), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=app_env)
    code = exit_code_within(process, 30)
    assert (code, process.stdout.read()) == (1, "")
    assert process.stderr.read().strip() == (
        f"notedesk: The data folder {data_dir} holds a symbolic link, {data_dir / 'exports'} → {documents}: the app "
        f"writes and deletes files in its data folder, and through the link would do so in {documents}. Remove the "
        "link (a data folder someone else made may hold others), then start again.")
    assert [path.name for path in documents.iterdir()] == ["thesis.odt"]
    assert bashrc.read_text() == "alias ll='ls -l'\n" and mode(bashrc) == 0o644


def test_a_host_label_that_is_not_the_app_s_own_is_made_anew_and_the_token_goes_nowhere_else(tmp_path, app_env):
    """A data folder someone else made (or could write: a stick) with `host_label` reading
    `127.0.0.1:9999/x?`: the READY line's launch URL, and the page --browser opens, sent the launch
    token to whatever listens on 127.0.0.1:9999, which then read and wrote the notes with it."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / "host_label").write_text("127.0.0.1:9999/x?")
    process, url = start_headless(tmp_path, app_env, data_dir=data_dir)
    try:
        label = (data_dir / "host_label").read_text()
        assert re.fullmatch(r"[0-9a-f]{24}", label)
        assert re.fullmatch(rf"http://{label}\.notedesk\.localhost:\d+/launch/\?token=[\w-]+&next=%2F", url)
    finally:
        process.terminate()
        exit_code_within(process, 15)
