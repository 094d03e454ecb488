"""What a server of an older Notedesk may send that this one would not: the device takes it as it
would save it today, not as a bad answer."""

import uuid

from tests.sync.canned_server import NOTHING_TO_PULL, json_answer
from tests.sync.test_bad_answers import device  # noqa: F401 (a fixture)


def test_a_pulled_tag_holding_commas_becomes_the_tags_between_them(device, canned):
    """The Tags field separates tags with commas, so a tag cannot hold one (one made before that was refused)."""
    uid = str(uuid.uuid4())
    note = {
        "seq": 1, "change_id": "", "uid": uid, "title": "Plan", "body": "text", "tags": ["Work, Stuff", "home"],
        "pinned": False, "version": 1, "created": "2026-12-01T10:00:00+00:00", "updated": "2026-12-01T10:00:00+00:00",
        "trashed_at": None, "attachments": [], "revisions": [],
    }

    def answer(method, path, body):
        return json_answer({**NOTHING_TO_PULL, "changes": [note], "cursor": 1} if "since=0" in path else NOTHING_TO_PULL)

    device.connect(canned(answer).url, "a-device-token")
    assert device.sync()["error"] is None
    assert device.note(uid)["tags"] == ["home", "stuff", "work"]
