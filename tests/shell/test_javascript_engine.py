"""`javascript-jit = false` in the identity table: the window's web process runs the page's
scripts without JavaScriptCore's JIT (less memory); a site that does not say so keeps it."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SITES

pytestmark = pytest.mark.window


@pytest.mark.parametrize(("site", "jit_option"), [("notedesk", "'0'"), ("polls", "'unset'")])
def test_the_web_process_runs_without_the_jit_only_where_the_identity_says_so(tmp_path, app_env, site, jit_option):
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.javascript_engine", str(SITES[site]), str(tmp_path / "data")],
        capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"web processes' JSC_useJIT: [{jit_option}]" in result.stdout, result.stdout
