"""The shell's health check and CSP report address on a server (embedded_site/shell_routes.py):
both answered 404 there, so every CSP report a browser sent was a 404 and a warning in the log, and
a monitoring system had nothing to poll."""

import json
import logging

import pytest
from django.core.cache import cache
from django.db import OperationalError

from django_desktop_shell import csp_reports
from django_desktop_shell.process.site import SHELL_HEALTH_PATH
from django_desktop_shell.settings import CSP_REPORT_PATH
from embedded_site import shell_routes

REPORT = {"csp-report": {
    "document-uri": "https://notes.example.org/", "referrer": "https://notes.example.org/accounts/login/",
    "violated-directive": "script-src-elem", "effective-directive": "script-src-elem",
    "blocked-uri": "https://extension.example/inject.js?user=alice", "status-code": 200,
    "source-file": "https://notes.example.org/", "line-number": 7, "script-sample": "my secret note",
}}


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch):
    monkeypatch.setattr(csp_reports, "refusals", csp_reports.Refusals())
    cache.clear()
    yield
    cache.clear()


def send(client, body=json.dumps(REPORT), address="203.0.113.7"):
    # As a browser sends it: no CSRF token.
    return client.post(CSP_REPORT_PATH, data=body, content_type=csp_reports.REPORT_TYPE, REMOTE_ADDR=address)


def logged(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]


def test_a_monitoring_system_polls_the_health_check_without_an_account(anonymous_client, db):
    for method in (anonymous_client.get, anonymous_client.head):
        response = method(SHELL_HEALTH_PATH)
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert anonymous_client.get(SHELL_HEALTH_PATH).json() == {"status": "ok"}


def test_the_health_check_says_unavailable_when_the_database_is_out_of_reach(anonymous_client, db, monkeypatch, caplog):
    class Unreachable:
        def cursor(self):
            raise OperationalError('connection to server at "db.internal" failed: Connection refused')

    monkeypatch.setattr(shell_routes, "connection", Unreachable())
    with caplog.at_level(logging.WARNING):
        response = anonymous_client.get(SHELL_HEALTH_PATH)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "error": "The server cannot reach its database."}
    assert logged(caplog) == ['Health check: the database cannot be reached: connection to server at "db.internal" '
                              'failed: Connection refused']


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_browser_s_csp_report_is_logged_without_who_sent_it(anonymous_client, server_user, signed_in, caplog):
    """The login page has the policy too: a report is taken with or without an account."""
    if signed_in:
        anonymous_client.force_login(server_user)
    with caplog.at_level(logging.INFO):
        assert send(anonymous_client).status_code == 204
        assert send(anonymous_client).status_code == 204  # logged once
    assert logged(caplog) == [
        "The Content-Security-Policy refused https://extension.example/inject.js (script-src-elem) on the page /, "
        "line 7"]
    text = caplog.text
    assert "203.0.113.7" not in text and "alice" not in text and "secret" not in text and "Not Found" not in text


def test_csp_reports_from_one_address_are_limited(anonymous_client, db, caplog):
    for number in range(shell_routes.CSP_REPORTS_PER_ADDRESS):
        report = {"csp-report": {**REPORT["csp-report"], "line-number": number}}
        assert send(anonymous_client, json.dumps(report)).status_code == 204
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        refused = send(anonymous_client, json.dumps({"csp-report": {**REPORT["csp-report"], "line-number": 999}}))
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"])
    assert "Too many reports" in refused.json()["error"]
    assert logged(caplog) == []
    assert send(anonymous_client, address="198.51.100.9").status_code == 204  # another browser's are taken


@pytest.mark.parametrize(("body", "content_type", "error"), [
    (json.dumps({"csp-report": {"blocked-uri": "x" * csp_reports.MAX_REPORT_BYTES}}), csp_reports.REPORT_TYPE,
     "A report is 1 to 16384 bytes."),
    ("{}", csp_reports.REPORT_TYPE, "This is not a Content-Security-Policy report."),
    (json.dumps(REPORT), "text/plain", "Send a POST of application/csp-report."),
])
def test_what_is_not_a_report_is_a_400_that_says_why(anonymous_client, db, body, content_type, error, caplog):
    with caplog.at_level(logging.WARNING, logger=csp_reports.logger.name):
        response = anonymous_client.post(CSP_REPORT_PATH, data=body, content_type=content_type)
    assert (response.status_code, response.json()) == (400, {"error": error})
    assert [r for r in caplog.records if r.name == csp_reports.logger.name] == []
