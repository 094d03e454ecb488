"""A ported project's own tests run under the desktop defaults (django_desktop_shell.testing), with
Django's test runner, and under its own settings as before: the polls example's."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SITES


@pytest.mark.parametrize("settings_args", [[], ["--settings=mysite.desktop_test_settings"]])
def test_the_polls_tests_pass_with_djangos_runner_under_either_settings(app_env, settings_args, tmp_path):
    env = {name: value for name, value in app_env.items() if name != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "test", "polls", *settings_args],
        capture_output=True, text=True, cwd=SITES["polls"], timeout=120,
        env={**env, "PYTHONPATH": str(ROOT / "desktop_shell"), "TMPDIR": str(tmp_path)},
    )
    # Under the desktop settings the runner's system checks pass (its host and in-memory
    # database allowed), and the view tests go through the shell's Host check and gate.
    assert result.returncode == 0, result.stderr
    assert "Ran 10 tests" in result.stderr and "\nOK" in result.stderr
    # Each run used to leave its throwaway data folder, secret key and all, in the temp folder.
    assert list(tmp_path.iterdir()) == []


def test_djangos_own_client_is_refused_by_the_desktop_defaults_where_desktop_client_is_let_in(db):
    from django.test import Client

    from django_desktop_shell.testing import DesktopClient

    assert Client().get("/").status_code == 400  # Host testserver: not the app's own address
    response = DesktopClient().get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
