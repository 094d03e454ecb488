"""A ported project's own tests run under the desktop defaults (django_desktop_shell.testing), with
Django's test runner, and under its own settings as before: the polls example's."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SITES
from tests.shell.test_checks import SHIPPED_CATALOGUE, set_before_the_defaults, ship_a_catalogue


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


def test_a_test_reads_the_database_shipped_read_only_as_it_is(app_env, polls_copy, tmp_path):
    """A test of the catalogue shipped with the app found "no such table: plant": Django's runner had
    put a new, empty database in its place."""
    catalogue = ship_a_catalogue(polls_copy)
    shipped = catalogue.read_bytes()
    set_before_the_defaults(polls_copy, SHIPPED_CATALOGUE)
    (polls_copy / "polls" / "test_catalogue.py").write_text(
        "from django.db import connections\n"
        "from django.test import TestCase\n\n\n"
        "class CatalogueTests(TestCase):\n"
        "    databases = {'default', 'catalogue'}\n\n"
        "    def test_the_catalogue_is_there(self):\n"
        "        with connections['catalogue'].cursor() as cursor:\n"
        "            cursor.execute('SELECT count(*) FROM plant')\n"
        "            self.assertEqual(cursor.fetchone()[0], 2)\n", encoding="utf-8")
    env = {name: value for name, value in app_env.items() if name != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "test", "polls.test_catalogue", "--settings=mysite.desktop_test_settings"],
        capture_output=True, text=True, cwd=polls_copy, timeout=120,
        env={**env, "PYTHONPATH": str(ROOT / "desktop_shell"), "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert catalogue.read_bytes() == shipped


def test_djangos_own_client_is_refused_by_the_desktop_defaults_where_desktop_client_is_let_in(db):
    from django.test import Client

    from django_desktop_shell.testing import DesktopClient

    assert Client().get("/").status_code == 400  # Host testserver: not the app's own address
    response = DesktopClient().get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
