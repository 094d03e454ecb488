"""The menu bar in the real window: each item clicked with xdotool, and its effect checked."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SITES, launcher_command
from tests.shell.test_window import (close_with_sigterm, fake_xdg_open, start_window, wait_for_log, wait_for_page_loaded,
                                     xdotool)

pytestmark = pytest.mark.window


def test_menu_items_do_what_their_buttons_and_shortcuts_do(tmp_path, app_env):
    data_dir, shots = tmp_path / "data", tmp_path / "shots"
    data_dir.mkdir(mode=0o700)
    shots.mkdir()
    env = {**app_env, "PATH": fake_xdg_open(tmp_path, data_dir) + os.pathsep + app_env["PATH"]}
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.menu_clicks", str(data_dir), str(shots)],
        capture_output=True, text=True, env=env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for effect in ("File > New note", "Edit > Select all, Copy, Paste", "Edit > Find", "View > Preview", "Ctrl+E",
                   "View > Go to heading…, Ctrl+Shift+O", "View > Go to note…, Ctrl+O",
                   "Edit > Insert template…", "File > Today's note, Ctrl+Shift+[, File > Next day's note",
                   "View > Zoom in, Ctrl+=, Ctrl+-, Actual size", "Ctrl+N", "File > Export JSON…", "File > Import…",
                   "Help > Open data folder, Open log file", "Help > About Notedesk"):
        assert effect in result.stdout
    # Support's report, in the window, for the person to read before they attach it.
    assert ('Help > Diagnostics for support: opened diagnostics.txt, which begins "Notedesk diagnostics, made '
            in result.stdout)
    assert "and says 'ok: Notedesk is running on this data folder'" in result.stdout
    assert (shots / "help-menu.png").stat().st_size and (shots / "about.png").stat().st_size
    # The zoom is remembered with the window's geometry.
    assert json.loads((data_dir / "window.json").read_text())["zoom"] == 1.1


def test_file_quit_closes_the_window_and_the_zoom_comes_back(tmp_path, app_env):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    # A saved position too: pywebview then sets up GTK before the menu is known (menu_bar.install_gtk).
    (data_dir / "window.json").write_text(json.dumps({"width": 1000, "height": 700, "x": 60, "y": 10, "zoom": 1.25}))
    process = start_window(data_dir, app_env)
    log_file = data_dir / "logs" / "notedesk.log"
    wait_for_log(log_file, r"Zoom at start: 125 %", process)
    xdotool(app_env, "key", "ctrl+q")
    try:
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            close_with_sigterm(process)
    wait_for_log(log_file, r"Menu command: desktop.quit", process)
    assert json.loads((data_dir / "window.json").read_text())["zoom"] == 1.25


def test_undo_and_redo_keys_work_in_a_sites_text_fields_and_leave_a_page_its_own(tmp_path, app_env):
    # WebKitGTK leaves Ctrl+Z to the application: in the window it did nothing. The Edit menu
    # showed no keys beside its items; it shows them, and the page still has them first.
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.undo_keys", str(tmp_path / "data")],
        capture_output=True, text=True, env=app_env, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "after ctrl+z: ''\nafter ctrl+shift+z: 'hello'\nafter the page's own ctrl+z and a key: 'hello!'\n" in result.stdout
    shown = {"Undo": "<Primary>z", "Redo": "<Primary><Shift>z", "Cut": "<Primary>x", "Copy": "<Primary>c",
             "Paste": "<Primary>v", "Select all": "<Primary>a"}
    for label, keys in shown.items():
        assert f"Edit › {label} shows {keys}\n" in result.stdout, result.stdout
    assert "the page's keys bound by the menu: []\n" in result.stdout


def test_back_and_forward_go_through_a_sites_pages_by_keyboard_and_mouse(tmp_path, app_env):
    # A window has no toolbar: a site of several pages had no way back from a page a link led to.
    result = subprocess.run(
        [sys.executable, "-m", "tests.shell.drivers.back_and_forward", str(tmp_path / "data")],
        capture_output=True, text=True, env=app_env, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for press in ("key alt+Left: /polls/", "key alt+Right: /polls/1/", "click 8: /polls/", "click 9: /polls/1/"):
        assert f"after {press}" in result.stdout, result.stdout


def test_with_dev_ctrl_r_loads_the_page_again_and_without_it_does_nothing(tmp_path, app_env):
    """A developer who edited a template pressed Ctrl+R, as in a browser, and nothing happened: only
    the page's right-click menu had Reload."""
    said = {}
    for mode in ("--dev", ""):
        result = subprocess.run(
            [sys.executable, "-m", "tests.shell.drivers.reload_key", str(tmp_path / f"data{mode}"), *filter(None, [mode])],
            capture_output=True, text=True, env=app_env, timeout=120, cwd=ROOT,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        said[mode] = result.stdout.split("after ctrl+r: ", 1)[1].split("\n", 1)[0]
    assert said == {"--dev": "loaded again at /polls/", "": "the same page at /polls/"}


def test_ctrl_p_opens_the_print_dialog_for_the_page(tmp_path, app_env):
    """An office worker pressed Ctrl+P on an invoice, as in a browser, and nothing happened: the
    standard menus had no Print."""
    data_dir = tmp_path / "data"
    process = subprocess.Popen([sys.executable, str(SITES["polls"] / "launcher.py"), "--data-dir", str(data_dir)],
                               env=app_env, stderr=subprocess.PIPE, text=True, cwd=SITES["polls"])
    try:
        wait_for_page_loaded(data_dir / "logs" / "polls.log", process)
        xdotool(app_env, "key", "ctrl+p")
        dialog = xdotool(app_env, "search", "--sync", "--onlyvisible", "--name", "^Print$").split()[0]
        xdotool(app_env, "windowfocus", "--sync", dialog, "key", "Escape")
    finally:
        close_with_sigterm(process)


def test_back_to_a_forms_answer_asks_before_sending_the_form_again(tmp_path, app_env):
    """Back to a page that was a form's answer, once WebKit had let it go, sent the form again
    without a word (a browser asks): a form whose view answers without a redirect was done twice."""
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.form_sent_again", str(tmp_path / "data")],
                            capture_output=True, text=True, env=app_env, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "asked: True\nafter Back: /polls/\n" in result.stdout
