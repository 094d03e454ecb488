"""--self-test in the real window passes for every site: the shell's checks use its own probe page."""

import subprocess

import pytest

from tests.conftest import SITES, launcher_command

pytestmark = pytest.mark.window

SHELL_CHECKS = [
    "ok: an AJAX GET answered",
    "ok: a CSRF-protected POST answered",
    "ok: an external link went to the system browser, not the window",
]


@pytest.mark.parametrize("site", list(SITES))
def test_the_self_test_passes_in_the_real_window(site, tmp_path, app_env):
    result = subprocess.run(
        launcher_command("--self-test", "--data-dir", str(tmp_path), site=site),
        capture_output=True, text=True, env=app_env, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == SHELL_CHECKS
    assert lines[-1] == f"{site}: self-test passed"
