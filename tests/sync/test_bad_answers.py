"""A device talking to a server that answers wrong (docs/sync.md, Failures): the round stops with
`bad_answer`, saying what was wrong, and nothing is lost; the device works on."""

import json

import pytest

from tests.sync.canned_server import NOTHING_TO_PULL, json_answer
from tests.sync.conftest import Device


@pytest.fixture
def device(notedesk, tmp_path):
    return Device(notedesk(tmp_path / "A"), "A")


@pytest.mark.parametrize("version", [0, 2**40, "7", True])
def test_a_push_answered_with_a_version_that_is_not_one_is_a_bad_answer_and_the_note_stays_editable(device, canned, version):
    def answer(method, path, body):
        if method == "POST" and path.endswith("/changes/"):
            pushed = json.loads(body)["changes"]
            return json_answer({"protocol": 1, "results": [
                {"uid": change["note"]["uid"], "status": "applied", "version": version, "revisions": []} for change in pushed
            ]})
        return json_answer(NOTHING_TO_PULL)

    note = device.create("Kept", "words that must survive")
    device.connect(canned(answer).url, "a-device-token")
    state = device.sync()
    assert state["error"]["reason"] == "bad_answer" and "version" in state["error"]["message"]
    assert state["pending"] == 1
    assert device.edit(note["uid"], body="typed later")["body"] == "typed later"


def test_a_pull_that_says_more_follows_without_moving_its_cursor_is_a_bad_answer_not_a_loop(device, canned):
    """Until this, the device asked again at once, for ever (6,145 requests in 10 s)."""
    server = canned(lambda method, path, body: json_answer({**NOTHING_TO_PULL, "more": True}))
    device.connect(server.url, "a-device-token")
    state = device.sync()
    assert state["error"]["reason"] == "bad_answer" and "did not move" in state["error"]["message"]
    # Past the connection's first question (whose account: past the last change, so none come)
    pulls = [path for method, path, _ in server.requests if method == "GET" and f"since={2**62}&" not in path]
    assert pulls == ["/api/sync/v1/changes/?since=0&limit=100"] * len(pulls) and len(pulls) <= 2  # one a round


def test_a_redirect_to_another_address_is_refused_and_the_token_goes_nowhere_else(device, canned):
    """Until this, the device followed it, sending its token to whatever host the answer named."""
    elsewhere = canned(lambda method, path, body: json_answer(NOTHING_TO_PULL))
    moved = canned(lambda method, path, body: (302, {"Location": f"{elsewhere.url.replace('127.0.0.1', 'localhost')}{path}"}, b""))
    device.create("Pending", "words")
    device.connect(moved.url, "a-device-token")
    state = device.sync()
    assert state["error"]["reason"] == "bad_answer"
    assert "redirected to another address (http://localhost:" in state["error"]["message"]
    assert elsewhere.requests == [] and state["pending"] == 1


def test_an_answer_too_large_to_be_one_is_not_read_to_its_end(device, canned):
    """Until this, the device read all of it into memory (400 MB took the app to 1.7 GB)."""
    device.create("Pending", "words")
    server = canned(lambda method, path, body: (200, {"Content-Type": "application/json"}, b" " * (40 * 1024 * 1024)))
    device.connect(server.url, "a-device-token")
    state = device.sync()
    assert state["error"]["reason"] == "bad_answer" and "larger than 32 MB" in state["error"]["message"]
    assert state["pending"] == 1


def test_a_pull_answered_too_large_asks_for_fewer_changes_at_a_time(device, canned):
    """Notes with long histories: 100 of them can pass what the device reads of an answer."""
    def answer(method, path, body):
        if int(path.rsplit("limit=", 1)[1]) > 25:
            return 200, {"Content-Type": "application/json"}, b" " * (40 * 1024 * 1024)
        return json_answer(NOTHING_TO_PULL)

    server = canned(answer)
    device.connect(server.url, "a-device-token")
    assert device.sync()["error"] is None
    assert [path.rsplit("limit=", 1)[1] for _, path, _ in server.requests][-3:] == ["100", "50", "25"]


@pytest.mark.parametrize(("protocol", "message"), [
    (2, "The server speaks a newer sync protocol (version 2) than this Notedesk (version 1): update Notedesk on this device."),
    (0, "The server speaks an older sync protocol (version 0) than this Notedesk (version 1): the server's Notedesk must be updated."),
    (None, "The server does not speak Notedesk's sync protocol (version 1): is the address the right one?"),
    (True, "The server does not speak Notedesk's sync protocol (version 1): is the address the right one?"),
    ("2", "The server does not speak Notedesk's sync protocol (version 1): is the address the right one?"),
])
def test_a_server_speaking_another_protocol_says_who_must_update_and_nothing_is_lost(device, canned, protocol, message):
    """Until this, each was "The server speaks another sync protocol than version 1.": not whose to update."""
    server = canned(lambda method, path, body: json_answer({**NOTHING_TO_PULL, "protocol": protocol}))
    note = device.create("Written offline", "words")
    device.connect(server.url, "a-device-token")
    state = device.sync()
    assert state["error"]["reason"] == "bad_answer" and state["error"]["message"].startswith(message)
    assert state["pending"] == 1 and device.note(note["uid"])["body"] == "words"


def test_an_answer_nested_deeper_than_json_is_read_is_a_bad_answer(device, canned):
    """It stopped the round as an internal error, its traceback in the log."""
    server = canned(lambda method, path, body: (200, {"Content-Type": "application/json"}, b"[" * 100_000))
    device.connect(server.url, "a-device-token")
    state = device.sync()
    assert state["error"]["reason"] == "bad_answer" and "did not answer with JSON" in state["error"]["message"]


HOTEL_LOGIN = b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><form>Room <input name=room></form></body></html>"


@pytest.mark.parametrize("status, headers", [
    (200, {"Content-Type": "text/html"}),
    (302, {"Location": "http://portal.hotel-wifi.example/login?from=notes"}),
    (511, {"Content-Type": "text/html"}),
    (403, {"Content-Type": "text/html"}),
], ids=["login page", "redirect to the login page", "511 network authentication required", "403 page"])
def test_a_network_that_asks_to_log_in_first_is_said_so_not_blamed_on_the_server_or_the_token(device, canned, status, headers):
    """A hotel's or a train's wifi answers every request with its login page until one logs in.
    Until this, the device said "did not answer with JSON: is it Notedesk?", "the server has moved
    there: disconnect and connect to that address" (the login page's), or, to a 403, that the
    server refused this device, as if its token had been revoked."""
    server = canned(lambda method, path, body: (status, headers, HOTEL_LOGIN))
    note = device.create("Written on the train", "words")
    device.connect(server.url, "a-device-token")
    state = device.sync()
    assert state["error"]["reason"] == "bad_answer"
    assert state["error"]["message"].startswith(f"The server at {server.url} was not reached: ")
    assert state["error"]["message"].endswith(
        "On a network that asks you to log in first (a hotel's, a train's wifi), log in in a browser, then choose Sync now.")
    assert state["pending"] == 1 and device.note(note["uid"])["body"] == "words"
