"""What a screen reader (Orca) hears in the real window: the page over AT-SPI, as WebKitGTK gives
it, read by tests/shell/drivers/atspi_listener.py on the window's own session bus."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_a_search_s_count_a_toast_and_the_keys_of_the_note_s_text_are_read_out_in_the_window(tmp_path, app_env):
    # Chromium read them; in the window, Orca heard nothing of a count changed in place, a toast
    # as its button alone ("Undo"), and no description of the note's text (its aria-description):
    # Tab indented the text of a person who had not been told that Escape leaves it.
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    env = {name: value for name, value in app_env.items() if name not in ("NO_AT_BRIDGE", "GTK_MODULES", "DBUS_SESSION_BUS_ADDRESS")}
    result = subprocess.run(
        ["dbus-run-session", "--", sys.executable, "-m", "tests.shell.drivers.screen_reader", str(data_dir), str(tmp_path / "heard.txt")],
        capture_output=True, text=True, env=env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "heard: focus: Note text: Tab and Shift+Tab indent and outdent;" in result.stdout
    assert "heard: 1 note found for “rome”\n" in result.stdout
    # Once, whole: it was two messages, the second "Undo" alone.
    assert "heard: “Trip to Rome” moved to the trash Undo\n" in result.stdout
    # Not "Server address https://notes.example.org": WebKitGTK read a wrapping label with the
    # field's placeholder in it.
    assert "heard: focus: Server address: \n" in result.stdout
