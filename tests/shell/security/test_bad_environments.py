"""Each bad environment gets one clear line and a non-zero exit, with nothing written half-way."""

import os
import signal
import subprocess

import pytest

from tests.conftest import launcher_command
from tests.reliability.conftest import fill_up, poll
from tests.shell.test_window import FAILURE_LOGO, screenshot, shows_colour


def run_launcher(env, *args):
    return subprocess.run(launcher_command(*args), capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def read_only_dir(tmp_path):
    """A data dir nobody can write to: a read-only tmpfs as root (root ignores modes), else mode 0500."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], check=True)
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)


def test_a_read_only_data_dir_is_one_clear_line(read_only_dir, app_env):
    result = run_launcher(app_env, "--headless", "--data-dir", str(read_only_dir))
    assert result.returncode == 1
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    assert result.stderr.splitlines() == [f"notedesk: Cannot write to the data folder {read_only_dir}: {reason}."]
    assert list(read_only_dir.iterdir()) == []


def test_a_data_dir_on_a_full_disk_is_one_clear_line(tmp_path, app_env):
    """Before: "Unexpected error: OSError: [Errno 28] No space left on device. The traceback is in
    <the log>", a log the full disk had not taken: making an empty file, the only check, needs no room."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small file system")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        (disk / "Notes").mkdir()
        fill_up(disk)
        result = run_launcher(app_env, "--headless", "--data-dir", str(disk / "Notes"))
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"notedesk: The disk that holds the data folder {disk / 'Notes'} is full: free some space on it, then start again."]


def test_a_data_dir_that_cannot_be_created_is_one_clear_line(read_only_dir, app_env):
    wanted = read_only_dir / "notes"
    result = run_launcher(app_env, "--headless", "--data-dir", str(wanted))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"notedesk: Cannot create the data folder {wanted}")


def test_a_data_dir_that_is_a_file_is_one_clear_line(tmp_path, app_env):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run_launcher(app_env, "--headless", "--data-dir", str(not_a_folder))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"notedesk: The data folder {not_a_folder} is not a folder."]


@pytest.mark.window
def test_a_read_only_data_dir_is_said_in_a_window_too_for_a_launch_from_the_desktop(read_only_dir, app_env, tmp_path):
    # Started from the desktop's menu or a file manager, the launch wrote its line to no terminal:
    # nothing showed, and the app seemed not to start at all.
    process = subprocess.Popen(launcher_command("--data-dir", str(read_only_dir)), env=app_env, stderr=subprocess.PIPE,
                               text=True)
    try:
        poll(lambda: window_titled("Notedesk could not start", app_env), 30, "the window saying why")
        poll(lambda: shows_colour(screenshot(app_env), FAILURE_LOGO), 30, "the window's page painted")
        subprocess.run(["convert", "ppm:-", str(tmp_path / "could-not-start.png")], input=screenshot(app_env), check=True)
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(10)
    assert code == 1
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    assert process.stderr.read().splitlines() == [f"notedesk: Cannot write to the data folder {read_only_dir}: {reason}."]


def window_titled(title: str, env) -> bool:
    found = subprocess.run(["xdotool", "search", "--name", f"^{title}$"], capture_output=True, text=True, env=env, timeout=10)
    return bool(found.stdout.strip())
