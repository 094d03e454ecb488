"""Every error answer: JSON {"error"} for AJAX, a readable page otherwise, never a debug page."""

import logging

import pytest
from django.test import override_settings

pytestmark = pytest.mark.urls("tests.failing_urls")


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_exception_is_json_500_for_ajax(client, caplog, debug):
    with override_settings(DEBUG=debug), caplog.at_level(logging.ERROR):
        response = client.get("/broken/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 500
    assert response.json() == {"error": "Something went wrong on our side. It has been logged."}
    assert "boom: the view failed" in caplog.text


@pytest.mark.parametrize("debug", [False, True])
def test_unhandled_exception_is_a_plain_page_for_a_browser(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "500 Internal Server Error" in html
    assert "Traceback" not in html and "boom" not in html


def test_error_page_does_not_echo_markup_from_the_path(client):
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_raised_404_stays_a_404_not_a_500(client):
    response = client.get("/raises-404/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 404
    assert response.json() == {"error": "Nothing is at /raises-404/."}


def test_api_errors_are_json_even_without_ajax_headers(client, db):
    response = client.get("/api/notes/999999/")
    assert response.status_code == 404
    assert response.json()["error"]
