"""The shell's contract, held by every site that adopts it: Notedesk and examples/polls, each
launched headless as a person would, and attacked over HTTP through the shell's own URLs (so that
removing a site removes no security coverage)."""

import http.client
import json
import re
import socket
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest

from django_desktop_shell import identity

from tests.conftest import SITES, exit_code_within, start_site_headless

XHR = {"X-Requested-With": "XMLHttpRequest"}
SHELL_PATHS = ["/_desktop/health", "/_desktop/probe/", "/_desktop/probe/echo?echo=x"]


class Running:
    def __init__(self, site, launch_url, process):
        self.site = site
        self.process = process
        self.launch_url = launch_url
        parts = urlsplit(launch_url)
        self.port = parts.port
        self.host = parts.netloc  # this install's own host name, which a browser resolves to 127.0.0.1
        self.token = parse_qs(parts.query)["token"][0]
        self.session = self.open_session()

    def request(self, method, path, *, headers=None, body=None, host=None, session=True):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = {"Host": host or self.host, **(headers or {})}
        if session and self.session:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.session.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response

    def open_session(self):
        self.session = {}
        response = self.request("GET", f"/launch/?token={self.token}&next=/_desktop/probe/", session=False)
        assert response.status == 302
        return cookies_of(response)


def cookies_of(response) -> dict:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def set_cookie_headers(response) -> list[str]:
    return response.headers.get_all("Set-Cookie") or []


@pytest.fixture(scope="module", params=list(SITES))
def running(request, tmp_path_factory, app_env):
    site = request.param
    process, launch_url = start_site_headless(site, tmp_path_factory.mktemp(site) / "data", app_env)
    yield Running(site, launch_url, process)
    process.terminate()
    assert exit_code_within(process, 5) == 0


@pytest.mark.parametrize("path", [*SHELL_PATHS, "/", "/static/desktop_shell/shell.css", "/nowhere/"])
def test_without_the_session_every_path_is_403_with_the_security_headers(running, path):
    response = running.request("GET", path, session=False)
    assert response.status == 403
    # a browser's tab (the app runs headless here) may outlive its session: it is told how to get one
    assert "Open " in response.body.decode() and "from the link it gave when it started" in response.body.decode()
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    policy = response.getheader("Content-Security-Policy")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1", "localhost:1", "127.0.0.2:{port}", "[::1]:{port}"])
def test_a_foreign_host_is_400_even_with_the_session(running, host):
    response = running.request("GET", "/_desktop/health", host=host.format(port=running.port))
    assert response.status == 400


@pytest.mark.parametrize("token", ["", "wrong", "x" * 43])
def test_a_wrong_launch_token_is_403_and_sets_no_cookie(running, token):
    response = running.request("GET", f"/launch/?token={token}", session=False)
    assert response.status == 403
    assert not set_cookie_headers(response)


def test_a_browser_s_session_lives_on_the_install_s_own_name_under_localhost(running):
    slug = identity.load(SITES[running.site]).slug
    assert re.fullmatch(rf"[0-9a-f]{{24}}\.{slug}\.localhost:{running.port}", running.host), running.host
    assert running.request("GET", "/_desktop/probe/").status == 200


@pytest.mark.parametrize("other_host", ["127.0.0.1:{port}", "localhost:{port}"])
def test_a_launch_on_another_of_the_app_s_hosts_goes_to_the_session_s_host_and_sets_no_cookie(running, other_host):
    response = running.request("GET", f"/launch/?token={running.token}&next=/x", session=False,
                               host=other_host.format(port=running.port))
    assert response.status == 302
    assert response.getheader("Location") == f"http://{running.host}/launch/?token={running.token}&next=/x"
    assert response.getheader("Cache-Control") == "no-store"
    assert not set_cookie_headers(response)


def test_the_launch_redirects_to_a_local_path_only(running):
    response = running.request("GET", f"/launch/?token={running.token}&next=//evil.example/", session=False)
    assert response.getheader("Location") == "/"


