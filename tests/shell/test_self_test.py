"""--self-test in the real window: it passes for every site whose start page loads (the shell's own
checks use its probe page), and fails, saying why, for one whose start page does not."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SITES, launcher_command

pytestmark = pytest.mark.window

START_PAGES = {"notedesk": "/", "polls": "/polls/"}
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
    assert lines[:4] == [f"ok: the start page {START_PAGES[site]} answered 200 OK", *SHELL_CHECKS]
    assert lines[-1] == f"{site}: self-test passed"


def self_test_with_start_page(start_path, data_dir, env, timeout_s=15):
    return subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.start_page", start_path, str(timeout_s),
         "--self-test", "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env, timeout=60,
    )


@pytest.mark.parametrize(("start_path", "failure"), [
    ("/broken/", "the start page /broken/ answered 500 Internal Server Error"),
    ("/raises-404/", "the start page /raises-404/ answered 404 Not Found"),
    ("/redirects-to-broken/",
     "the start page /redirects-to-broken/, redirected to /broken/, answered 500 Internal Server Error"),
])
def test_the_self_test_fails_with_the_status_and_address_of_a_start_page_that_errs(start_path, failure, tmp_path,
                                                                                    app_env):
    result = self_test_with_start_page(start_path, tmp_path, app_env)
    assert result.returncode == 1, result.stdout
    assert result.stdout == ""
    assert result.stderr == f"notedesk: self-test failed: {failure} (the log: {tmp_path / 'logs' / 'notedesk.log'})\n"


def test_the_self_test_fails_when_the_start_page_does_not_load_in_time(tmp_path, app_env):
    result = self_test_with_start_page("/slow/", tmp_path, app_env, timeout_s=1)
    assert result.returncode == 1, result.stdout
    assert result.stderr == ("notedesk: self-test failed: timed out waiting for the start page /slow/ to load "
                             f"(the log: {tmp_path / 'logs' / 'notedesk.log'})\n")


def test_a_start_page_that_redirects_to_one_that_loads_passes(tmp_path, app_env):
    result = self_test_with_start_page("/redirects-home/", tmp_path, app_env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == ["ok: the start page /redirects-home/, redirected to /, answered 200 OK", *SHELL_CHECKS]
    assert lines[-1] == "notedesk: self-test passed"


def test_a_self_test_check_whose_script_is_not_ascii_gets_the_page_s_answer(tmp_path, app_env):
    """Its script was cut short by a byte for each such letter, ran as a syntax error and gave
    None, and wait_for said only that the page showed None."""
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.page_words", str(tmp_path / "data")],
                            capture_output=True, text=True, env=app_env, timeout=90, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "the page gave: 'Übersicht – café ☀'\n" in result.stdout
