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
    alive = {uid: note for uid in created if (note := device.note(uid)) is not None}
    kind = rng.choice(["create", "create", "edit", "edit", "edit", "trash", "restore", "purge", "attach"])
    if kind == "create" or not alive:
        counter[0] += 1
        note = device.create(f"soak {counter[0]}", f"made on {device.name}", tags=[rng.choice(["a", "b", "c"])])
        created[note["uid"]] = note["title"]
        return
    uid = rng.choice(sorted(alive))
    note = alive[uid]
    if kind == "edit" and note["trashed_at"] is None:
        device.edit(uid, body=f"{note['body']}\nline {rng.randrange(10**6)} from {device.name}", pinned=rng.random() < 0.3)
    elif kind == "trash" and note["trashed_at"] is None:
        device.trash(uid)
    elif kind == "restore" and note["trashed_at"] is not None:
        device.restore(uid)
    elif kind == "purge" and note["trashed_at"] is not None:
        device.purge(uid)
        purged.add(uid)
    elif kind == "attach" and note["trashed_at"] is None:
        device.attach(uid, f"file{rng.randrange(3)}.txt", f"content {rng.randrange(3)}".encode() * 100)


def edit_one_note_on_both(devices, rng: random.Random, created: dict) -> None:
    """A concurrent edit: the same note, outside the trash on both, changed on both before either syncs."""
    notes = [[device.note(uid) for device in devices] for uid in sorted(created)]
    shared = [pair[0]["uid"] for pair in notes if all(note and note["trashed_at"] is None for note in pair)]
    if shared:
        uid = rng.choice(shared)
        for device in devices:
            device.edit(uid, body=f"{device.note(uid)['body']}\nconcurrent line from {device.name}")


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
