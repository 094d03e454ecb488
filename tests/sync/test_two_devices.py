"""Two devices and one server: what each device sees after sync (docs/sync.md)."""

from tests.reliability.conftest import poll
from tests.sync.conftest import server_notes


def connected(devices, sync_server):
    tokens = {}
    for device in devices:
        tokens[device.name] = sync_server.new_device(device.name)
        device.connect(sync_server.url, tokens[device.name])
    return tokens


def settle(devices):
    """Rounds enough for every change to reach every device: A, B, then A again."""
    for device in (*devices, devices[0]):
        synced_without_error(device)


def synced_without_error(device) -> None:
    state = device.sync()
    assert state["error"] is None, f"{state['error']} on {device.name}; its log:\n{device.process.log_text()[-6000:]}"


def a_note_on_both(devices, sync_server, title: str, body: str) -> tuple[dict, dict]:
    """Both devices connected, and a note written on A that both have: (tokens, the note)."""
    tokens = connected(devices, sync_server)
    note = devices[0].create(title, body)
    settle(devices)
    return tokens, note


def assert_same_everywhere(devices, sync_server, token):
    on_server = server_notes(sync_server.url, token)
    for device in devices:
        assert device.notes() == on_server, f"device {device.name} differs from the server"
    return on_server


def test_offline_edits_on_both_devices_meet(devices, sync_server):
    a, b = devices
    first = a.create("From A", "written on A while offline", tags=["work"])
    second = b.create("From B", "written on B while offline")
    b.edit(second["uid"], body="edited on B, still offline")
    tokens = connected(devices, sync_server)
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, tokens["A"])
    assert set(on_server) == {first["uid"], second["uid"]}
    assert b.note(first["uid"])["tags"] == ["work"]
    assert a.note(second["uid"])["body"] == "edited on B, still offline"
    assert a.status()["pending"] == 0 and a.status()["last_synced"]


def test_concurrent_edits_keep_both_texts(devices, sync_server):
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Plan", "first draft")
    a.edit(note["uid"], body="A's version")
    synced_without_error(a)  # first, whenever B's background round runs
    b.edit(note["uid"], body="B's version")
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, tokens["A"])
    assert a.note(note["uid"])["body"] == b.note(note["uid"])["body"] == "A's version"
    copies = [b.note(uid) for uid in on_server if uid != note["uid"]]
    assert [(copy["body"], copy["title"].startswith("Plan (conflict, B, ")) for copy in copies] == [("B's version", True)]
    for device in devices:  # the note's History, on both, has the text the conflict replaced on B
        history = device.api.request("GET", f"/api/notes/{device.note(note['uid'])['id']}/revisions/").json()["revisions"]
        replaced = [revision for revision in history if revision["reason"] == "conflict"]
        assert len(replaced) == 1, history
        url = f"/api/notes/{device.note(note['uid'])['id']}/revisions/{replaced[0]['id']}/"
        assert device.api.request("GET", url).json()["body"] == "B's version"


