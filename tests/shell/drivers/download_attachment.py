"""Drives the real window to a link whose answer is an attachment of a type the web view could
show (Notedesk's JSON export, as `FileResponse(as_attachment=True)` answers it), and to one it
cannot show (a zip), as a plain link in a project's page would.

Everything is Notedesk's own code in a real pywebview window, started by the real launcher as a
self-test with one more check, except the OS's save dialog, whose answer is substituted: nobody
is there to click it.
Usage: download_attachment.py DATA_DIR SAVE_FOLDER; prints where the page was after each click
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


@window_check("attachments were saved where the save dialog said, and the page stayed")
def download_through_links(created_window, origin):
    created_window.load_url(origin + "/")
    wait_for(created_window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    for number, export_format in enumerate(["json", "markdown"], start=1):
        created_window.run_js(
            "{ const link = document.createElement('a');"
            f"link.href = '/api/export/?format={export_format}';"
            "document.body.append(link); link.click(); }")
        saved = save_folder / f"saved-{number}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (saved.exists() and saved.stat().st_size > 0):
            time.sleep(0.05)
        time.sleep(0.3)  # a page replaced by the answer would have begun to load by now
        page = created_window.run_js("location.pathname + (document.getElementById('noteList') ? ' app' : ' other')")
        print(f"after {export_format}: {page}")
    print(f"suggested: {suggested}")


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
