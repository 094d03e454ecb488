"""Drives the real window to links whose answers it would show in place of the page (Notedesk's
attachments: an image, a PDF, a text file), as the note's list of attachments links to them.
Each should open in the OS's viewer (xdg-open, which the test puts a stand-in for on PATH) while
the page stays.
Usage: open_in_viewer.py DATA_DIR (with at least one note); prints where the page was after each
click.
"""

import json
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings

from django_desktop_shell.process import launcher
from django_desktop_shell.self_test import wait_for, window_check

ROOT = Path(__file__).resolve().parents[3]
data_dir = Path(sys.argv[1])
opened_list = data_dir / "opened.txt"  # where the stand-in xdg-open writes what it was given
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
FILES = [("Café menu.png", PNG), ("scan.pdf", PDF), ("todo.txt", "milk\n".encode())]


@window_check("files shown by a link open in the OS's viewer, and the page stays")
def open_in_viewer(window, origin):
    window.load_url(origin + "/")
    wait_for(window, "location.pathname === '/' && document.readyState === 'complete'", True, "the notes app")
    note_id = api(origin, "/api/notes/")["notes"][0]["id"]
    for number, (name, content) in enumerate(FILES, start=1):
        attachment = attach(origin, note_id, name, content)
        window.run_js(
            "{ const link = document.createElement('a');"
            f"link.href = '{attachment['url']}';"
            "document.body.append(link); link.click(); }")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(opened()) < number:
            time.sleep(0.05)
        time.sleep(0.3)  # a page replaced by the answer would have begun to load by now
        page = window.run_js("location.pathname + (document.getElementById('noteList') ? ' app' : ' other')")
        print(f"after {name}: {page}", flush=True)
    for path in opened():
        print(f"opened: {Path(path).relative_to(data_dir)} {Path(path).read_bytes() == dict(FILES)[name_of(path)]}")


def api(origin: str, path: str, body: bytes | None = None, content_type: str = "") -> dict:
    """The site's API, as a script holding the launch token calls it (docs/api.md)."""
    request = urllib.request.Request(origin + path, data=body, headers={
        "Authorization": f"Bearer {settings.DESKTOP_LAUNCH_TOKEN}", **({"Content-Type": content_type} if body else {})})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def attach(origin: str, note_id: int, name: str, content: bytes) -> dict:
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return api(origin, f"/api/notes/{note_id}/attachments/", body, f"multipart/form-data; boundary={boundary}")


def opened() -> list[str]:
    return opened_list.read_text().splitlines() if opened_list.exists() else []


def name_of(path: str) -> str:
    return {Path(name).suffix: name for name, _ in FILES}[Path(path).suffix]


sys.exit(launcher.main(ROOT, ["--self-test", "--data-dir", str(data_dir)]))