def test_two_devices_pushing_one_note_at_the_same_moment_keep_both_texts(devices, sync_server):
    """B pushed the note last; then A's and B's next pushes of it reach the server together, B's
    waiting for A's to be applied. B must meet A's text as a conflict, not as its own earlier push
    (until this, B's text went over A's: A's words were lost, with no copy and no revision)."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Shopping", "bread")
    b.edit(note["uid"], body="bread, milk")
    synced_without_error(b)
    synced_without_error(a)
    a.edit(note["uid"], body="bread, milk, A's eggs")
    b.edit(note["uid"], body="bread, milk, B's apples")
    with sync_server.note_locked(note["uid"]):
        for waiting, device in enumerate((a, b), start=1):
            device.api.request("POST", "/api/sync/now/")
            poll(lambda: sync_server.requests_waiting_for_a_lock() >= waiting, 60, f"{device.name}'s push waiting")
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, tokens["A"])
    bodies = sorted(a.note(uid)["body"] for uid in on_server)
    assert bodies == ["bread, milk, A's eggs", "bread, milk, B's apples"]


def test_an_editor_saving_on_after_a_sync_round_is_not_a_conflict(devices, sync_server):
    """The window's editor saves every few seconds while the person types, each save based on the
    version the last one was answered with; a sync round runs when they pause. Their next save is
    not a conflict with their own text."""
    a, _ = devices
    connected(devices, sync_server)
    note = a.create("Typed on", "first words")
    synced_without_error(a)
    opened = a.note(note["uid"])
    version = opened["version"]
    for text in ("first words and", "first words and more", "first words and more words"):
        answer = a.api.send_json("PATCH", f"/api/notes/{opened['id']}/", {"version": version, "body": text})
        assert answer.status == 200, answer.body
        version = answer.json()["version"]
    synced_without_error(a)
    answer = a.api.send_json("PATCH", f"/api/notes/{opened['id']}/", {"version": version, "body": "typed on after the pause"})
    assert answer.status == 200, answer.body
    synced_without_error(a)
    assert server_notes(sync_server.url, sync_server.tokens["A"])[note["uid"]][0] == answer.json()["version"]


def test_a_pin_here_and_words_there_both_stay_and_the_open_editor_meets_the_words(devices, sync_server):
    """A pins the note, its editor open on it, while B adds words and syncs first. A's round takes
    B's words and pushes its pin over them; the editor's next save, based on the version it held,
    is a conflict the person resolves (until this, A took B's text at the very version its editor
    held, so that save went through and B's words were gone everywhere, and the pin too)."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Week", "item 1")
    b.edit(note["uid"], body="item 1\nB: medicine for mum")
    synced_without_error(b)
    opened = a.edit(note["uid"], pinned=True)
    synced_without_error(a)
    stale_save = a.api.send_json("PATCH", f"/api/notes/{opened['id']}/", {"version": opened["version"], "body": "item 1, item 2"})
    assert stale_save.status == 409, stale_save.body
    settle(devices)
    assert_same_everywhere(devices, sync_server, tokens["A"])
    for device in devices:
        kept = device.note(note["uid"])
        assert (kept["body"], kept["pinned"]) == ("item 1\nB: medicine for mum", True), device.name


def test_words_here_go_onto_a_note_pinned_and_given_an_attachment_there_with_no_conflict_copy(devices, sync_server):
    """Until this, the words typed on B went into a conflict copy, and the note kept its old text."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Trip", "tickets")
    a.edit(note["uid"], pinned=True)
    a.attach(note["uid"], "ticket.pdf", b"%PDF- a train ticket")
    synced_without_error(a)
    b.edit(note["uid"], body="tickets, and B's hotel booking")
    settle(devices)
    assert list(assert_same_everywhere(devices, sync_server, tokens["A"])) == [note["uid"]]
    for device in devices:
        kept = device.note(note["uid"])
        assert (kept["body"], kept["pinned"]) == ("tickets, and B's hotel booking", True), device.name
        assert [attachment["name"] for attachment in kept["attachments"]] == ["ticket.pdf"], device.name


def test_an_attachment_added_here_and_words_there_both_stay(devices, sync_server):
    """Until this, A took B's text over its note and deleted the file it had attached."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Receipts", "March")
    b.edit(note["uid"], body="March and April")
    synced_without_error(b)
    content = b"%PDF- the only copy of a receipt"
    a.attach(note["uid"], "receipt.pdf", content)
    settle(devices)
    assert_same_everywhere(devices, sync_server, tokens["A"])
    for device in devices:
        kept = device.note(note["uid"])
        assert kept["body"] == "March and April", device.name
        assert [attachment["name"] for attachment in kept["attachments"]] == ["receipt.pdf"], device.name
        assert device.api.request("GET", kept["attachments"][0]["url"]).body == content


def remove_attachment(device, uid: str, name: str) -> None:
    note = device.note(uid)
    attachment = next(item for item in note["attachments"] if item["name"] == name)
    assert device.api.request("DELETE", f"/api/notes/{note['id']}/attachments/{attachment['id']}/").status == 204


def test_an_attachment_removed_there_stays_removed_when_words_are_written_here(devices, sync_server):
    """Until this, B's edit put back the file A had removed (B still had it, the server's note
    did not): a scan deleted on purpose was back on every device."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Receipt", "text")
    a.attach(note["uid"], "passport.jpg", b"a scan of a passport")
    a.attach(note["uid"], "kept.pdf", b"%PDF- stays")
    settle(devices)
    remove_attachment(a, note["uid"], "passport.jpg")
    synced_without_error(a)
    b.edit(note["uid"], body="text, and B's words")
    b.attach(note["uid"], "added-on-b.pdf", b"%PDF- added on B")
    settle(devices)
    assert list(assert_same_everywhere(devices, sync_server, tokens["A"])) == [note["uid"]]
    for device in devices:
        kept = device.note(note["uid"])
        assert kept["body"] == "text, and B's words", device.name
        assert sorted(item["name"] for item in kept["attachments"]) == ["added-on-b.pdf", "kept.pdf"], device.name


def test_an_attachment_removed_here_stays_removed_when_words_were_written_there(devices, sync_server):
    """Until this, the server's note brought back the file B had removed, when A had edited the note."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Receipt", "text")
    a.attach(note["uid"], "passport.jpg", b"a scan of a passport")
    settle(devices)
    a.edit(note["uid"], body="text, and A's words")
    synced_without_error(a)
    remove_attachment(b, note["uid"], "passport.jpg")
    settle(devices)
    assert list(assert_same_everywhere(devices, sync_server, tokens["A"])) == [note["uid"]]
    for device in devices:
        kept = device.note(note["uid"])
        assert kept["body"] == "text, and A's words", device.name
        assert kept["attachments"] == [], device.name


def test_a_tag_renamed_on_one_device_and_words_or_tags_changed_on_the_other_merge_with_no_conflict_copy(devices, sync_server):
    """Until this, title, body and tags were one text: the rename made a conflict copy of every
    note the other device had changed, which brought the old tag back."""
    a, b = devices
    tokens = connected(devices, sync_server)
    first = a.create("T1", "x", tags=["alpha", "beta"])
    second = a.create("T2", "y", tags=["alpha"])
    settle(devices)
    assert a.api.send_json("PATCH", "/api/tags/alpha/", {"name": "gamma"}).status == 200
    b.edit(second["uid"], body="y, edited on B")
    assert b.api.request("DELETE", "/api/tags/beta/").status == 200
    synced_without_error(a)
    settle([b, a])
    on_server = assert_same_everywhere(devices, sync_server, tokens["A"])
    assert sorted(on_server) == sorted([first["uid"], second["uid"]])  # no conflict copy
    for device in devices:
        assert (device.note(first["uid"])["body"], device.note(first["uid"])["tags"]) == ("x", ["gamma"]), device.name
        assert (device.note(second["uid"])["body"], device.note(second["uid"])["tags"]) == ("y, edited on B", ["gamma"]), device.name


def test_the_same_words_changed_on_both_devices_still_make_a_conflict_copy(devices, sync_server):
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Plan", "v0")
    a.edit(note["uid"], body="A's words", tags=["a"])
    b.edit(note["uid"], body="B's words")
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, tokens["A"])
    assert len(on_server) == 2
    assert {body for (body,) in a.sql("SELECT body FROM notes_note")} == {"A's words", "B's words"}


