"""The page behind a reverse proxy (docs/server.md, Behind nginx): nginx answers some requests
itself, with an HTML page of its own and, over HTTP/2, no status text. The page says what they
mean rather than a bare number (until this, "Not saved: 502" and the toast "413")."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_notes_app import app, api, click_transfer, create_note_in_page  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.browser


def nginx_page(status: int, title: str) -> dict:
    return {"status": status, "content_type": "text/html", "body": (
        f"<html>\r\n<head><title>{status} {title}</title></head>\r\n<body>\r\n<center><h1>{status} {title}</h1></center>"
        "\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")}


@pytest.mark.parametrize(("status", "title"), [(502, "Bad Gateway"), (504, "Gateway Time-out")])
def test_a_save_answered_by_the_proxy_while_notedesk_is_stopped_waits_and_is_saved_once_it_is_back(app, live_app, status, title):
    create_note_in_page(app, "Travel", "Start")
    app.route("**/api/notes/*/", lambda route: route.fulfill(**nginx_page(status, title)))
    app.route("**/_desktop/health", lambda route: route.fulfill(**nginx_page(status, title)))
    app.fill("#noteBody", "Start\nWritten while Notedesk was stopped")
    expect(app.locator("#saveState")).to_have_text("Offline — will save when the server is back")
    expect(app.locator("#offlineBanner")).to_be_visible()

    app.unroute("**/api/notes/*/")
    app.unroute("**/_desktop/health")
    expect(app.locator("#saveState")).to_have_text("Saved", timeout=20_000)
    assert [note["body"] for note in api(live_app, "GET", "/api/notes/")["notes"]] == ["Start\nWritten while Notedesk was stopped"]


def test_an_import_refused_by_the_proxy_as_too_large_says_so(app, tmp_path):
    app.route("**/api/jobs/import/", lambda route: route.fulfill(**nginx_page(413, "Request Entity Too Large")))
    export = tmp_path / "notes.json"
    export.write_text('{"notes": []}')
    with app.expect_file_chooser() as chooser:
        click_transfer(app, "importNotes")
    chooser.value.set_files(str(export))
    expect(app.locator(".toast").last).to_have_text(
        "This is larger than the server accepts: its web server refused it (413).")
