"""Each bad environment gets one clear line and a non-zero exit, with nothing written half-way."""

import os
import subprocess

import pytest

from tests.conftest import launcher_command


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
