"""Sync when things go wrong (docs/sync.md, Failures): a connection cut in the middle of an
answer, the server restarting, a token revoked. Each time nothing is lost or doubled."""

import shutil

from tests.reliability.conftest import poll
from tests.sync.conftest import Device, server_notes
from tests.sync.test_two_devices import assert_same_everywhere, settle


def test_a_connection_cut_in_the_middle_of_a_pull_is_pulled_again(devices, sync_server, proxy):
    a, b = devices
    token_a = sync_server.new_device("A")
    a.connect(sync_server.url, token_a)
    b.connect(proxy.url, sync_server.new_device("B"))
    assert b.sync()["error"] is None  # its first round, with nothing to pull, over before A writes
    uids = {a.create(f"Note {number}", "some text " * 50)["uid"] for number in range(30)}
    assert a.sync()["error"] is None
    proxy.cut_after = 5000  # the pulled batch is longer than this
    state = b.sync()
    assert state["error"]["reason"] == "unreachable" and proxy.cuts
    assert b.notes() == {}  # the batch that did not arrive whole was not applied
    proxy.cut_after = None
    assert b.sync()["error"] is None
    assert set(b.notes()) == uids
    assert_same_everywhere(devices, sync_server, token_a)


def test_a_push_whose_answer_is_cut_is_not_applied_twice(devices, sync_server, proxy):
    a, b = devices
    token = sync_server.new_device("A")
    a.connect(proxy.url, token)
    b.connect(sync_server.url, sync_server.new_device("B"))
    note = a.create("Pushed once", "v1")
    assert a.sync()["error"] is None
    a.edit(note["uid"], body="v2")
    proxy.cut_after = 1  # the server applies the push, its answer never arrives
    assert a.sync()["error"]["reason"] == "unreachable"
    proxy.cut_after = None
    state = a.sync()
    assert state["error"] is None and state["pending"] == 0
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, token)
    assert list(on_server) == [note["uid"]]  # no conflict copy of A's own text
    assert b.note(note["uid"])["body"] == "v2"


def test_a_device_killed_while_it_waits_for_a_push_answer_resumes_after_a_restart(devices, sync_server, proxy):
    a, b = devices
    token = sync_server.new_device("A")
    a.connect(proxy.url, token)
    b.connect(sync_server.url, sync_server.new_device("B"))
    uids = {a.create(f"Note {number}")["uid"] for number in range(20)}
    proxy.holding = True  # the server applies the push; its answer never reaches A
    a.api.request("POST", "/api/sync/now/")
    poll(lambda: "POST /api/sync/v1/changes/ HTTP/1.1" in proxy.requests, 30, "A pushing")
    poll(lambda: len(server_notes(sync_server.url, token)) == 20, 30, "the server applying the push")
    a.process.kill()  # kill -9, with nothing acknowledged
    proxy.holding = False
    a = Device(a.process.start(), "A")  # the same data folder: it syncs again from where it was
    settle([a, b])
    assert set(assert_same_everywhere([a, b], sync_server, token)) == uids  # no conflict copy, nothing twice


def test_a_server_restart_is_waited_out(devices, sync_server):
    a, b = devices
    token = sync_server.new_device("A")
    a.connect(sync_server.url, token)
    b.connect(sync_server.url, sync_server.new_device("B"))
    a.create("Before the restart")
    settle(devices)
    sync_server.stop()
    written = a.create("While the server was down")
    state = a.sync()
    assert state["error"]["reason"] == "unreachable" and state["pending"] == 1
    sync_server.start()
    settle(devices)
    assert b.note(written["uid"])["title"] == "While the server was down"
    assert_same_everywhere(devices, sync_server, token)


def test_a_revoked_token_is_refused_and_nothing_is_lost(devices, sync_server):
    a, _ = devices
    token = sync_server.new_device("A")
    a.connect(sync_server.url, token)
    synced = a.create("Synced")
    assert a.sync()["error"] is None
    sync_server.revoke("A")
    written = a.create("After the revocation", "kept here")
    a.edit(synced["uid"], body="changed after the revocation")
    state = a.sync()
    assert state["error"]["reason"] == "refused"
    assert "revoked" in state["error"]["message"]
    assert state["pending"] == 2
    assert a.note(written["uid"])["body"] == "kept here"
    assert a.note(synced["uid"])["body"] == "changed after the revocation"
    fresh = sync_server.new_device("A again")
    a.connect(sync_server.url, fresh)
    assert a.sync()["error"] is None
    assert a.notes() == server_notes(sync_server.url, fresh)


def test_a_device_restored_from_an_older_copy_of_its_data_folder_loses_nothing(devices, sync_server, tmp_path):
    """The copy numbers its changes again from where it was: until this, its next edit of a note
    was taken for a replay of the edit it had pushed after the copy (and dropped), and the changes
    it had pushed since were skipped as its own when it pulled them."""
    a, b = devices
    token = sync_server.new_device("A")
    a.connect(sync_server.url, token)
    b.connect(sync_server.url, sync_server.new_device("B"))
    budget = a.create("Budget", "rent 900")
    settle(devices)
    a.process.stop()
    shutil.copytree(a.process.data_dir, tmp_path / "A-copy")
    a = Device(a.process.start(), "A")
    a.edit(budget["uid"], body="rent 900\nsalary 3000")
    made_after = a.create("Made after the copy", "words written after the copy")
    settle([a, b])
    a.process.stop()
    shutil.rmtree(a.process.data_dir)
    shutil.copytree(tmp_path / "A-copy", a.process.data_dir)
    sync_server.stop()  # the copy's edit is made before it syncs
    a = Device(a.process.start(), "A")
    a.edit(budget["uid"], body="rent 900\ngroceries 400")
    sync_server.start()
    settle([a, b])
    on_server = assert_same_everywhere([a, b], sync_server, token)
    assert a.note(made_after["uid"])["body"] == "words written after the copy"
    bodies = sorted(a.note(uid)["body"] for uid in on_server if uid != made_after["uid"])
    assert bodies == ["rent 900\ngroceries 400", "rent 900\nsalary 3000"]


def test_devices_lose_nothing_when_the_server_is_restored_from_an_older_backup(devices, sync_server, tmp_path):
    """The restored server lacks what was synced after its backup; the devices' cursors were past
    its last change, so nothing written since reached it, nor what another device wrote after the
    restore, with no error anywhere (found by a sync audit)."""
    a, b = devices
    token = sync_server.new_device("A")
    a.connect(sync_server.url, token)
    b.connect(sync_server.url, sync_server.new_device("B"))
    a.create("Before the backup", "kept by the backup")
    settle(devices)
    sync_server.back_up(tmp_path / "server.dump")
    after_backup = a.create("Written after the server backup", "only the devices have it")
    a.create("Also after it", "more")
    settle(devices)
    sync_server.restore(tmp_path / "server.dump")
    after_restore = b.create("Written on B after the restore", "new words")
    settle(devices)
    on_server = assert_same_everywhere(devices, sync_server, token)
    titles = sorted(a.note(uid)["title"] for uid in on_server)
    assert titles == ["Also after it", "Before the backup", "Written after the server backup", "Written on B after the restore"]
    assert b.note(after_backup["uid"])["body"] == "only the devices have it"
    assert a.note(after_restore["uid"])["body"] == "new words"
