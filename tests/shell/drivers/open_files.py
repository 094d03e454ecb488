"""A second launch given files sends them to the running window, which shows them as notes.

Notedesk's own launcher runs as a self-test with one more check, in this process; the check
starts the second launch (the real command line) and reads what the page shows.
Usage: open_files.py DATA_DIR FILES_DIR SHOTS_DIR
"""

import subprocess
import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers.menu_clicks_support import screenshot

ROOT = Path(__file__).resolve().parents[3]
data_dir, files, shots = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
TOASTS = "[...document.querySelectorAll('.toast')].map((toast) => toast.textContent).join('\\n')"


def second_launch(*names, exit_code=0):
    result = subprocess.run([sys.executable, str(ROOT / "launcher.py"), "--data-dir", str(data_dir), *names],
                            capture_output=True, text=True, timeout=60, cwd=files)
    assert result.returncode == exit_code, result.stderr
    print(f"second launch: {(result.stdout + result.stderr).strip()}", flush=True)


@window_check("files sent by a second launch became notes in the window")
def open_from_a_second_launch(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    second_launch("missing.md", "list.md", exit_code=1)
    second_launch("folder", "photo.png", "latin1.txt", "list.md")
    wait_for(window, "document.getElementById('noteTitle').value", "Shopping list", "the last file's note open")
    wait_for(window, "document.querySelectorAll('.note-item').length", 2, "both notes in the list")
    body = window.run_js("JSON.stringify(document.getElementById('noteBody').value)")
    print(f"body: {body}", flush=True)
    print(f"toasts:\n{window.run_js(TOASTS)}", flush=True)
    screenshot(shots / "opened-from-files.png")
    window.run_js("document.querySelectorAll('.toast').forEach((toast) => toast.remove())")
    window.run_js("document.getElementById('newNote').click()")
    second_launch("list.md")
    wait_for(window, "document.getElementById('noteTitle').value", "Shopping list", "the same note open again")
    wait_for(window, "document.querySelectorAll('.note-item').length", 2, "still two notes")
    print(f"again: {window.run_js(TOASTS)}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
