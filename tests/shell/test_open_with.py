"""Open with, in the real window: `notedesk FILE.md` at start, and files sent by a second launch
to the running window, each shown as a note; bad files say why in the window."""

import sqlite3
import subprocess
import sys

import pytest

from django_desktop_shell.identity import load
from django_desktop_shell.process import page_loads
from django_desktop_shell.process.integration import DesktopIntegration
from tests.conftest import ROOT, launcher_command
from tests.shell.test_window import close_with_sigterm, settled_screen, start_window, wait_for_log

pytestmark = pytest.mark.window
LIST = "# Shopping list\n\n- milk\r\n- bread  \n"


def make_files(folder):
    folder.mkdir()
    (folder / "list.md").write_text(LIST, newline="")
    (folder / "latin1.txt").write_bytes("café".encode("latin-1"))
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (folder / "folder").mkdir()
    return folder


def notes_in(data_dir):
    with sqlite3.connect(f"file:{data_dir / 'notedesk.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute("SELECT title, body FROM notes_note ORDER BY id").fetchall()


def test_a_file_on_the_command_line_opens_as_a_note(tmp_path, app_env):
    data_dir, files = tmp_path / "data", make_files(tmp_path / "files")
    process = start_window(data_dir, app_env, command=lambda *args: launcher_command(*args, str(files / "list.md")))
    try:
        wait_for_log(data_dir / "logs" / "notedesk.log", r"Opening 1 file\(s\) from outside", process)
        subprocess.run(["convert", "ppm:-", str(tmp_path / "opened-at-start.png")], input=settled_screen(app_env), check=True)
        assert notes_in(data_dir) == [("Shopping list", LIST)]
    finally:
        close_with_sigterm(process)


def test_files_sent_by_a_second_launch_open_in_the_running_window(tmp_path, app_env):
    data_dir, files, shots = tmp_path / "data", make_files(tmp_path / "files"), tmp_path / "shots"
    shots.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.open_files", str(data_dir), str(files), str(shots)],
        capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"second launch: notedesk: There is no file {files / 'missing.md'}: nothing was opened." in result.stdout
    assert "the files and links were sent to its window" in result.stdout
    # A textarea shows CRLF as LF (the HTML standard); the note keeps the file's bytes exactly.
    assert 'body: "# Shopping list\\n\\n- milk\\n- bread  \\n"' in result.stdout
    toasts = result.stdout.split("toasts:\n", 1)[1].split("again:", 1)[0]
    for message in ("“folder” is a folder", "“photo.png” is not a text file", "“latin1.txt” is not valid UTF-8", "2 files opened as notes"):
        assert message in toasts
    assert "“list.md” was opened before, unchanged: its note is open." in result.stdout.split("again:", 1)[1]
    assert notes_in(data_dir) == [("latin1", "caf\ufffd"), ("Shopping list", LIST)]


def run_open_at_start(data_dir, env, *file_and_title) -> str:
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.open_at_start", str(data_dir), *file_and_title],
                            capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_file_on_the_command_line_is_shown_when_the_window_starts_on_the_page_kept_by_the_last_run(tmp_path, app_env):
    # Its note was made, but the window showed the list without it: the page it was shown on,
    # kept from the last run, was then replaced by the site's own, which lists the new note.
    data_dir, files = tmp_path / "data", make_files(tmp_path / "files")
    run_open_at_start(data_dir, app_env)
    shown = run_open_at_start(data_dir, app_env, str(files / "list.md"), "Shopping list")
    assert "editor: 'Shopping list'\n" in shown
    assert notes_in(data_dir) == [("Shopping list", LIST)]



class WindowOnItsWay:
    """A window whose address is already the app's page, while it still holds the loading view."""

    def __init__(self):
        self.page = "about:blank"

    def get_current_url(self):
        return "http://127.0.0.1:8123/"

    def run_js(self, script):
        assert script == page_loads.PAGE_URL_ONCE_LOADED
        return self.page


def test_the_loading_view_s_load_reported_as_the_app_s_page_is_on_its_way_does_not_pass_for_it(tmp_path):
    # pywebview reports a load from a thread, after its scripts have run in the page: the loading
    # view's came once the window was already on its way to the app's page, whose address it then
    # read. A file opened at launch made its note, and the event that shows it went to the page
    # that was going away: one launch in three on a new data folder showed the list without it.
    integration = DesktopIntegration(load(ROOT), tmp_path, tmp_path / "app.log", "gtk", "http://127.0.0.1:8123")
    integration.window = WindowOnItsWay()
    integration.on_loaded()
    assert not integration.page_ready.is_set()
    integration.window.page = ""  # the app's page, still loading
    integration.on_loaded()
    assert not integration.page_ready.is_set()
    integration.window.page = "http://127.0.0.1:8123/"
    integration.on_loaded()
    assert integration.page_ready.is_set()
