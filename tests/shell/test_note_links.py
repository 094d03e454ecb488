"""notedesk://note/<uid> in the real window: Copy link to note puts the link on the clipboard;
the link, run as the OS runs the scheme's handler (the app with the link), shows that note in the
running window; an unknown uid and a malformed link say so; another scheme is refused."""

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.window


def test_a_copied_link_opens_its_note_in_the_running_window_and_bad_links_say_why(tmp_path, app_env):
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.open_link", str(tmp_path / "data")],
                            capture_output=True, text=True, env=app_env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^clipboard: notedesk://note/[0-9a-f-]{36}$", result.stdout, re.MULTILINE)
    assert "opened: Linked note" in result.stdout
    assert "message: No note has this link" in result.stdout
    assert "message: This link is not a link to a Notedesk note" in result.stdout
    assert "second launch (https://example.org/x): exit 1  notedesk: Notedesk does not open https: links." in result.stdout
    log = (tmp_path / "data" / "logs" / "notedesk.log").read_text()
    assert "Refused a link that is not notedesk://note/<uid>: 'notedesk://note/not-a-uid'" in log
