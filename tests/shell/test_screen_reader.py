"""What a screen reader (Orca) hears in the real window: the page over AT-SPI, as WebKitGTK gives
it, read by tests/shell/drivers/atspi_listener.py on an accessibility bus of the test's own."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, launcher_command

pytestmark = pytest.mark.window

A11Y_ENV = ("NO_AT_BRIDGE", "GTK_MODULES", "DBUS_SESSION_BUS_ADDRESS")
ACCESSIBILITY_BUS_CONFIG = "/usr/share/defaults/at-spi2/accessibility.conf"


def end_group(process: subprocess.Popen) -> None:
    """The process and all it started (a session's bus, the services it started, a window's web
    processes): asked to end, then made to."""
    for stop, seconds in ((signal.SIGTERM, 30), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, stop)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            process.poll()
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


@pytest.fixture
def accessibility_bus(tmp_path):
    """An accessibility bus of the test's own (its registry started on it as it is asked for): the
    window and the listener otherwise joined the one the display names (its root window's
    AT_SPI_BUS), which every session on the display shares."""
    socket = tmp_path / "a11y-bus"
    address = f"unix:path={socket}"
    bus = subprocess.Popen(["dbus-daemon", f"--config-file={ACCESSIBILITY_BUS_CONFIG}", "--nofork", f"--address={address}"],
                           env={**os.environ, "AT_SPI_BUS_ADDRESS": address}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not socket.exists():
            if bus.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the accessibility bus did not start (exit code {bus.poll()})")
            time.sleep(0.05)
        yield address
    finally:
        end_group(bus)


def shows_a_window(session: subprocess.Popen) -> bool:
    """Whether a process the session started shows a Notedesk window."""
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Notedesk$"], capture_output=True, text=True)
    for window in found.stdout.split():
        pid = subprocess.run(["xdotool", "getwindowpid", window], capture_output=True, text=True).stdout.strip()
        try:
            if pid and os.getpgid(int(pid)) == session.pid:
                return True
        except ProcessLookupError:
            pass
    return False


@pytest.fixture
def another_notedesk_on_the_display(tmp_path, app_env):
    """A Notedesk the person has open already, in a session of its own on the same display, whose
    accessibility bus the display names (its root window's AT_SPI_BUS) to every session on it."""
    data_dir = tmp_path / "other-data"
    data_dir.mkdir(mode=0o700)
    env = {name: value for name, value in app_env.items() if name not in A11Y_ENV}
    other = subprocess.Popen(["dbus-run-session", "--", *launcher_command("--data-dir", str(data_dir))],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not shows_a_window(other):
            if other.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the other Notedesk showed no window (exit code {other.poll()})")
            time.sleep(0.2)
        yield
    finally:
        end_group(other)


def test_a_search_s_count_a_toast_the_keys_of_the_note_s_text_and_its_focus_after_a_menu_or_a_dialog_are_read_out_in_the_window(tmp_path, app_env, accessibility_bus, another_notedesk_on_the_display):
    # Chromium read them; in the window, Orca heard nothing of a count changed in place, a toast
    # as its button alone ("Undo"), and no description of the note's text (its aria-description):
    # Tab indented the text of a person who had not been told that Escape leaves it.
    # Another Notedesk open on the display: the driver's listener found that one's page first.
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    env = {name: value for name, value in app_env.items() if name not in A11Y_ENV} | {"AT_SPI_BUS_ADDRESS": accessibility_bus}
    result = subprocess.run(
        ["dbus-run-session", "--", sys.executable, "-m", "tests.shell.drivers.screen_reader", str(data_dir), str(tmp_path / "heard.txt")],
        capture_output=True, text=True, env=env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "heard: focus: Trip to Rome, note text: Tab and Shift+Tab indent and outdent;" in result.stdout
    # F10 then Escape: the menu bar's menu closed on "filler" (the web view), the field unsaid.
    assert "heard: focus: File: \n" in result.stdout
    assert "typed on after the menu: Day one in Rome" in result.stdout
    # A save dialog cancelled: "filler" too.
    assert "typed on after the save dialog: Day one in Rome again" in result.stdout
    # Not "Pin, Pin" nor "How to search, How to search": WebKitGTK gives a title equal to the name
    # as its description.
    assert "heard: focus: Pin: Keep this note at the top of the list\n" in result.stdout
    assert "heard: focus: How to search: Search operators: tag:, is:pinned, OR, -word…\n" in result.stdout
    assert "heard: 1 note found for “rome”\n" in result.stdout
    # Once, whole: it was two messages, the second "Undo" alone.
    assert "heard: “Trip to Rome” moved to the trash Undo\n" in result.stdout
    # Not "Server address https://notes.example.org": WebKitGTK read a wrapping label with the
    # field's placeholder in it.
    assert "heard: focus: Server address: \n" in result.stdout


def test_after_a_menu_a_rich_text_editor_in_a_frame_is_read_out_not_its_frame(tmp_path, app_env, accessibility_bus):
    # The re-focus after a menu focused the frame of a TinyMCE or CKEditor 4 editor: Orca said the
    # frame's title ("Rich text editor"), not the field the person was typing in.
    (tmp_path / "data").mkdir(mode=0o700)
    env = {name: value for name, value in app_env.items() if name not in A11Y_ENV} | {"AT_SPI_BUS_ADDRESS": accessibility_bus}
    result = subprocess.run(
        ["dbus-run-session", "--", sys.executable, "-m", "tests.shell.drivers.focus_after_menu", str(tmp_path / "data"), "heard"],
        capture_output=True, text=True, env=env, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    heard = next(line for line in result.stdout.splitlines() if line.startswith("heard after the menu:"))
    assert heard.endswith("focus: Rich text: ") and "Rich text editor" not in heard, heard
