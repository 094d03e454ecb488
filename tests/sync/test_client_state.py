"""A device's own side of sync, with no server to reach: connecting, the state the sidebar
shows, and the token kept in the data folder (docs/sync.md, Connecting)."""

import json
import stat

from tests.sync.conftest import Device


def test_a_device_offline_keeps_working_and_says_why_it_cannot_sync(notedesk, tmp_path):
    device = Device(notedesk(tmp_path / "A"), "A")
    written = device.create("Before connecting")
    status = device.status()
    assert (status["connected"], status["pending"], status["error"]) == (False, 1, None)
    web_address = "Enter the server's address as its page gives it, starting with https:// (or http:// on your own network)."
    for server_url in ("not a url", "ftp://notes.example.org/"):
        refused = device.api.send_json("POST", "/api/sync/connection/", {"server_url": server_url, "token": ""})
        assert refused.status == 400
        assert refused.json()["fields"] == {"server_url": [web_address], "token": ["This field is required."]}
    device.connect("http://127.0.0.1:9", "a-device-token")  # nothing listens on port 9
    state = device.sync()
    assert state["error"]["reason"] == "unreachable"
    assert "cannot be reached" in state["error"]["message"]
    device.edit(written["uid"], body="edited offline")
    device.create("Written offline")
    assert device.status()["pending"] == 2
    assert device.note(written["uid"])["body"] == "edited offline"
    kept = device.process.data_dir / "sync.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert json.loads(kept.read_text())["token"] == "a-device-token"
    answer = device.api.request("DELETE", "/api/sync/connection/")
    assert answer.json()["connected"] is False and not kept.exists()
    assert device.api.request("POST", "/api/sync/now/").status == 409


def test_a_token_that_could_not_be_sent_is_refused_when_connecting_not_blamed_on_the_network(notedesk, tmp_path):
    """A token goes in an Authorization header: a line break or a character outside ASCII could
    never be sent, and each round would fail as "cannot be reached"; another JSON type is not text."""
    device = Device(notedesk(tmp_path / "A"), "A")
    for token in [["x"], 5, True, None, "a\nb", "tok\u00e9", "two words"]:
        refused = device.api.send_json("POST", "/api/sync/connection/", {"server_url": "http://127.0.0.1:9", "token": token})
        assert refused.status == 400 and list(refused.json()["fields"]) == ["token"], token
        assert "Device token:" in refused.json()["error"]
    refused = device.api.send_json("POST", "/api/sync/connection/", {"server_url": ["http://127.0.0.1:9"], "token": "t"})
    assert refused.status == 400 and list(refused.json()["fields"]) == ["server_url"]
    assert device.status()["connected"] is False
    device.connect("http://127.0.0.1:9", "  nd_pasted-with-spaces  ")
    assert json.loads((device.process.data_dir / "sync.json").read_text())["token"] == "nd_pasted-with-spaces"


def test_a_device_is_no_server_and_says_so(notedesk, tmp_path):
    device = Device(notedesk(tmp_path / "A"), "A")
    for method, path, body in [("GET", "/api/sync/v1/changes/?since=0", None),
                               ("POST", "/api/sync/v1/changes/", {"changes": []}),
                               ("POST", "/api/sync/v1/contents/missing/", {"sha256": []}),
                               ("GET", f"/api/sync/v1/contents/{'0' * 64}/", None)]:
        answer = device.api.send_json(method, path, body) if body is not None else device.api.request(method, path)
        assert answer.status == 404, (path, answer.status)
        assert answer.json()["error"] == "This is a Notedesk device: it syncs with a server, and is not one."


def test_a_server_name_that_cannot_be_looked_up_is_said_so(notedesk, tmp_path):
    """Offline, or behind a network whose name service stopped answering, or with the name
    mistyped. Until this: "cannot be reached: Name or service not known", the resolver's words."""
    device = Device(notedesk(tmp_path / "A"), "A")
    device.connect("https://notes.invalid", "a-device-token")  # .invalid: a name no resolver answers (RFC 2606)
    state = device.sync()
    assert state["error"] == {"reason": "unreachable", "message": (
        "The server at https://notes.invalid cannot be reached: its name, notes.invalid, could not be looked up. "
        "Is this computer offline, or the name mistyped?")}
