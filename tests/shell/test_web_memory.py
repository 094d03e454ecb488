"""The window's web process gives back, within seconds, what a page took to paint thousands of
rows once they are gone (WebKitGTK's memory-pressure limit, set by the shell); with WebKit's
default limit it kept ~25 MB of it for as long as the window was open."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_the_web_process_gives_back_what_painting_many_rows_took(tmp_path, app_env):
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.web_memory", str(tmp_path / "data")],
                            capture_output=True, text=True, env=app_env, timeout=240, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "back at" in result.stdout, result.stdout
