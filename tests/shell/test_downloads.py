"""Which answers the window saves rather than shows (the window's own tests save them), and which
files a page's script made it saves."""

import subprocess
import sys

import pytest

from django_desktop_shell.process import downloads, native_dialogs, window
from django_desktop_shell.process.downloads import is_download, opens_in_viewer, viewer_copy_name
from django_desktop_shell.process.navigation import made_by_the_page
from tests.conftest import ROOT


@pytest.mark.parametrize(("disposition", "type_shown", "saved"), [
    ('attachment; filename="notes.json"', True, True),  # Django's FileResponse(as_attachment=True)
    ("Attachment", True, True),
    ('inline; filename="cover.png"', True, False),
    (None, True, False),  # a page
    (None, False, True),  # a type the web view cannot show
    ('inline; filename="book.epub"', False, True),
])
def test_an_attachment_or_a_type_the_window_cannot_show_is_saved(disposition, type_shown, saved):
    assert is_download(disposition, type_shown) is saved


@pytest.mark.parametrize(("mime_type", "disposition", "main_frame", "viewer"), [
    ("image/png", 'inline; filename="cover.png"', True, True),
    ("image/jpeg", None, True, True),  # a link to an image, as the admin has to an upload
    ("image/avif", None, True, True),  # each type media.py shows inline
    ("image/bmp", None, True, True),
    ("video/webm", None, True, True),  # a link to a video: it replaced the page, with no way back shown
    ("video/mp4", 'inline; filename="first steps.mp4"', True, True),
    ("audio/mpeg", None, True, True),
    ("video/webm", None, False, False),  # a <video> of the page's own
    ("application/pdf", None, True, True),  # an invoice a view makes, or an admin action's labels
    ("text/plain", 'inline; filename="todo.txt"', True, True),
    ("text/plain", None, True, False),  # a view's plain-text answer is a page
    ("text/html", None, True, False),
    ("image/svg+xml", None, True, False),  # could run script: shown only as the site serves it
    ("image/png", None, False, False),  # an image in a frame
])
def test_a_file_the_window_would_show_in_place_of_the_page_opens_in_the_os_viewer(mime_type, disposition, main_frame, viewer):
    assert opens_in_viewer(mime_type, disposition, main_frame) is viewer


@pytest.mark.parametrize(("suggested", "mime_type", "copy"), [
    ("Café menu.png", "image/png", "Café menu.png"),
    ("invoice.pdf.exe", "application/pdf", "invoice.pdf.pdf"),  # the type names the copy, never the answer
    ("../../etc/passwd", "text/plain", "passwd.txt"),
    ("a;b|c$(d).jpeg", "image/jpeg", "a_b_c__d_.jpg"),
    ("", "image/webp", "file.webp"),
    ("dinner", "image/avif", "dinner.avif"),
    ("first steps.mp4", "video/mp4", "first steps.mp4"),
    ("voice", "audio/ogg", "voice.ogg"),
    (None, "application/pdf", "file.pdf"),
])
def test_the_viewers_copy_is_named_for_its_type(suggested, mime_type, copy):
    assert viewer_copy_name(suggested, mime_type) == copy


@pytest.mark.parametrize(("url", "made"), [
    ("blob:http://127.0.0.1:8123/8d4d9130-995f-428b-b782-77f1165c0c4e", True),
    ("data:text/csv;charset=utf-8,a%2Cb%0A1%2C2%0A", True),
    ("DATA:text/plain,x", True),
    ("blob:http://127.0.0.1:9999/8d4d9130-995f-428b-b782-77f1165c0c4e", False),  # another origin's
    ("blob:null/8d4d9130", False),
    ("http://127.0.0.1:8123/export.csv", False),  # the app's own answers: decided from their headers
    ("file:///etc/passwd", False),
])
def test_a_file_the_pages_script_made_is_saved_and_nothing_else_is(url, made):
    assert made_by_the_page(url, "http://127.0.0.1:8123") is made


@pytest.mark.parametrize(("saving", "quit_chosen", "question"), [
    ({}, None, None),
    ({"a 1.5 GB download": "big.bin"}, True,
     "big.bin is still being saved. Quitting stops it, and the part saved so far is deleted."),
    ({"one": "rows.csv", "two": "big.bin"}, False,
     "big.bin and rows.csv are still being saved. Quitting stops them, and the parts saved so far are deleted."),
])
def test_a_quit_while_a_download_is_being_saved_asks_first(monkeypatch, saving, quit_chosen, question):
    """A Quit while a 1.5 GB download was being saved closed the window at once, without a word:
    WebKit stopped the download and deleted what it had saved."""
    asked = []
    monkeypatch.setattr(native_dialogs, "ask", lambda window, title, text, **answers: asked.append(text) or quit_chosen)
    monkeypatch.setattr(downloads, "saving", saving)
    assert window.quit_despite_unfinished_downloads(None, "Bigfiles") is (quit_chosen is not False)
    assert asked == ([question] if question else [])


@pytest.mark.window
def test_open_on_a_system_without_xdg_open_says_what_to_install_and_where_the_file_is(tmp_path, app_env):
    """On a minimal system (the .tar.gz unpacked on it), the downloads bar's Open, Show in folder and
    the menu's Open data folder raised FileNotFoundError in a GTK callback: the person saw nothing."""
    saved = tmp_path / "report 1.pdf"
    saved.write_bytes(b"%PDF-1.4")
    result = without_xdg_open(tmp_path, app_env, "file", str(saved))
    assert "dialog: report 1.pdf could not be opened\n" in result.stdout, result.stdout + result.stderr
    assert "Debian, Ubuntu: sudo apt install xdg-utils" in result.stdout
    assert f"It is {saved}\n" in result.stdout
    assert "over the window: True" in result.stdout


@pytest.mark.window
def test_a_link_out_of_the_app_on_a_system_without_a_browser_to_open_it_says_so(tmp_path, app_env):
    """Python's webbrowser, finding neither xdg-open nor a browser it knows, answered False, and the
    click did nothing at all."""
    result = without_xdg_open(tmp_path, app_env, "link", "https://example.org/guide")
    assert "dialog: The link could not be opened\n" in result.stdout, result.stdout + result.stderr
    assert "Debian, Ubuntu: sudo apt install xdg-utils" in result.stdout
    assert "It goes to https://example.org/guide\n" in result.stdout


def without_xdg_open(tmp_path, app_env, kind: str, target: str) -> subprocess.CompletedProcess:
    """tests.shell.drivers.no_xdg_open's click, on a PATH with no xdg-open nor any browser."""
    no_xdg_open = tmp_path / "bin"
    no_xdg_open.mkdir()
    env = {name: value for name, value in app_env.items() if name != "BROWSER"}
    return subprocess.run([sys.executable, "-m", "tests.shell.drivers.no_xdg_open", kind, target], capture_output=True,
                          text=True, env={**env, "PATH": str(no_xdg_open)}, cwd=ROOT, timeout=60)
