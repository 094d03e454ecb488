"""The remembered window geometry survives bad files and changed screens."""

import errno
import json
import logging
from types import SimpleNamespace

from django_desktop_shell.process import window_state
from django_desktop_shell.process.window_state import Geometry, load_geometry, save_geometry

SCREEN = SimpleNamespace(x=0, y=0, width=1920, height=1080)


def test_a_saved_geometry_comes_back(tmp_path):
    save_geometry(tmp_path, Geometry(width=900, height=640, x=100, y=80))
    assert load_geometry(tmp_path, [SCREEN]) == Geometry(width=900, height=640, x=100, y=80)


def test_no_file_gives_the_default_size_placed_by_the_os(tmp_path):
    assert load_geometry(tmp_path, [SCREEN]) == Geometry()


def test_the_first_window_grows_with_the_text_scale_and_stays_on_the_screen(tmp_path):
    """At 150 % text (Xft.dpi 144) the page is laid out 1.5 times larger: the default window, in
    screen pixels, held two thirds of what it holds at 100 %, in the narrow layout."""
    assert load_geometry(tmp_path, [SCREEN], text_scale=1.5) == Geometry(width=1680, height=1080)
    (tmp_path / window_state.STATE_FILE).write_text("[]")
    assert load_geometry(tmp_path, [SCREEN], text_scale=1.25) == Geometry(width=1400, height=950)


def test_a_position_on_a_screen_that_is_gone_is_dropped_but_the_size_kept(tmp_path):
    save_geometry(tmp_path, Geometry(width=900, height=640, x=2500, y=80))
    assert load_geometry(tmp_path, [SCREEN]) == Geometry(width=900, height=640, x=None, y=None)


def test_a_window_saved_on_a_larger_screen_opens_whole_on_a_smaller_one(tmp_path):
    laptop = SimpleNamespace(x=0, y=0, width=1024, height=600)
    save_geometry(tmp_path, Geometry(width=1200, height=760, x=60, y=20))
    assert load_geometry(tmp_path, [laptop]) == Geometry(width=1024, height=600, x=0, y=0)
    save_geometry(tmp_path, Geometry(width=900, height=500, x=400, y=300))  # fits, but runs off the corner
    assert load_geometry(tmp_path, [laptop]) == Geometry(width=900, height=500, x=124, y=100)
    save_geometry(tmp_path, Geometry(width=1600, height=1000, x=5000, y=0))  # placed by the OS
    assert load_geometry(tmp_path, [laptop]) == Geometry(width=1024, height=600, x=None, y=None)


def test_a_window_on_a_second_screen_fits_that_screen(tmp_path):
    side = SimpleNamespace(x=1920, y=0, width=800, height=600)
    save_geometry(tmp_path, Geometry(width=1000, height=700, x=2000, y=50))
    assert load_geometry(tmp_path, [SCREEN, side]) == Geometry(width=800, height=600, x=1920, y=0)


def test_an_unreadable_or_tampered_file_gives_the_default(tmp_path):
    for content in ["{not json", json.dumps({"width": "big"}), json.dumps({"width": 50, "height": 50}),
                    json.dumps({"width": 900, "height": 600, "x": "left", "y": 0}), json.dumps([1, 2])]:
        (tmp_path / "window.json").write_text(content)
        assert load_geometry(tmp_path, [SCREEN]) == Geometry(), content


def test_a_full_disk_at_quit_keeps_the_last_saved_state_and_the_quit_clean(tmp_path, monkeypatch, caplog):
    # Quitting on a full disk ended the run on "Unexpected error: OSError: [Errno 28] No space
    # left on device", exit 1, and a window saying the app could not start.
    save_geometry(tmp_path, Geometry(width=900, height=640, x=100, y=80, zoom=1.25))

    def disk_full(target, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(window_state, "write_file", disk_full)
    with caplog.at_level(logging.WARNING):
        save_geometry(tmp_path, Geometry(width=1000, height=700, x=0, y=0))
    assert "Could not keep the window's size, place and zoom for the next launch" in caplog.text
    assert load_geometry(tmp_path, [SCREEN]) == Geometry(width=900, height=640, x=100, y=80, zoom=1.25)


def test_a_file_a_newer_version_wrote_keeps_the_zoom_and_spell_check_and_gives_its_new_keys_back(tmp_path):
    """After going back to an older version, the person's zoom and spell check were reset (a key it
    did not know made the whole file "unreadable"), and the newer version's own settings were lost."""
    (tmp_path / "window.json").write_text(json.dumps(
        {"width": 900, "height": 640, "x": 100, "y": 80, "zoom": 1.5, "spell_check": False, "sidebar_width": 320}))
    loaded = load_geometry(tmp_path, [SCREEN])
    assert (loaded.width, loaded.height, loaded.x, loaded.y, loaded.zoom, loaded.spell_check) == (900, 640, 100, 80, 1.5, False)
    loaded.zoom = 1.25
    save_geometry(tmp_path, loaded)
    assert json.loads((tmp_path / "window.json").read_text()) == {
        "sidebar_width": 320, "width": 900, "height": 640, "x": 100, "y": 80, "maximized": False, "zoom": 1.25,
        "spell_check": False, "last_folder": None}


def test_the_folder_the_file_dialogs_open_in_comes_back_and_a_tampered_one_is_dropped(tmp_path):
    save_geometry(tmp_path, Geometry(last_folder="/home/ana/accounts"))
    assert load_geometry(tmp_path, [SCREEN]).last_folder == "/home/ana/accounts"
    (tmp_path / "window.json").write_text(json.dumps({"width": 900, "height": 640, "last_folder": ["/etc"]}))
    assert load_geometry(tmp_path, [SCREEN]) == Geometry(width=900, height=640)
