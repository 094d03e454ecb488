"""What the Content-Security-Policy refuses reaches the log, once (the window's self-test fails on
it: tests/shell/test_window.py)."""

import json
import logging
import re

import pytest

from django_desktop_shell import csp_reports
from django_desktop_shell.settings import CSP_REPORT_PATH

REPORT = {"csp-report": {
    "document-uri": "http://127.0.0.1:8123/books/?page=2", "violated-directive": "style-src-attr",
    "effective-directive": "style-src-attr", "blocked-uri": "inline", "status-code": 200,
    "source-file": "http://127.0.0.1:8123/books/?page=2", "line-number": 14, "column-number": 9,
}}


@pytest.fixture(autouse=True)
def fresh_refusals(monkeypatch):
    monkeypatch.setattr(csp_reports, "refusals", csp_reports.Refusals())


def logged(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == csp_reports.logger.name]


def send(client, body, content_type=csp_reports.REPORT_TYPE):
    # As the web view sends it: Origin null, no CSRF token.
    return client.post(CSP_REPORT_PATH, data=body, content_type=content_type, HTTP_ORIGIN="null")


def test_every_page_names_the_report_address_in_its_policy(client):
    assert f"report-uri {CSP_REPORT_PATH}" in client.get("/_desktop/probe/")["Content-Security-Policy"]


def test_a_refusal_is_logged_once_in_words_the_developer_can_act_on(csrf_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        assert send(csrf_client, json.dumps(REPORT)).status_code == 204
        assert send(csrf_client, json.dumps(REPORT)).status_code == 204
    assert logged(caplog) == [
        "The Content-Security-Policy refused a style= attribute on the page /books/?page=2, line 14"]


@pytest.mark.parametrize(("directive", "blocked", "named"), [
    ("script-src-elem", "https://cdn.example/htmx.js?v=2", "https://cdn.example/htmx.js"),
    # An outside trial: a note's tracking pixel, refused, put the words in its address into the
    # log, which keeps them after the note is deleted for good. An image is named by its site.
    ("img-src", "https://tracker.example/p.gif?diagnosis=quokka#secret", "https://tracker.example/…"),
])
def test_a_refused_address_is_named_for_the_developer_without_a_document_s_words(
    csrf_client, caplog, directive, blocked, named
):
    report = {"csp-report": {**REPORT["csp-report"], "effective-directive": directive, "blocked-uri": blocked,
                             "line-number": 3}}
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        send(csrf_client, json.dumps(report))
    assert logged(caplog) == [f"The Content-Security-Policy refused {named} ({directive}) on the page /books/?page=2, line 3"]


def test_a_map_s_refused_tiles_are_one_line_and_leave_room_for_the_next_refusal(csrf_client, caplog):
    """A map page (Leaflet on an online tile server) had each of its tiles refused: the log said the
    same line once a tile, and a pan or two filled the day's 100 lines, so an inline script refused
    after it was never logged, nor did --self-test fail on it."""
    tiles = [{"csp-report": {**REPORT["csp-report"], "effective-directive": "img-src", "line-number": 5,
                             "blocked-uri": f"https://tile.openstreetmap.org/12/{x}/{y}.png"}}
             for x in range(12) for y in range(12)]
    script = {"csp-report": {**REPORT["csp-report"], "effective-directive": "script-src-elem", "line-number": 20}}
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        for tile in [*tiles, script]:
            send(csrf_client, json.dumps(tile))
    assert logged(caplog) == [
        "The Content-Security-Policy refused https://tile.openstreetmap.org/… (img-src) on the page /books/?page=2, line 5",
        "The Content-Security-Policy refused an inline <script> on the page /books/?page=2, line 20"]


def test_without_the_session_a_report_is_refused_and_not_logged(anonymous_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        assert send(anonymous_client, json.dumps(REPORT)).status_code == 403
    assert not logged(caplog)


@pytest.mark.parametrize(("body", "content_type"), [
    (json.dumps(REPORT), "text/plain"),  # what a page of another origin could send without a preflight
    ("not json", csp_reports.REPORT_TYPE),
    (json.dumps({"csp-report": ["x"]}), csp_reports.REPORT_TYPE),
    (json.dumps({"other": 1}), csp_reports.REPORT_TYPE),
    (json.dumps({"csp-report": {"blocked-uri": "x" * csp_reports.MAX_REPORT_BYTES}}), csp_reports.REPORT_TYPE),
    ("[" * 8000, csp_reports.REPORT_TYPE),  # deeper than Python's parser goes: a 500, its traceback logged
])
def test_anything_but_a_report_is_a_400_and_not_logged(client, caplog, body, content_type):
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        response = send(client, body, content_type)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not logged(caplog)


def test_the_log_takes_a_bounded_number_of_refusals_a_day(client, caplog, monkeypatch):
    # A server runs for months: with a cap for the whole run, a few hundred reports sent from
    # anywhere silenced its log until its next restart.
    clock = [1000.0]
    monkeypatch.setattr(csp_reports, "refusals", csp_reports.Refusals(clock=lambda: clock[0]))
    reports = [json.dumps({"csp-report": {**REPORT["csp-report"], "line-number": line}})
               for line in range(csp_reports.MAX_LOGGED + 20)]
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        for report in reports:
            send(client, report)
        clock[0] += 3600
        send(client, reports[-1])
    lines = logged(caplog)
    assert len(lines) == csp_reports.MAX_LOGGED + 1
    assert re.fullmatch(rf"The Content-Security-Policy refused {csp_reports.MAX_LOGGED} different things within a "
                        r"day: further refusals are not logged until \d{4}-\d\d-\d\d \d\d:\d\d\.", lines[-1])
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        clock[0] += 23 * 3600  # a day after the first
        send(client, reports[-1])
        send(client, reports[0])
    assert logged(caplog) == [csp_reports.describe(json.loads(reports[-1])["csp-report"]),
                              csp_reports.describe(json.loads(reports[0])["csp-report"])]


def test_what_the_page_sends_reaches_the_log_as_one_line(client, caplog):
    report = {"csp-report": {**REPORT["csp-report"], "document-uri": "http://127.0.0.1:8123/a\nWARNING forged line",
                             "blocked-uri": "https://cdn.example/" + "x" * 1000}}
    with caplog.at_level(logging.WARNING, logger="django_desktop_shell.csp_reports"):
        send(client, json.dumps(report))
    [line] = logged(caplog)
    assert "\n" not in line and len(line) < 800
    assert "/a WARNING forged line" in line
