"""The shell's /_desktop/print-to-pdf: the save dialog, then the page printed to the chosen path."""

import json
from pathlib import Path

import pytest

from django_desktop_shell import native

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


class FakeWindow:
    def __init__(self, chosen, fail=False):
        self.chosen, self.fail, self.asked, self.printed = chosen, fail, [], []

    def choose_save_path(self, suggested_name, file_types=()):
        self.asked.append((suggested_name, file_types))
        return self.chosen

    def print_to_pdf(self, path):
        if self.fail:
            raise native.PrintFailed("Printing to PDF failed: no printer.")
        self.printed.append(path)


def post(client, body):
    response = client.post("/_desktop/print-to-pdf", json.dumps(body), content_type="application/json", **XHR)
    return response.status_code, response.json()


@pytest.mark.parametrize(("suggested", "asked"), [("Trip.pdf", "Trip.pdf"), ("../../etc/x.pdf", "Page.pdf"), (5, "Page.pdf")])
def test_the_page_is_printed_to_the_path_chosen_in_the_save_dialog(client, monkeypatch, suggested, asked):
    window = FakeWindow(Path("/home/me/Trip"))
    monkeypatch.setattr(native, "functions", window)
    assert post(client, {"suggested_name": suggested}) == (200, {"path": "/home/me/Trip.pdf"})
    assert window.asked == [(asked, ("PDF document (*.pdf)",))] and window.printed == [Path("/home/me/Trip.pdf")]


def test_cancelled_failed_and_outside_the_window(client, monkeypatch):
    monkeypatch.setattr(native, "functions", FakeWindow(None))
    assert post(client, {}) == (200, {"path": None})
    monkeypatch.setattr(native, "functions", FakeWindow(Path("/tmp/a.pdf"), fail=True))
    status, answer = post(client, {})
    assert status == 500 and answer["error"] == "Printing to PDF failed: no printer."
    monkeypatch.setattr(native, "functions", None)
    assert post(client, {})[0] == 409


@pytest.mark.parametrize("body", ["not json", "[" * 8000])
def test_a_body_that_is_not_a_json_object_is_a_400(client, monkeypatch, body):
    # One nested deeper than Python's parser goes was a 500, its traceback in the log.
    monkeypatch.setattr(native, "functions", FakeWindow(Path("/home/me/Trip")))
    response = client.post("/_desktop/print-to-pdf", body, content_type="application/json", **XHR)
    assert (response.status_code, response.json()) == (400, {"error": "Send {\"suggested_name\": \"Name.pdf\"} as JSON."})
