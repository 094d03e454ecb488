"""The hostile requests of tests/shell/security/test_hostile_requests.py that apply to a server
(no launch gate there: a login instead), made to the server: a foreign Host, cross-site and
token-less posts, a forged session, and the security headers on every answer, refusals included."""

import json

import pytest
from django.conf import settings

from tests.notes.conftest import XHR
from tests.security_headers import assert_security_headers
from tests.server_mode import HttpsClient

OWN_ORIGIN = "https://testserver"


def csrf_token(client) -> str:
    return str(client.get("/ajax/data/").context["csrf_token"])


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "testserver.evil.example"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_foreign_host_is_400_even_with_the_session(client, host, method):
    response = getattr(client, method)("/ajax/data/", HTTP_HOST=host)
    assert response.status_code == 400


def test_without_a_login_pages_lead_to_the_login_and_the_api_is_a_json_401(anonymous_client, db):
    for path in ["/", "/ajax/data/", "/devices/"]:
        response = anonymous_client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    response = anonymous_client.get("/api/notes/", **XHR)
    assert response.status_code == 401 and "error" in response.json()


def test_a_forged_session_cookie_is_not_a_login(anonymous_client, db):
    anonymous_client.cookies[settings.SESSION_COOKIE_NAME] = "forged"
    assert anonymous_client.get("/api/notes/", **XHR).status_code == 401


def test_a_post_without_the_csrf_token_is_403(csrf_client):
    response = csrf_client.post("/ajax/submit/", {"username": "Mallory"}, **XHR)
    assert response.status_code == 403


def test_a_cross_site_post_with_the_session_and_a_token_but_a_foreign_origin_is_403(csrf_client):
    token = csrf_token(csrf_client)
    for origin in ["https://evil.example", "http://testserver", "https://testserver:8443"]:
        response = csrf_client.post(
            "/ajax/submit/", json.dumps({"username": "x"}), content_type="application/json",
            HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN=origin,
        )
        assert response.status_code == 403, origin


def test_a_post_from_the_sites_own_origin_passes(csrf_client):
    response = csrf_client.post(
        "/ajax/submit/", {"username": "Ada"}, HTTP_X_CSRFTOKEN=csrf_token(csrf_client), HTTP_ORIGIN=OWN_ORIGIN, **XHR
    )
    assert response.json() == {"message": "Hello, Ada!"}


def test_a_cross_site_post_without_a_session_is_refused(db):
    client = HttpsClient(enforce_csrf_checks=True)
    response = client.post("/api/notes/", "{}", content_type="application/json", HTTP_ORIGIN="https://evil.example")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("path", ["/", "/ajax/data/", "/ajax/fetch_json/", "/static/css/app.css", "/nowhere/", "/devices/"])
def test_security_headers_are_on_every_answer(client, path):
    assert_security_headers(client.get(path))


def test_security_headers_are_on_refusals_and_the_login_page(anonymous_client, client, db):
    assert_security_headers(anonymous_client.get("/accounts/login/"))
    assert_security_headers(anonymous_client.get("/api/notes/", **XHR))
    assert_security_headers(client.get("/", HTTP_HOST="evil.example"))
