"""Drives the real window to files a page's own script makes, as many a Django page does to
export what it shows: a Blob behind `URL.createObjectURL` and a data: URL, each clicked as an
`<a download="…">` link, and a Blob opened in a new window (`target="_blank"`).

Everything is Notedesk's own window, started by the real launcher as a self-test with one more
check, except the OS's save dialog, whose answer is substituted: nobody is there to click it.
Usage: download_script_made.py DATA_DIR SAVE_FOLDER; prints where the page was after each click
and the names the save dialog suggested.
"""

import sys
import time
from pathlib import Path

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check
from tests.shell.drivers import os_dialogs

ROOT = Path(__file__).resolve().parents[3]
data_dir, save_folder = Path(sys.argv[1]), Path(sys.argv[2])
suggested = os_dialogs.saving_into(save_folder)

LINKS = {
    "blob": "URL.createObjectURL(new Blob(['title,words\\nTea,3\\n'], {type: 'text/csv'}))",
    "data": "'data:text/csv;charset=utf-8,' + encodeURIComponent('title,words\\nCoffee,4\\n')",
}


@window_check("files the page's script made were saved where the save dialog said, and the page stayed")
def download_script_made_files(created_window, origin):
    created_window.load_url(origin + "/")
    wait_for(created_window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    clicks = [(kind, f"link.href = {LINKS[kind]}; link.download = '{kind}-export.csv';") for kind in LINKS]
    clicks.append(("new window", f"link.href = {LINKS['blob']}; link.target = '_blank';"))
    for number, (kind, setup) in enumerate(clicks, start=1):
        created_window.run_js(f"{{ const link = document.createElement('a'); {setup} document.body.append(link); link.click(); link.remove(); }}")
        saved = save_folder / f"saved-{number}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (saved.exists() and saved.stat().st_size > 0):
            time.sleep(0.05)
        time.sleep(0.3)  # a page replaced by the file would have begun to load by now
        page = created_window.run_js("location.pathname + (document.getElementById('noteList') ? ' app' : ' other')")
        print(f"after {kind}: {page}; saved: {saved.read_text() if saved.exists() else None!r}", flush=True)
    print(f"suggested: {suggested}")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
