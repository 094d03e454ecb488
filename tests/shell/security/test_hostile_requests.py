"""Requests from anyone but the app's own window: other local processes, web pages, rebinding."""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client

from django_desktop_shell import middleware
from tests.conftest import HOST
from tests.security_headers import assert_security_headers

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
PROTECTED_PATHS = ["/", "/ajax/data/", "/ajax/fetch_json/", "/_desktop/health", "/_desktop/probe/", "/static/css/app.css", "/nowhere/"]


@pytest.mark.parametrize("path", PROTECTED_PATHS)
def test_without_the_session_cookie_every_path_is_403(anonymous_client, path):
    response = anonymous_client.get(path)
    assert response.status_code == 403
    assert "Open Notedesk from its own window" in response.content.decode()


def test_without_the_session_cookie_ajax_gets_a_json_403(anonymous_client):
    response = anonymous_client.get("/ajax/data/", **XHR)
    assert response.status_code == 403
    assert response.json() == {"error": "Open Notedesk from its own window to use it."}


@pytest.mark.parametrize("token", ["", "wrong", "x" * 43, settings.DESKTOP_LAUNCH_TOKEN[:-1], "é" * 10])
def test_a_wrong_launch_token_is_403_and_sets_no_cookie(anonymous_client, token):
    response = anonymous_client.get("/launch/", {"token": token})
    assert response.status_code == 403
    assert not response.cookies
    assert anonymous_client.get("/").status_code == 403


def test_a_forged_session_cookie_is_403(anonymous_client):
    anonymous_client.cookies[settings.DESKTOP_SESSION_COOKIE] = "forged"
    assert anonymous_client.get("/").status_code == 403


