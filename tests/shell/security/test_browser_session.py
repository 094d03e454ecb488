"""With --headless or --browser the session stays with the app: browsers send cookies to every
server on a host name whatever its port, so on 127.0.0.1 the session and CSRF cookies went to any
other local server a link, a navigation or the address bar led to. The launch URL is now on this
install's own name under .localhost, and the cookies are host-only there. Proved in Chromium,
against a second local server that records every request it gets."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from django_desktop_shell import identity
from django_desktop_shell.process import launcher
from tests.conftest import SITES, exit_code_within, start_site_headless

pytestmark = pytest.mark.browser


class OtherServer(ThreadingHTTPServer):
    """Another program's server on 127.0.0.1, on a port of its own."""

    def __init__(self):
        self.seen: list[tuple[str, str, str | None]] = []  # (Host, path, Cookie)

        class Recorder(BaseHTTPRequestHandler):
            def do_GET(handler):
                self.seen.append((handler.headers["Host"], handler.path, handler.headers["Cookie"]))
                handler.send_response(200)
                handler.send_header("Content-Type", "text/html")
                handler.end_headers()
                handler.wfile.write(b"<!doctype html><title>another server</title>")

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Recorder)
        self.port = self.server_address[1]

    def pages(self) -> list[str]:
        """The paths asked for, but the favicon Chromium asks for on its own."""
        return [path for _, path, _ in self.seen if path != "/favicon.ico"]


@pytest.fixture
def other_server():
    server = OtherServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def launched(request, tmp_path, app_env):
    """(site, its --headless launch URL)."""
    site = request.param
    process, url = start_site_headless(site, tmp_path / "data", app_env)
    yield site, url
    process.terminate()
    assert exit_code_within(process, 5) == 0


def other_urls(other_server, slug: str, name: str) -> list[str]:
    """The other server under each name that reaches it: 127.0.0.1, localhost, and the app's own
    name's parent under .localhost (host-only cookies must not reach it either)."""
    return [f"http://{host}:{other_server.port}/{name}" for host in ("127.0.0.1", "localhost", f"{slug}.localhost")]


def assert_no_cookie_reached(other_server, context, site_url: str):
    app_host = urlsplit(site_url).hostname
    cookies = context.cookies()
    assert cookies, "the app set no cookie: the session did not open"
    assert {cookie["domain"] for cookie in cookies} == {app_host}  # host-only: no leading dot, no other name
    assert other_server.seen, "the other server got no request"
    for host, path, cookie in other_server.seen:
        assert cookie is None, f"{host}{path} got the cookies {cookie}"


@pytest.mark.parametrize("launched", ["notedesk"], indirect=True)
def test_a_link_a_navigation_and_the_address_bar_take_no_cookie_to_another_local_server(
    chromium, other_server, launched
):
    site, url = launched
    slug = identity.load(SITES[site]).slug
    assert urlsplit(url).hostname.endswith(f".{slug}.localhost")
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(url)
        expect(page.locator("#listStatus")).to_have_text("No notes yet")
        assert urlsplit(page.url).netloc == urlsplit(url).netloc and "token" not in page.url
        # The session works there: a note is saved (a POST with the CSRF token and the Origin check).
        page.keyboard.press("Control+n")
        page.fill("#noteTitle", "Links")
        page.fill("#noteBody", "\n\n".join(f"[link {number}]({link})" for number, link
                                           in enumerate(other_urls(other_server, slug, "link"))))
        expect(page.locator("#saveState")).to_have_text("Saved")

        # A link in the note's preview (it opens a new window).
        page.click("#togglePreview")
        expect(page.locator("#preview a")).to_have_count(3)
        for link in page.locator("#preview a").all():
            with context.expect_page() as opened:
                link.click()
            opened.value.wait_for_load_state()
        # A navigation the page makes, and addresses typed into the address bar.
        page.evaluate("url => { location.href = url; }", other_urls(other_server, slug, "navigation")[0])
        page.wait_for_url(f"http://127.0.0.1:{other_server.port}/navigation")
        for typed in other_urls(other_server, slug, "typed"):
            context.new_page().goto(typed)

        assert sorted(other_server.pages()) == sorted(["/link"] * 3 + ["/navigation"] + ["/typed"] * 3)
        assert_no_cookie_reached(other_server, context, url)
    finally:
        context.close()


@pytest.mark.parametrize("launched", ["polls"], indirect=True)
def test_every_site_gets_it_polls_too(chromium, other_server, launched):
    site, url = launched
    slug = identity.load(SITES[site]).slug
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        assert page.goto(url).status == 200
        assert urlsplit(page.url).hostname.endswith(f".{slug}.localhost")
        for typed in other_urls(other_server, slug, "typed"):
            page.goto(typed)
        assert_no_cookie_reached(other_server, context, url)
    finally:
        context.close()


@pytest.mark.parametrize("launched", ["notedesk"], indirect=True)
def test_the_launch_page_opens_the_app_with_the_token_on_no_command_line_and_in_no_history(
    chromium, launched, tmp_path
):
    """--browser gives the browser a page in the data folder, not the launch URL: the page POSTs
    the token, so the browser's command line (in /proc, readable by every user) and its history
    hold only the page's path."""
    site, url = launched
    launch_page = launcher.write_launch_page(identity.load(SITES[site]), tmp_path, url)
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    try:
        page.goto(launch_page.as_uri())
        expect(page.locator("#listStatus")).to_have_text("No notes yet")
        assert urlsplit(page.url).netloc == urlsplit(url).netloc and urlsplit(page.url).path == "/"
        token = parse_qs(urlsplit(url).query)["token"][0]
        assert visited and not [address for address in visited if token in address]
        page.go_back()  # what the history holds before the app: no launch URL
        assert token not in page.url
    finally:
        context.close()
