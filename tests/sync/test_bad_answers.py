"""A device talking to a server that answers wrong (docs/sync.md, Failures): the round stops with
`bad_answer`, saying what was wrong, and nothing is lost; the device works on."""

import json

import pytest

from tests.sync.canned_server import CannedServer
from tests.sync.conftest import Device

NOTHING_TO_PULL = {"protocol": 1, "changes": [], "cursor": 0, "more": False}


def json_answer(payload: dict) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()


@pytest.fixture
def device(notedesk, tmp_path):
    return Device(notedesk(tmp_path / "A"), "A")


@pytest.fixture
def canned():
    servers = []

    def start(answer) -> CannedServer:
        servers.append(CannedServer(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


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
    pulls = [path for method, path, _ in server.requests if method == "GET"]
    assert pulls == ["/api/sync/v1/changes/?since=0&limit=100"] * len(pulls) and len(pulls) <= 2  # one a round
