"""A server reads a large request body only from someone it knows (embedded_site/accounts.py,
body_refusal, which the server process checks from the headers, before waitress keeps a byte of
the body): a stranger's is refused unread, and nothing larger than an import is read at all."""

import json

import pytest
from django.conf import settings

from embedded_site.accounts import ANONYMOUS_BODY_LIMIT, body_refusal, body_unkept, largest_body
from embedded_site.devices.tokens import new_device
from tests.conftest import environ_the_body_guard_gets


def post(length: int, **headers) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/jobs/import/", "QUERY_STRING": "",
            "CONTENT_LENGTH": str(length), "HTTP_ACCEPT": "application/json", "HTTP_HOST": "testserver", **headers}


def refused(environ: dict) -> tuple[int, dict, bool] | None:
    answer = body_refusal(environ)
    if answer is None:
        return None
    (status, headers, body), admitted = answer
    assert ("Content-Security-Policy" in dict(headers)) or ("content-security-policy" in dict(headers))
    return int(status.split()[0]), json.loads(body), admitted


def test_a_strangers_large_body_is_refused_unread_and_the_login_form_is_read(db):
    status, answer, admitted = refused(post(ANONYMOUS_BODY_LIMIT + 1))
    assert (status, admitted) == (401, False) and "Log in first" in answer["error"]
    assert refused(post(2_000)) is None  # the login form
    assert refused(post(10**6, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=made-up")) is not None
    assert refused(post(10**6, HTTP_AUTHORIZATION="Bearer ndt_made-up")) is not None


def test_a_strangers_chunked_body_is_of_unknown_length_and_refused_unread(db):
    """waitress's parser keeps no Transfer-Encoding header: a check that looked for one read a
    stranger's chunked body, up to the largest an import may send, into a temporary file."""
    environ = environ_the_body_guard_gets("POST /api/notes/ HTTP/1.1\nHost: testserver\nAccept: application/json\n"
                                          "Transfer-Encoding: chunked")
    status, answer, admitted = refused(environ)
    assert (status, admitted) == (401, False) and "Log in first" in answer["error"]


def test_someone_logged_in_or_a_device_may_send_up_to_an_import(client, server_user):
    session = {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}
    assert refused(post(largest_body(), **session)) is None
    status, answer, admitted = refused(post(largest_body() + 1, **session))
    assert (status, admitted) == (413, True) and "the most this server takes" in answer["error"]
    _, token = new_device(server_user, "Laptop")
    assert refused(post(largest_body(), HTTP_AUTHORIZATION=f"Bearer {token}")) is None


@pytest.mark.parametrize("where", ["HTTP_COOKIE", "HTTP_AUTHORIZATION"])
def test_a_session_or_token_that_ended_is_a_stranger(client, server_user, where):
    if where == "HTTP_COOKIE":
        value = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        client.logout()
    else:
        device, token = new_device(server_user, "Old phone")
        device.revoked_at = device.created
        device.save()
        value = f"Bearer {token}"
    assert refused(post(10**6, **{where: value}))[0] == 401


def test_a_body_the_servers_disk_cannot_hold_is_a_503_that_names_no_folder_of_the_server(db):
    status, headers, body = body_unkept(post(10**8), OSError(28, "No space left on device", "/tmp/waitress-spool"))
    assert int(status.split()[0]) == 503
    assert "Try again later" in json.loads(body)["error"] and b"/tmp" not in body
