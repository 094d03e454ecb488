"""Notes near the server's limit of 8 MB a request (docs/sync.md, Known limits)."""

import random

from tests.sync.test_two_devices import a_note_on_both, assert_same_everywhere, settle, synced_without_error

LONGEST_BODY = 1_000_000  # characters (notes/forms.py)


def chinese(length: int, seed: int) -> str:
    characters = random.Random(seed)
    return "".join(chr(characters.randint(0x4E00, 0x9FA5)) for _ in range(length))


def test_a_long_chinese_text_and_its_history_reach_the_other_device(devices, sync_server):
    """700,000 characters and the version the edit replaced: 4.2 MB in UTF-8, 8.4 MB escaped
    as ASCII, which the server refused, so the note and every change after it stayed here."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Novel draft", chinese(700_000, seed=1))
    a.edit(note["uid"], body=chinese(700_000, seed=2))
    settle(devices)
    assert_same_everywhere(devices, sync_server, tokens["A"])
    assert b.note(note["uid"])["body"] == chinese(700_000, seed=2)


def test_a_note_too_large_for_the_server_is_named_and_the_other_changes_sync(devices, sync_server):
    a, b = devices
    tokens, _ = a_note_on_both(devices, sync_server, "Before", "synced")
    too_large = a.create("Novel draft", chinese(LONGEST_BODY, seed=1))
    for seed in (2, 3):  # each replaced text kept as a version: 9 MB of UTF-8 with them
        a.edit(too_large["uid"], body=chinese(LONGEST_BODY, seed=seed))
    after = a.create("Plumber", "0123 456 789")
    state = a.sync()
    assert state["error"]["reason"] == "server_error" and "“Novel draft”" in state["error"]["message"]
    assert state["pending"] == 1
    synced_without_error(b)
    assert b.note(after["uid"])["body"] == "0123 456 789"
    assert a.note(too_large["uid"])["body"] == chinese(LONGEST_BODY, seed=3)
