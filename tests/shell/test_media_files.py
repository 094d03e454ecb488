"""Uploaded files at MEDIA_URL are served to the app's window whatever DEBUG is (Django serves them
only in DEBUG): images show, a file that could run script downloads, nothing outside MEDIA_ROOT is
reached, and the site's own views under MEDIA_URL keep their paths."""

import http.client
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import exit_code_within

PNG = b"\x89PNG\r\n\x1a\n a photo"


@pytest.fixture
def media_root(settings, tmp_path):
    """Set before the client's first request, when the shell's middleware reads MEDIA_URL."""
    settings.MEDIA_URL = "/media/"
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "photos").mkdir(parents=True)
    (tmp_path / "media" / "photos" / "pancake.png").write_bytes(PNG)
    (tmp_path / "media" / "page.html").write_text("<script>fetch('/api/notes/')</script>")
    (tmp_path / "media" / "drawing.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    (tmp_path / "outside.txt").write_text("not an upload")
    return tmp_path / "media"


def test_an_uploaded_image_is_shown_from_the_data_folder_with_debug_off(media_root, client, settings):
    assert not settings.DEBUG
    answer = client.get("/media/photos/pancake.png")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PNG
    assert answer["Content-Type"] == "image/png"
    assert answer["Content-Disposition"].startswith("inline")
    assert answer["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "content_type"), [("dinner.avif", "image/avif"), ("scan.bmp", "image/bmp")])
def test_an_upload_in_every_format_imagefield_takes_and_the_window_shows_is_shown(media_root, client, name, content_type):
    """Pillow reads AVIF and BMP, so an ImageField takes them, and the web view shows them; they
    were served as downloads, and the page's link to the full photo asked where to save it."""
    (media_root / "photos" / name).write_bytes(b"a photo")
    answer = client.get(f"/media/photos/{name}")
    assert answer["Content-Type"] == content_type
    assert answer["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("name", ["page.html", "drawing.svg"])
def test_an_uploaded_file_that_could_run_script_downloads_instead(media_root, client, name):
    answer = client.get(f"/media/{name}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Disposition"].startswith("attachment")


@pytest.mark.urls("tests.media_static_urls")
def test_a_site_serving_uploads_with_djangos_static_view_still_gets_them_served_safely(media_root, client):
    answer = client.get("/media/page.html")  # served inline as a page, its uploaded scripts would run
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Disposition"].startswith("attachment")


@pytest.mark.urls("tests.single_page_urls")
def test_a_single_page_apps_catch_all_view_does_not_hide_the_uploads(media_root, client):
    """A catch-all view for the app's client routes matched /media/ too, and the shell left those
    paths to it: every uploaded image showed the app's page instead."""
    answer = client.get("/media/photos/pancake.png")
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == PNG
    assert client.get("/projects/12/edit").content == b"the single page"


@pytest.mark.parametrize("path", ["/media/missing.png", "/media/photos/", "/media/../outside.txt", "/media/%2e%2e/outside.txt"])
def test_nothing_but_a_file_under_media_root_is_served(media_root, client, path):
    answer = client.get(path, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert answer.status_code == 404
    assert answer.json()["error"].startswith("Nothing is at")


def test_uploaded_files_need_the_window_s_session(media_root, anonymous_client):
    answer = anonymous_client.get("/media/photos/pancake.png")
    assert answer.status_code == 403


def test_uploaded_files_are_only_read(media_root, client):
    answer = client.post("/media/photos/pancake.png", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert answer.status_code == 405 and answer["Allow"] == "GET, HEAD"
    assert (media_root / "photos" / "pancake.png").read_bytes() == PNG


def test_the_site_s_own_views_under_media_url_keep_their_paths(db, settings, tmp_path, client):
    settings.MEDIA_URL = "/api/"  # a prefix Notedesk's URLconf serves: its views, not the folder, answer
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "notes").mkdir()
    client.handler.load_middleware()
    answer = client.get("/api/notes/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert answer.status_code == 200 and "notes" in answer.json()


def test_an_upload_and_its_folder_are_the_owners_only():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("private-check/notes.txt", ContentFile(b"only mine"))
    try:
        path = Path(default_storage.path(name))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        default_storage.delete(name)
        Path(default_storage.path("private-check")).rmdir()


VIDEO = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def video(media_root):
    (media_root / "videos").mkdir()
    (media_root / "videos" / "first steps.webm").write_bytes(VIDEO)
    return "/media/videos/first%20steps.webm"


@pytest.mark.parametrize(("name", "content_type"), [("first steps.webm", "video/webm"), ("birthday.mp4", "video/mp4"),
                                                    ("song.mp3", "audio/mpeg"), ("voice.ogg", "audio/ogg")])
def test_an_uploaded_video_or_sound_plays_in_the_page(media_root, client, name, content_type):
    """A <video> of an uploaded MP4 or WebM got it as a download (application/octet-stream,
    attachment): WebKit guessed at it, and nothing said it was a video."""
    (media_root / name).write_bytes(VIDEO)
    answer = client.get(f"/media/{name}")
    assert answer["Content-Type"] == content_type
    assert answer["Content-Disposition"].startswith("inline")
    assert answer["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(("asked", "first", "last"), [("bytes=5000-5999", 5000, 5999), ("bytes=10000-", 10000, 10239),
                                                      ("bytes=-40", 10200, 10239), ("bytes=0-0", 0, 0),
                                                      ("bytes=10200-99999", 10200, 10239)])
def test_a_video_seeked_to_the_middle_gets_the_part_it_asks_for(video, client, asked, first, last):
    """WebKit's player seeks by asking for the bytes from there on (Range); it got the whole file
    from its start, and the video went back to its beginning instead of to the middle."""
    answer = client.get(video, HTTP_RANGE=asked)
    assert answer.status_code == 206
    assert answer["Content-Range"] == f"bytes {first}-{last}/{len(VIDEO)}"
    assert answer["Content-Length"] == str(last - first + 1)
    assert b"".join(answer.streaming_content) == VIDEO[first:last + 1]


def test_a_part_past_the_end_of_the_file_is_416_saying_its_size(video, client):
    answer = client.get(video, HTTP_RANGE="bytes=20000-", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert answer.status_code == 416
    assert answer["Content-Range"] == f"bytes */{len(VIDEO)}"
    assert "10,240 bytes" in answer.json()["error"]


@pytest.mark.parametrize("asked", ["bytes=0-", "bytes=-40", "bytes=0-0"])
def test_a_part_of_an_empty_file_is_416_and_the_whole_of_it_is_empty(media_root, client, asked):
    """An empty upload has no byte to send: a part of it is past its end, whichever way it is asked."""
    (media_root / "empty.webm").write_bytes(b"")
    assert client.get("/media/empty.webm", HTTP_RANGE=asked)["Content-Range"] == "bytes */0"
    whole = client.get("/media/empty.webm")
    assert (whole.status_code, whole["Content-Length"], b"".join(whole.streaming_content)) == (200, "0", b"")


@pytest.mark.parametrize("asked", ["bytes=0-10,20-30", "items=0-5", "bytes=9-3", "bytes=abc",
                                   "bytes=" + "9" * 5000 + "-", "bytes=-" + "9" * 5000, "bytes=0-" + "9" * 5000])
def test_a_range_the_server_does_not_take_gets_the_whole_file(video, client, asked):
    """A number of thousands of digits was an error 500 (Python's int() refuses one so long)."""
    answer = client.get(video, HTTP_RANGE=asked)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == VIDEO


def test_a_part_asked_for_only_if_the_file_is_unchanged_comes_whole(video, client):
    """The shell gives no validator (ETag, Last-Modified) to check an If-Range against, so it cannot
    know the file is the one the client holds a part of: the part was sent, and the client would
    have spliced it onto bytes of another file. HTTP says to send the whole file then."""
    answer = client.get(video, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"an-older-file"')
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == VIDEO


def test_the_app_s_server_sends_a_part_of_a_large_video_and_nothing_more(polls_copy, tmp_path, app_env):
    """As WebKit's player asks, on one connection: waitress sends the part from the file itself,
    and a byte past its end would be read as the start of the next answer."""
    with (polls_copy / "mysite" / "settings.py").open("a", encoding="utf-8") as settings:
        settings.write("MEDIA_URL = '/media/'\n")
    film = bytes(range(256)) * 16 * 1024  # 4 MB
    (tmp_path / "data" / "media").mkdir(parents=True)
    (tmp_path / "data" / "media" / "film.webm").write_bytes(film)
    process = subprocess.Popen([sys.executable, str(polls_copy / "launcher.py"), "--headless", "--data-dir", str(tmp_path / "data")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app_env)
    try:
        launch = urlsplit(process.stdout.readline().split(" ", 1)[1].strip())
        connection = http.client.HTTPConnection("127.0.0.1", launch.port, timeout=10)
        session = {"Authorization": f"Bearer {parse_qs(launch.query)['token'][0]}"}
        for first, last in [(2_000_000, 2_999_999), (4_000_000, len(film) - 1)]:
            connection.request("GET", "/media/film.webm", headers={**session, "Range": f"bytes={first}-{last}"})
            answer = connection.getresponse()
            assert answer.status == 206
            assert answer.getheader("Content-Range") == f"bytes {first}-{last}/{len(film)}"
            assert answer.read() == film[first:last + 1]
    finally:
        process.terminate()
        assert exit_code_within(process, 5) == 0