def test_an_edit_wins_over_a_move_to_the_trash(devices, sync_server):
    a, b = devices
    tokens = connected(devices, sync_server)
    note = a.create("Keep me", "before")
    settle(devices)
    a.trash(note["uid"])
    b.edit(note["uid"], body="edited while A trashed it")
    settle(devices)
    assert_same_everywhere(devices, sync_server, tokens["A"])
    for device in devices:
        kept = device.note(note["uid"])
        assert (kept["trashed_at"], kept["body"]) == (None, "edited while A trashed it")


def test_an_edit_wins_over_a_purge(devices, sync_server):
    a, b = devices
    tokens = connected(devices, sync_server)
    note = a.create("Purged on A", "before")
    settle(devices)
    a.trash(note["uid"])
    a.purge(note["uid"])
    b.edit(note["uid"], body="edited on B")
    settle(devices)
    assert_same_everywhere(devices, sync_server, tokens["A"])
    assert a.note(note["uid"])["body"] == "edited on B"


def test_a_note_purged_while_a_device_was_disconnected_stays_purged_when_it_reconnects(devices, sync_server):
    """Connecting sends every note of the device once; until this, the server took the note it had
    purged, unchanged on that device since, as new, and it came back on every device."""
    a, b = devices
    tokens, note = a_note_on_both(devices, sync_server, "Old receipts", "shredded")
    kept = a.create("Kept", "still here")
    synced_without_error(a)
    assert a.api.request("DELETE", "/api/sync/connection/").json()["connected"] is False
    b.trash(note["uid"])
    b.purge(note["uid"])
    synced_without_error(b)
    a.connect(sync_server.url, tokens["A"])
    settle(devices)
    assert set(assert_same_everywhere(devices, sync_server, tokens["A"])) == {kept["uid"]}


def test_trash_restore_and_purge_reach_the_other_device(devices, sync_server):
    a, b = devices
    tokens = connected(devices, sync_server)
    kept, purged = a.create("Restored"), a.create("Purged")
    settle(devices)
    for uid in (kept["uid"], purged["uid"]):
        a.trash(uid)
    settle(devices)
    assert b.note(kept["uid"])["trashed_at"] and b.note(purged["uid"])["trashed_at"]
    a.restore(kept["uid"])
    a.purge(purged["uid"])
    settle(devices)
    assert b.note(kept["uid"])["trashed_at"] is None
    assert b.note(purged["uid"]) is None
    assert_same_everywhere(devices, sync_server, tokens["A"])