def test_the_session_and_every_cookie_django_sets_are_named_for_the_app_and_port_and_strict(running):
    launch = running.request("GET", f"/launch/?token={running.token}", session=False)
    probe = running.request("GET", "/_desktop/probe/")
    assert probe.status == 200
    headers = set_cookie_headers(launch) + set_cookie_headers(probe)
    names = [header.split("=", 1)[0] for header in headers]
    assert len(names) == 2  # the launch session, and the CSRF cookie the probe page needs
    prefix = identity.load(SITES[running.site]).cookie_prefix
    for header, name in zip(headers, names):
        assert re.fullmatch(rf"{prefix}_\w+_{running.port}", name), name
        assert "HttpOnly" in header and "SameSite=Strict" in header and "Domain" not in header, header


def test_the_csrf_cookie_outlasts_a_clock_put_right_by_decades_and_webkit_keeps_it(running):
    """The web view dates the cookie's end by its own clock as it comes: with Django's year, a
    clock put right while the app ran (a flat battery's 2000, set by the network) ended it, and
    every save was "Not saved: The security token was missing or wrong". A Max-Age past 2**31
    seconds (100 years) WebKit dropped at once, and every save was refused."""
    [csrf] = set_cookie_headers(running.request("GET", "/_desktop/probe/"))
    max_age = int(re.search(r"Max-Age=(\d+)", csrf)[1])
    assert 30 * 365 * 24 * 3600 <= max_age < 2**31


def test_the_probe_page_answers_a_get_and_a_csrf_checked_post(running):
    page = running.request("GET", "/_desktop/probe/")
    token = re.search(r'data-csrf-token="([^"]+)"', page.body.decode())[1]
    cookies = {**running.session, **cookies_of(page)}
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    form = "echo=post"
    form_headers = {**XHR, "Cookie": cookie_header, "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"http://{running.host}"}
    missing = running.request("POST", "/_desktop/probe/echo", body=form, headers=form_headers, session=False)
    assert missing.status == 403
    assert "security token" in json.loads(missing.body)["error"]
    posted = running.request("POST", "/_desktop/probe/echo", body=form, session=False,
                             headers={**form_headers, "X-CSRFToken": token})
    assert json.loads(posted.body) == {"echo": "POST post"}
    assert json.loads(running.request("GET", "/_desktop/probe/echo?echo=get", headers=XHR).body) == {"echo": "GET get"}


def test_a_bearer_token_reaches_the_health_check_and_a_wrong_one_does_not(running):
    good = running.request("GET", "/_desktop/health", headers={"Authorization": f"Bearer {running.token}"}, session=False)
    bad = running.request("GET", "/_desktop/health", headers={"Authorization": "Bearer nope"}, session=False)
    assert (good.status, bad.status) == (200, 403)


def test_errors_are_json_for_ajax_and_a_page_otherwise_never_a_debug_page(running):
    ajax = running.request("GET", "/nowhere/", headers=XHR)
    assert ajax.status == 404 and json.loads(ajax.body) == {"error": "Nothing is at /nowhere/."}
    page = running.request("GET", "/nowhere/")
    assert page.status == 404 and page.getheader("Content-Type").startswith("text/html")
    assert b"NOARCHIVE" not in page.body and b"URLconf" not in page.body
    wrong_method = running.request("PUT", "/_desktop/health", headers={"Authorization": f"Bearer {running.token}"},
                                   session=False)
    assert wrong_method.status == 405 and "Allowed: GET" in json.loads(wrong_method.body)["error"]



@pytest.mark.parametrize("framing", ["Content-Length: 104857600", "Transfer-Encoding: chunked"])
def test_a_body_without_the_session_is_refused_from_its_headers_before_it_is_read(running, framing):
    """The server answers once the headers are in: waitress would otherwise read the whole body
    (100 MB here) into a temporary file before the gate could refuse it."""
    with socket.create_connection(("127.0.0.1", running.port), timeout=10) as connection:
        connection.sendall(f"POST /_desktop/probe/echo HTTP/1.1\r\nHost: {running.host}\r\n{framing}\r\n"
                           "X-Requested-With: XMLHttpRequest\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403 ")
    assert b"X-Frame-Options: DENY" in head
    assert "from the link it gave when it started" in json.loads(body)["error"]
