"""The real window when the data folder's disk fills up: what was typed is not lost at Quit."""

import sqlite3
import subprocess
from contextlib import closing

import pytest

from tests.reliability.conftest import data_dir_with_own_logs, fill_up, poll
from tests.shell.test_window import (
    close_with_sigterm, screenshot, settled_screen, start_window, wait_for_log, xdotool,
)

pytestmark = pytest.mark.window


def notes_in(data_dir) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(data_dir / "notedesk.sqlite3", timeout=10)) as connection:
        return connection.execute("SELECT title, body FROM notes_note").fetchall()


def test_quit_with_an_edit_the_full_disk_refused_asks_and_the_edit_is_saved_once_there_is_room(mounts, tmp_path, app_env):
    # The window closed at once and the edit was gone: the page's own storage, where an unsaved
    # edit waits for the next launch, is in the data folder too.
    disk = mounts("-t", "tmpfs", "-o", "size=24m", "tmpfs", at=tmp_path / "disk")
    data_dir = data_dir_with_own_logs(disk, tmp_path / "logs", mounts)
    log_file = data_dir / "logs" / "notedesk.log"
    process = start_window(data_dir, app_env)
    try:
        list_shown = settled_screen(app_env)
        xdotool(app_env, "key", "ctrl+n")
        # The page opens the new note and gives its title the keyboard in one step, then paints.
        poll(lambda: screenshot(app_env) != list_shown, 30, "the new note's editor")
        xdotool(app_env, "type", "--delay", "20", "Packing list")
        poll(lambda: notes_in(data_dir) == [("Packing list", "")], 30, "the new note's save")
        filler = fill_up(disk)
        xdotool(app_env, "key", "Tab", "Tab")
        xdotool(app_env, "type", "--delay", "20", "passport, tickets")
        wait_for_log(log_file, r"PATCH /api/notes/\d+/ failed: The disk that holds your data is full", process)
        xdotool(app_env, "key", "ctrl+q")

        wait_for_log(log_file, "Closing with changes the data folder refused: asking first", process)
        shot = subprocess.run(["import", "-window", "root", str(tmp_path / "asked.png")], env=app_env, timeout=30)
        assert shot.returncode == 0
        xdotool(app_env, "key", "Return")  # the default answer: keep the window open
        wait_for_log(log_file, "The window stays open: its last changes are not saved yet", process)
        assert process.poll() is None

        filler.unlink()  # the person frees some space; the page's next try saves the edit
        poll(lambda: notes_in(data_dir) == [("Packing list", "passport, tickets")], 90, "the edit's save once there was room")
        xdotool(app_env, "key", "ctrl+q")
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            close_with_sigterm(process)
    assert notes_in(data_dir) == [("Packing list", "passport, tickets")]
