"""Two devices sync through rounds of random changes on both (creates, edits of the same notes,
trash, restore, purge, attachments), then every note's uid, version and content hash agree on
the two devices and the server, and no note is lost or doubled.

`make test` runs a few rounds; `make soak-sync` (NOTEDESK_SYNC_SOAK_ROUNDS) many."""

import os
import random
from collections import Counter

from tests.sync.test_two_devices import assert_same_everywhere, connected, settle

ROUNDS = int(os.environ.get("NOTEDESK_SYNC_SOAK_ROUNDS", "4"))
CHANGES_PER_ROUND = 8


def random_change(device, rng: random.Random, created: dict, purged: set, counter: list) -> None:
    kind = rng.choice(["create", "create", "edit", "edit", "edit", "trash", "restore", "purge", "attach"])
    known = sorted(set(created) - purged)
    note = device.note(rng.choice(known)) if kind != "create" and known else None
    if note is None:  # a create, or a note this device does not have (yet, or any more)
        counter[0] += 1
        made = device.create(f"soak {counter[0]}", f"made on {device.name}", tags=[rng.choice(["a", "b", "c"])])
        created[made["uid"]] = made["title"]
        return
    path, trashed = f"/api/notes/{note['id']}/", note["trashed_at"] is not None
    if kind == "edit" and not trashed:
        answer = device.api.send_json("PATCH", path, {
            "version": note["version"], "pinned": rng.random() < 0.3,
            "body": f"{note['body']}\nline {rng.randrange(10**6)} from {device.name}",
        })
    elif kind == "trash" and not trashed:
        answer = device.api.request("DELETE", path)
    elif kind == "restore" and trashed:
        answer = device.api.request("POST", f"{path}restore/")
    elif kind == "purge" and trashed:
        answer = device.api.request("DELETE", f"{path}?purge=1")
    elif kind == "attach" and not trashed:
        answer = device.api.upload(f"{path}attachments/", f"file{rng.randrange(3)}.txt", f"content {rng.randrange(3)}".encode() * 100)
    else:
        return
    if answer.status < 300:
        if kind == "purge":
            purged.add(note["uid"])
    else:
        assert_changed_meanwhile(device, note, f"{kind}: {answer.status} {answer.body[:300]!r}")


def assert_changed_meanwhile(device, before: dict, refusal: str) -> None:
    """A refusal is right only if the note changed on the device since it was read: the device's
    background sync rounds pull the other device's changes while this one is changed."""
    now = device.note(before["uid"])
    assert now is None or now["version"] != before["version"], f"{before['title']} on {device.name}, unchanged, refused {refusal}"


def edit_one_note_on_both(devices, rng: random.Random, created: dict) -> None:
    """A concurrent edit: the same note, outside the trash on both, changed on both before either syncs."""
    notes = [[device.note(uid) for device in devices] for uid in sorted(created)]
    shared = [pair[0]["uid"] for pair in notes if all(note and note["trashed_at"] is None for note in pair)]
    if shared:
        uid = rng.choice(shared)
        for device in devices:
            note = device.note(uid)
            if note is None or note["trashed_at"] is not None:
                continue  # purged or trashed there meanwhile, by a background round
            answer = device.api.send_json("PATCH", f"/api/notes/{note['id']}/", {
                "version": note["version"], "body": f"{note['body']}\nconcurrent line from {device.name}"})
            if answer.status != 200:
                assert_changed_meanwhile(device, note, f"edit: {answer.status} {answer.body[:300]!r}")


def test_random_changes_on_two_devices_converge(devices, sync_server):
    rng = random.Random(int(os.environ.get("NOTEDESK_SYNC_SOAK_SEED", "16")))
    tokens = connected(devices, sync_server)
    created, purged, counter = {}, set(), [0]
    for _ in range(ROUNDS):
        edit_one_note_on_both(devices, rng, created)
        for device in devices:
            for _ in range(CHANGES_PER_ROUND):
                random_change(device, rng, created, purged, counter)
        for device in rng.sample(devices, 2):
            device.sync()
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, tokens["A"])
    lost = set(created) - purged - set(on_server)
    assert not lost, f"notes lost: {sorted(created[uid] for uid in lost)}"
    titles = Counter(devices[0].note(uid)["title"] for uid in on_server)
    assert [title for title, count in titles.items() if count > 1 and "(conflict," not in title] == []
    print(f"\n{ROUNDS} rounds: {len(created)} notes created, {len(purged)} purged, "
          f"{len(on_server)} on each of the three, {sum('(conflict,' in title for title in titles)} conflict copies")
