"""The window follows the desktop's GTK theme: its dark style and its high-contrast themes, the
inverse one (light on black) included, from the first moment it shows."""

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.window
@pytest.mark.parametrize(("theme", "dark", "more_contrast"), [
    ("Adwaita", False, False),
    ("Adwaita:dark", True, False),
    ("HighContrast", False, True),
    # WebKitGTK took it for a light theme: the page was dark text on white in a window of white on black.
    ("HighContrastInverse", True, True),
])
def test_the_page_is_asked_for_the_themes_colour_scheme_and_contrast(tmp_path, app_env, theme, dark, more_contrast):
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.appearance", str(tmp_path / "data")],
                            capture_output=True, text=True, env={**app_env, "GTK_THEME": theme}, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    appearance = json.loads(re.search(r"^appearance: (.*)$", result.stdout, re.MULTILINE).group(1))
    assert (appearance["dark"], appearance["more_contrast"]) == (dark, more_contrast), appearance
    # A dark theme's window flashed the light page colour as it opened, before its page painted.
    before_paint = [float(c) for c in re.search(r"^before a page paints: (.*)$", result.stdout, re.MULTILINE).group(1).split()]
    assert (sum(before_paint) / 3 < 0.5) == dark, f"before a page paints, the window shows {before_paint}"
