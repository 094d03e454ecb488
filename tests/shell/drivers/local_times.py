"""The notes list in the real window: writes a note, then prints the time its row shows and that
moment (the row's `<time datetime>`) as the window writes it in ZONE. Usage: local_times.py DATA_DIR ZONE
"""

import json
import sys
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]
data_dir, zone = Path(sys.argv[1]), sys.argv[2]


@window_check("a note's time in the list")
def listed_time(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    window.run_js("document.getElementById('newNote').click()")
    window.run_js("{ const f = document.getElementById('noteTitle'); f.value = 'Landed'; f.dispatchEvent(new Event('input')); }")
    wait_for(window, "document.getElementById('saveState').dataset.state", "saved", "the note saved")
    wait_for(window, "document.querySelectorAll('.note-item time').length", 1, "the note listed")
    shown = json.loads(window.run_js(
        "JSON.stringify([...document.querySelectorAll('.note-item time')].map((time) => [time.textContent, "
        "new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: "
        f"{json.dumps(zone)} }}).format(new Date(time.dateTime))])[0])"))
    print(f"listed: {shown[0]} | in {zone}: {shown[1]}", flush=True)


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
