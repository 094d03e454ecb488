"""Export note as PDF… and Print… from the real window's menu: the PDF written straight to the
path the save dialog gave, holding the rendered note and none of the app around it; the OS print
dialog opened by Print…"""

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_export_note_as_pdf_writes_the_rendered_note_and_print_opens_the_print_dialog(tmp_path, app_env):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is not installed: run `make test`, which installs poppler-utils")
    chosen, shots = tmp_path / "out" / "Weekend.pdf", tmp_path / "shots"
    chosen.parent.mkdir()
    shots.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.print_pdf", str(tmp_path / "data"), str(chosen), str(shots)],
        capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "save dialog: Weekend.pdf ['PDF document (*.pdf)']" in result.stdout
    assert f"save dialog: {'a' * 99}🇩🇪.pdf ['PDF document (*.pdf)']" in result.stdout  # 100 characters as seen
    assert "print dialog: opened and closed" in result.stdout
    assert chosen.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", str(chosen), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines == ["Weekend", "Trip plan", "Pack the tent and the stove .", "Day one: the lake", "Day two: the ridge"]
    # A picture of the page, for a person to look at.
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(chosen), str(shots / "pdf-page")], check=True)