def test_attachments_travel_by_content_once(devices, sync_server, proxy):
    a, b = devices
    token = sync_server.new_device("A")
    a.connect(proxy.url, token)
    b.connect(sync_server.url, sync_server.new_device("B"))
    content = b"\x89PNG same picture on two notes" * 1000
    first, second = a.create("One"), a.create("Two")
    a.attach(first["uid"], "picture.png", content)
    a.attach(second["uid"], "copy.png", content)
    settle(devices)
    assert [line for line in proxy.requests if line.startswith("PUT ")] == [
        f"PUT /api/sync/v1/contents/{__import__('hashlib').sha256(content).hexdigest()}/ HTTP/1.1"
    ]
    names = {attachment["name"] for uid in (first["uid"], second["uid"]) for attachment in b.note(uid)["attachments"]}
    assert names == {"picture.png", "copy.png"}
    attachment = b.note(first["uid"])["attachments"][0]
    assert b.api.request("GET", attachment["url"]).body == content
    assert_same_everywhere(devices, sync_server, token)


def test_a_content_that_moves_from_a_purged_note_to_another_arrives_on_both_sides(devices, sync_server):
    """The server and the other device hold the content only on the note purged in the same
    round: both apply the purge before the note that takes the content over."""
    a, b = devices
    tokens = connected(devices, sync_server)
    content = b"the only copy of a scanned letter " * 500
    old, new = a.create("Old home"), a.create("New home")
    a.attach(old["uid"], "letter.pdf", content)
    settle(devices)
    b.trash(old["uid"])
    b.purge(old["uid"])
    b.attach(new["uid"], "letter.pdf", content)
    synced_without_error(b)
    synced_without_error(a)
    assert a.note(old["uid"]) is None
    attachment = a.note(new["uid"])["attachments"][0]
    assert a.api.request("GET", attachment["url"]).body == content
    assert_same_everywhere(devices, sync_server, tokens["A"])


def test_history_and_links_follow_the_note(devices, sync_server):
    a, b = devices
    tokens = connected(devices, sync_server)
    target = a.create("Target", "linked to")
    source = a.create("Source", "see [[Target]]")
    restored = a.api.request("GET", f"/api/notes/{a.note(source['uid'])['id']}/revisions/").json()
    assert restored["total"] == 0
    a.trash(source["uid"])  # moving to the trash and back keeps two revisions
    a.restore(source["uid"])
    settle(devices)
    assert_same_everywhere(devices, sync_server, tokens["A"])
    history = b.api.request("GET", f"/api/notes/{b.note(source['uid'])['id']}/revisions/").json()
    assert [revision["reason"] for revision in history["revisions"]] == ["restore", "trash"]
    backlinks = b.api.request("GET", f"/api/notes/{b.note(target['uid'])['id']}/backlinks/").json()
    assert [link["title"] for link in backlinks["notes"]] == ["Source"]


def test_a_first_pull_says_how_many_notes_have_arrived_while_it_runs(devices, sync_server, proxy):
    """Until this, a device pulling thousands of notes said "Syncing…" and nothing else for as long
    as it took (41 s for 5,000), its list empty until the round ended."""
    a, b = devices
    a.connect(sync_server.url, sync_server.new_device("A"))
    for number in range(150):
        a.create(f"Note {number}")
    synced_without_error(a)
    proxy.pause_on = "since=100&"  # the first pull's second batch (100 changes a batch)
    b.connect(proxy.url, sync_server.new_device("B"))
    assert proxy.paused.wait(60)
    state = b.status()
    proxy.go_on.set()
    assert state["syncing"] and state["received"] == 100
    synced_without_error(b)
    assert b.status()["received"] == 0 and len(b.notes()) == 150


def test_two_devices_that_each_made_todays_note_before_their_first_sync_hold_one_after_it(devices, sync_server):
    """Each device's journal was its own until it first met the server's (docs/sync.md): the day's
    note each made before is one note once both synced, and it is the one Today's note opens on each."""
    for device in devices:
        assert device.api.send_json("POST", "/api/notes/today/", {}).status == 201
    tokens = connected(devices, sync_server)
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, tokens["A"])
    assert len(on_server) == 1
    for device in devices:
        again = device.api.send_json("POST", "/api/notes/today/", {})
        assert (again.status, again.json()["uid"]) == (200, *on_server)
