"""Files dropped onto the editor, in the real window: attached under their real names from their
real paths, read by the server (not the page); over the limit and a folder each say why."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_dropped_files_are_attached_from_their_real_paths(tmp_path, app_env):
    files, shots, data_dir = tmp_path / "files", tmp_path / "shots", tmp_path / "data"
    files.mkdir()
    shots.mkdir()
    (files / "Quarterly report.pdf").write_bytes(b"%PDF-1.4 the real file")
    with open(files / "huge.iso", "wb") as huge:
        huge.truncate(26 * 1024 * 1024)
    (files / "Photos").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.drop_files", str(data_dir), str(shots), "editor",
         *(str(files / name) for name in ("Quarterly report.pdf", "huge.iso", "Photos"))],
        capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "attached: Quarterly report.pdf\n" in result.stdout
    assert "“huge.iso” is 26.0\xa0MB: larger than the limit of 25.0\xa0MB for an attachment. It was not attached." in result.stdout
    assert "“Photos” is a folder: only files can be attached." in result.stdout
    [stored] = (data_dir / "attachments").iterdir()
    assert stored.read_bytes() == b"%PDF-1.4 the real file"  # the file itself, not what the page held


def test_files_dropped_onto_the_list_open_as_notes(tmp_path, app_env):
    # Dropped onto the list, a file did nothing: the web view's own drop, a visit to the file, was refused.
    files, shots, data_dir = tmp_path / "files", tmp_path / "shots", tmp_path / "data"
    files.mkdir()
    shots.mkdir()
    (files / "Trip plan.md").write_text("# Lisbon in May\n\n- tickets\n", encoding="utf-8")
    (files / "Photos").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.drop_files", str(data_dir), str(shots), "list",
         str(files / "Trip plan.md"), str(files / "Photos")],
        capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "open: Lisbon in May\n" in result.stdout and "listed: Lisbon in May\n" in result.stdout
    assert "“Photos” is a folder: open a text or Markdown file." in result.stdout
