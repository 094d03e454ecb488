"""The commands docs/shipping-your-django-app.md gives a newcomer, run as written."""

import re
import shlex
import subprocess
import sys

from tests.conftest import ROOT

DOC = ROOT / "docs" / "shipping-your-django-app.md"


def test_the_docs_command_without_the_makefile_builds_the_shells_wheel_from_the_checkout(tmp_path):
    """Section 1's `pip wheel … desktop_shell`, run in the checkout as the doc says: pip takes a
    bare name for a requirement to look up on the index ("No matching distribution found for
    desktop_shell"), not for the folder."""
    [command] = re.findall(r"`(pip wheel [^`]*)`", DOC.read_text(encoding="utf-8"))
    args = shlex.split(command)
    args[args.index("--wheel-dir") + 1] = str(tmp_path / "dist")
    result = subprocess.run([sys.executable, "-m", *args, "--quiet"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [path.name for path in (tmp_path / "dist").iterdir()] == ["django_desktop_shell-0.1.0-py3-none-any.whl"]