def test_a_wrong_bearer_token_is_403(anonymous_client):
    response = anonymous_client.get("/_desktop/health", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 403


def test_a_bearer_token_post_needs_no_csrf_token_but_a_cookie_post_does(csrf_client):
    script = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    bearer = script.post(
        "/ajax/submit/", {"username": "script"}, HTTP_AUTHORIZATION=f"Bearer {settings.DESKTOP_LAUNCH_TOKEN}", **XHR
    )
    assert bearer.json() == {"message": "Hello, script!"}
    assert csrf_client.post("/ajax/submit/", {"username": "page"}, **XHR).status_code == 403


def test_the_launch_token_as_bearer_is_admitted(anonymous_client):
    response = anonymous_client.get("/_desktop/health", HTTP_AUTHORIZATION=f"Bearer {settings.DESKTOP_LAUNCH_TOKEN}")
    assert response.json() == {"status": "ok"}


def test_the_launch_sets_a_strict_httponly_cookie_and_drops_the_token_from_the_url(anonymous_client):
    response = anonymous_client.get("/launch/", {"token": settings.DESKTOP_LAUNCH_TOKEN, "next": "/ajax/data/"})
    assert response.status_code == 302
    assert response["Location"] == "/ajax/data/"
    assert response["Cache-Control"] == "no-store"
    cookie = response.cookies[settings.DESKTOP_SESSION_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie.value == settings.DESKTOP_SESSION_TOKEN != settings.DESKTOP_LAUNCH_TOKEN


def test_a_posted_launch_token_sets_the_session_cookie_and_moves_on_to_the_app(anonymous_client):
    """--browser's launch page POSTs the token from a file:// page (Origin: null, no CSRF token)."""
    strict = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    response = strict.post("/launch/", {"token": settings.DESKTOP_LAUNCH_TOKEN, "next": "/ajax/data/"},
                           HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="0; url=/ajax/data/">' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    cookie = response.cookies[settings.DESKTOP_SESSION_COOKIE]
    assert (cookie.value, cookie["httponly"], cookie["samesite"]) == (settings.DESKTOP_SESSION_TOKEN, True, "Strict")
    assert strict.get("/ajax/data/").status_code == 200


@pytest.mark.parametrize("token", ["", "wrong", settings.DESKTOP_LAUNCH_TOKEN[:-1]])
def test_a_wrong_posted_launch_token_is_403_and_sets_no_cookie(anonymous_client, token):
    response = anonymous_client.post("/launch/", {"token": token}, HTTP_ORIGIN="null")
    assert response.status_code == 403
    assert not response.cookies
    assert anonymous_client.get("/").status_code == 403


def test_a_posted_launch_on_another_of_the_app_s_hosts_is_sent_on_with_its_body(anonymous_client):
    other_host = Client(HTTP_HOST=f"localhost:{settings.DESKTOP_PORT}")
    response = other_host.post("/launch/", {"token": settings.DESKTOP_LAUNCH_TOKEN})
    assert response.status_code == 307  # a browser posts the same body there
    assert response["Location"] == f"http://{settings.DESKTOP_SESSION_HOST}/launch/"
    assert not response.cookies


NEXT_PATHS_OFF_THE_APP = ["//evil.example/", "https://evil.example/", "/\\evil.example", "evil",
                          "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/"]


@pytest.mark.parametrize("next_path", NEXT_PATHS_OFF_THE_APP)
def test_the_launch_never_redirects_off_the_app(anonymous_client, next_path):
    response = anonymous_client.get("/launch/", {"token": settings.DESKTOP_LAUNCH_TOKEN, "next": next_path})
    assert response["Location"] == "/"


@pytest.mark.parametrize("next_path", NEXT_PATHS_OFF_THE_APP)
def test_a_posted_launch_never_moves_on_off_the_app(anonymous_client, next_path):
    """A browser drops tabs and line breaks from a URL: the page's `url=/<tab>/evil.example/` took
    it to //evil.example/, another site."""
    response = anonymous_client.post("/launch/", {"token": settings.DESKTOP_LAUNCH_TOKEN, "next": next_path})
    assert '<meta http-equiv="refresh" content="0; url=/">' in response.content.decode()


@pytest.mark.parametrize("host", [
    "evil.example", "localhost.evil.example", "127.0.0.1", "localhost",
    f"127.0.0.1:{settings.DESKTOP_PORT + 1}", f"evil.example:{settings.DESKTOP_PORT}", "127.0.0.2:" + str(settings.DESKTOP_PORT),
])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_foreign_host_is_400_even_with_the_cookie(client, host, method):
    response = getattr(client, method)("/ajax/data/", HTTP_HOST=host)
    assert response.status_code == 400
    assert "only answers the Notedesk app" in response.content.decode()


def test_localhost_with_the_port_is_accepted(client):
    assert client.get("/_desktop/health", HTTP_HOST=f"localhost:{settings.DESKTOP_PORT}").status_code == 200


def test_a_post_without_the_csrf_token_is_403(csrf_client):
    response = csrf_client.post("/ajax/submit/", {"username": "Mallory"}, **XHR)
    assert response.status_code == 403


def test_a_cross_site_post_with_the_cookie_and_a_token_but_a_foreign_origin_is_403(csrf_client):
    token = str(csrf_client.get("/ajax/data/").context["csrf_token"])
    response = csrf_client.post(
        "/ajax/submit/", {"username": "Mallory"}, HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN="http://evil.example", **XHR,
    )
    assert response.status_code == 403


def test_a_post_from_another_local_port_is_403(csrf_client):
    token = str(csrf_client.get("/ajax/data/").context["csrf_token"])
    response = csrf_client.post(
        "/ajax/submit/", json.dumps({"username": "x"}), content_type="application/json",
        HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN=f"http://127.0.0.1:{settings.DESKTOP_PORT + 1}",
    )
    assert response.status_code == 403


def test_a_post_from_the_apps_own_origin_passes(csrf_client):
    token = str(csrf_client.get("/ajax/data/").context["csrf_token"])
    response = csrf_client.post(
        "/ajax/submit/", {"username": "Ada"}, HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN=f"http://127.0.0.1:{settings.DESKTOP_PORT}", **XHR,
    )
    assert response.json() == {"message": "Hello, Ada!"}


@pytest.mark.parametrize("sender", [
    {"HTTP_ORIGIN": "http://evil.example"},
    {"HTTP_ORIGIN": f"http://127.0.0.1:{settings.DESKTOP_PORT + 1}"},
    {"HTTP_ORIGIN": "null"},
    {"HTTP_SEC_FETCH_SITE": "same-site"},
    {"HTTP_SEC_FETCH_SITE": "cross-site"},
])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_from_another_site_is_refused_even_where_a_view_skips_the_csrf_check(client, sender, method):
    # The test client skips CSRF checks, as a view marked csrf_exempt does: the gate refuses alone.
    response = client.generic(method, "/ajax/submit/", "username=Mallory", "application/x-www-form-urlencoded",
                              **sender, **XHR)
    assert response.status_code == 403
    assert response.json() == {"error": "Refused: this request was sent by a page that is not Notedesk's."}


def test_a_post_the_browser_marks_as_the_app_s_own_passes_the_gate(client):
    response = client.post("/ajax/submit/", {"username": "Ada"}, HTTP_SEC_FETCH_SITE="same-origin",
                           HTTP_ORIGIN=f"http://127.0.0.1:{settings.DESKTOP_PORT}", **XHR)
    assert response.json() == {"message": "Hello, Ada!"}


def test_a_cross_site_post_without_the_cookie_is_403(anonymous_client):
    response = anonymous_client.post("/ajax/submit/", {"username": "Mallory"}, HTTP_ORIGIN="http://evil.example")
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/ajax/data/", "/ajax/fetch_json/", "/static/css/app.css", "/nowhere/"])
def test_security_headers_are_on_every_answer(client, path):
    assert_security_headers(client.get(path))


def test_security_headers_are_on_the_gates_own_refusals(anonymous_client, client):
    assert_security_headers(anonymous_client.get("/"))
    assert_security_headers(client.get("/", HTTP_HOST="evil.example"))


def test_the_launch_token_never_appears_in_a_page(client):
    token = settings.DESKTOP_LAUNCH_TOKEN
    for path in ["/", "/ajax/data/", "/ajax/fragment/", "/nowhere/"]:
        assert token not in client.get(path).content.decode()


def private_sidebar(request):
    """A context processor such as a site's base.html lists its records with."""
    return {"sidebar": "Titles of the person's notes"}


@pytest.fixture
def site_error_pages(tmp_path, settings):
    """A site with its own 400.html and 403.html, which show what its context processor gives."""
    for status in (400, 403):
        (tmp_path / f"{status}.html").write_text(f"<h1>Our own {status}</h1>{{{{ sidebar }}}}", encoding="utf-8")
    engine = settings.TEMPLATES[0]
    processors = [*engine["OPTIONS"].get("context_processors", []), f"{__name__}.private_sidebar"]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]],
                           "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}]


@pytest.mark.parametrize(("request_args", "status", "message"), [
    ({"path": "/"}, 403, "Open Notedesk from its own window"),
    ({"path": "/launch/", "data": {"token": "wrong"}}, 403, "This launch link is not valid"),
    ({"path": "/ajax/submit/", "method": "post", "HTTP_ORIGIN": "http://evil.example"}, 403, "sent by a page that is not"),
    ({"path": "/", "HTTP_HOST": "evil.example"}, 400, "This server only answers the Notedesk app"),
])
def test_a_request_from_outside_the_app_gets_the_shells_page_never_the_sites_own(
        anonymous_client, site_error_pages, request_args, status, message):
    """The site's 403.html renders with the request: its context processors and template tags ran
    for any local process without the session, and what they showed (a sidebar of the person's
    records, in a base.html it extends) was the answer. A DNS-rebinding page reads the 400."""
    args = dict(request_args)
    send = getattr(anonymous_client, args.pop("method", "get"))
    response = send(args.pop("path"), args.pop("data", {}), **args)
    page = response.content.decode()
    assert response.status_code == status
    assert message in page
    assert "Our own" not in page and "Titles of the person's notes" not in page


def test_requests_refused_at_the_gate_fill_no_more_than_a_few_lines_of_the_log(anonymous_client, caplog, monkeypatch):
    """Each refusal was a line naming its whole path (up to the 64 KB a request's headers may be):
    any local program, without the session, rotated the person's log (4 MB) away with 70 requests,
    the app's own errors with it."""
    monkeypatch.setattr(middleware, "outsider_refusals", middleware.OutsiderRefusals())  # a run of its own
    with caplog.at_level(logging.INFO):
        answers = {anonymous_client.get(f"/{n}-{'x' * 10_000}").status_code for n in range(300)}
        answers.add(anonymous_client.get("/", HTTP_HOST="evil.example").status_code)
    assert answers == {403, 400}
    assert len(caplog.text) < 20_000
    assert "Refused GET /0-xxx" in caplog.text
    assert "further requests refused" in caplog.text


def test_a_refused_path_starts_no_line_of_its_own_in_the_log(anonymous_client, caplog, monkeypatch):
    monkeypatch.setattr(middleware, "outsider_refusals", middleware.OutsiderRefusals())
    with caplog.at_level(logging.INFO):
        anonymous_client.get("/x%0A2026-01-01 00:00:00,000 ERROR forged line")
    assert "Refused GET /x\\n2026-01-01" in caplog.text
    assert "\n2026-01-01" not in caplog.text
