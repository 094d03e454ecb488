"""A data folder on a USB stick formatted FAT32 or exFAT, as Linux's vfat driver answers for it: no
POSIX modes, no hard links, no socket files (tests/shell/fat_drive.py refuses each as vfat does;
tests/reliability/test_removable_drives.py uses real FAT and exFAT file systems where it can)."""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from django_desktop_shell import storage_errors
from django_desktop_shell.process import native_dialogs, window

from tests.conftest import ROOT, assert_exits_cleanly_within, launcher_command
from tests.reliability.conftest import ApiClient

FAT_DRIVE = Path(__file__).with_name("fat_drive.py")


def launch_on_fat(drive: Path, data_dir: Path, env: dict) -> subprocess.Popen:
    command = launcher_command("--headless", "--data-dir", str(data_dir))
    return subprocess.Popen([sys.executable, str(FAT_DRIVE), str(drive), *command[1:]], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def ready_client(process: subprocess.Popen) -> ApiClient:
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        assert False, f"expected READY, got {line!r}; stderr: {process.communicate(timeout=30)[1]}"
    url = urlsplit(line.split(" ", 1)[1].strip())
    return ApiClient(url.port, parse_qs(url.query)["token"][0])


@pytest.fixture
def drive():
    """A short path, as a drive's mount point is (/media/jurgen/STICK): short enough for the
    single-instance channel's socket to go in the data folder, were the drive to take one."""
    folder = Path(tempfile.mkdtemp(prefix="nd-"))
    yield folder / "USB stick"
    shutil.rmtree(folder)


def test_notes_on_a_fat_drive_are_written_handed_over_to_and_there_at_the_next_launch(drive, app_env):
    """Before, the launch stopped at "Cannot write to the data folder …: Operation not permitted"
    (its chmod), then, past that, on the per-install secrets (written with a hard link) and the
    single-instance channel (a socket in the data folder)."""
    data_dir = drive / "Notizen" / "Jürgen's Ünterlagen" / "日本"
    first = launch_on_fat(drive, data_dir, app_env)
    try:
        api = ready_client(first)
        created = api.send_json("POST", "/api/notes/", {"title": "On the stick", "body": "carried between computers"})
        assert created.status == 201, created.body
        api.close()
        second = subprocess.run([sys.executable, str(FAT_DRIVE), str(drive),
                                 *launcher_command("--headless", "--data-dir", str(data_dir))[1:]],
                                capture_output=True, text=True, env=app_env, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running headless on this data folder" in second.stdout
    finally:
        first.terminate()
        assert_exits_cleanly_within(first, 15)
    host_label = (data_dir / "host_label").read_text()

    again = launch_on_fat(drive, data_dir, app_env)
    try:
        api = ready_client(again)
        notes = api.request("GET", "/api/notes/").json()
        assert [(note["title"], note["body"]) for note in notes["notes"]] == [("On the stick", "carried between computers")]
        api.close()
    finally:
        again.terminate()
        assert_exits_cleanly_within(again, 15)
    assert (data_dir / "host_label").read_text() == host_label  # the browser's cookies still belong to it


@pytest.mark.parametrize("problem, then", [
    (storage_errors.UNREACHABLE, "They are saved nowhere else: copy them before you quit Notedesk."),
    (storage_errors.FULL, "They are saved once it is fixed, as long as Notedesk stays open."),
])
def test_the_question_at_quit_after_the_drive_was_pulled_out_says_the_changes_are_saved_nowhere_else(
        monkeypatch, settings, problem, then):
    """Before, it said "They are saved once it is fixed, as long as Notedesk stays open": with the
    drive plugged back, they were not (the app's files were on the drive that went), and the page's
    own copy of them was on it too."""
    settings.DESKTOP_APP_NAME = "Notedesk"
    asked = []
    monkeypatch.setattr(native_dialogs, "ask", lambda window, title, text, **answers: asked.append(text) or False)
    refused_at = time.monotonic()
    storage_errors.note_refused_write(problem.format(app="Notedesk"))
    assert not window.quit_despite_refused_saves(None, "Notedesk", refused_at)
    assert asked == [f"{problem.format(app='Notedesk')} {then}"]
