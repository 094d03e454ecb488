"""Spell checking in the real window: on at first, in the OS locale's language, with Debian's
hunspell dictionary, its dictionaries loaded only once the person types; View > Spell check
turns it off, and the choice holds at the next launch."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def run_driver(data_dir, shots, env):
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.spell_check", str(data_dir), str(shots)],
                            capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_spell_checking_is_in_force_and_the_menu_toggle_is_remembered(tmp_path, app_env):
    data_dir, shots = tmp_path / "data", tmp_path / "shots"
    shots.mkdir()
    # The checker takes its languages from the locale: LANGUAGE first (C.UTF-8 is always generated).
    env = {**app_env, "LANG": "C.UTF-8", "LANGUAGE": "en_US", "LC_ALL": "", "LC_MESSAGES": ""}
    first = run_driver(data_dir, shots, env)
    assert "before the first key: not set, off" in first
    assert "at start: on en_US" in first and "after View > Spell check: off" in first
    assert json.loads((data_dir / "window.json").read_text())["spell_check"] is False
    second = run_driver(data_dir, shots, env)
    assert "at start: off" in second and "after View > Spell check: on" in second
    assert json.loads((data_dir / "window.json").read_text())["spell_check"] is True


def test_a_right_click_on_a_misspelt_word_offers_the_checkers_guesses_and_the_editing_items(tmp_path, app_env):
    # The window had no right-click menu at all (pywebview turns it off): no guesses, no Paste.
    data_dir, shots = tmp_path / "data", tmp_path / "shots"
    shots.mkdir()
    env = {**app_env, "LANG": "C.UTF-8", "LANGUAGE": "en_US", "LC_ALL": "", "LC_MESSAGES": ""}
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.context_menu", str(data_dir), str(shots)],
                            capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    menu = result.stdout.split("menu: ", 1)[1].split("\n", 1)[0].split("|")
    assert "This" in menu[:menu.index("Cut")]  # the guesses come first
    assert {"Cut", "Copy", "Paste", "Select All"} <= set(menu)
    assert not {"Back", "Forward", "Reload", "Stop", "Inspect Element", "Open Link"} & set(menu)
    assert f"text: {menu[0]} is mispelled\n" in result.stdout


def test_with_dev_a_right_click_on_the_page_offers_reload_and_the_inspector(tmp_path, app_env):
    """--dev promised the web view's whole menu, Inspect Element included, and the window had none:
    a developer could neither reload a page they had rebuilt nor open the inspector."""
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.context_menu", str(tmp_path / "data"),
                             str(tmp_path), "--dev"], capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    menu = result.stdout.split("menu: ", 1)[1].split("\n", 1)[0].split("|")
    assert {"Reload", "Inspect Element"} <= set(menu), menu
