"""The window on a Wayland desktop (GNOME's and KDE's default session), on a headless weston."""

import json
import subprocess

from tests.conftest import launcher_command


def self_test(data_dir, env) -> subprocess.CompletedProcess:
    result = subprocess.run(launcher_command("--self-test", "--data-dir", str(data_dir)), capture_output=True,
                            text=True, env=env, timeout=90)
    assert result.returncode == 0, result.stderr
    return result


def test_the_window_opens_again_at_the_size_it_had_not_larger_by_its_shadows(tmp_path, wayland_env):
    """GTK draws a Wayland window's decorations and their shadows itself, and what pywebview
    reported as its size included them: each launch opened the window 52 px wider, and taller
    than the screen, than the one before. The compositor places the window: no position is kept."""
    data_dir = tmp_path / "data"
    sizes = []
    for _ in range(3):
        self_test(data_dir, wayland_env)
        saved = json.loads((data_dir / "window.json").read_text())
        sizes.append((saved["width"], saved["height"]))
        assert (saved["x"], saved["y"]) == (None, None)
    assert sizes == [(1120, 760)] * 3


def test_the_window_names_the_apps_desktop_entry_as_its_app_id_for_the_dock_to_show_its_icon(tmp_path, wayland_env):
    """A Wayland dock finds a window's icon and name in the .desktop file named by the window's app
    id (the installers' is <slug>.desktop); GTK's default is the program's file name, and a
    project started as `python launcher.py` had the app id "launcher.py": a generic icon, and
    its windows apart from the app's entry in the dock."""
    said = self_test(tmp_path / "data", {**wayland_env, "WAYLAND_DEBUG": "client"}).stderr

    assert '.set_app_id("notedesk")' in said
    assert '.set_app_id("launcher.py")' not in said


def test_a_window_closed_maximised_opens_maximised_and_unmaximised_goes_back_to_its_own_size(tmp_path, wayland_env):
    """A window closed maximised opened at the next launch as a window as large as the screen, but
    not maximised: its title bar's button said so, and un-maximising it changed nothing."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "window.json").write_text(json.dumps({"width": 900, "height": 600, "maximized": True}))

    said = self_test(data_dir, {**wayland_env, "WAYLAND_DEBUG": "client"}).stderr

    assert ".set_maximized()" in said
    saved = json.loads((data_dir / "window.json").read_text())
    assert (saved["width"], saved["height"], saved["maximized"]) == (900, 600, True)
