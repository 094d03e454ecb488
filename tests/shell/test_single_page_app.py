"""A single-page app in the real window, laid out as docs/shipping-your-django-app.md says: a
Django view renders Vite's index.html for every client route, and its hashed files are static
files (a prebuilt dist/, so that no test needs npm)."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_a_single_page_app_routes_reloads_loads_modules_and_downloads_as_in_a_browser(tmp_path, app_env):
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.single_page_app", str(tmp_path / "data"),
                             str(tmp_path)], capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT)
    # The self-test fails on any refusal of the Content-Security-Policy: the module preload, the
    # route module, the worker and the script's style all passed it.
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "reloaded: /projects/12/edit Editing project 12\n" in out  # Django answered the deep route with the page
    assert "back: /projects/12/edit\n" in out
    assert "worker: 42\n" in out
    assert "bar: 40\n" in out
    # Vite's hashed names, which the project's WHITENOISE_IMMUTABLE_FILE_TEST names, are kept for good.
    assert "hashed file: max-age=315360000, public, immutable\n" in out
    assert "blob download: 'id,name\\n12,Alpha\\n' as made-here.csv\n" in out
    assert "server download: 'id,name\\n12,Alpha\\n' as projects.csv\n" in out
    assert "after the downloads: /projects/12/edit Editing project 12\n" in out
