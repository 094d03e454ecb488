"""A device that disconnects and connects to another account, or another server, and back
(docs/sync.md, Connecting): what it knew of one account's notes is not taken for the other's."""

from tests.sync.conftest import server_notes
from tests.sync.test_two_devices import synced_without_error


def texts(device) -> set[str]:
    return {body for (body,) in device.sql("SELECT body FROM notes_note")}


def both_in_step_on_one_note(sync_server, laptop, desktop) -> dict:
    """Both devices connected to one account, the laptop's note "Plan" synced to both."""
    laptop.connect(sync_server.url, sync_server.new_device("laptop"))
    desktop.connect(sync_server.url, sync_server.new_device("desktop"))
    note = laptop.create("Plan", "first words")
    synced_without_error(laptop)
    synced_without_error(desktop)
    return note


def test_an_edit_made_on_another_account_is_kept_when_the_device_comes_back(sync_server, devices):
    laptop, desktop = devices
    note = both_in_step_on_one_note(sync_server, laptop, desktop)

    laptop.disconnect()
    laptop.connect(sync_server.url, sync_server.new_device("laptop at work", person="colleague"))
    synced_without_error(laptop)
    laptop.edit(note["uid"], body="written while connected to the other account")
    synced_without_error(laptop)

    laptop.disconnect()
    alice_again = sync_server.new_device("laptop again")
    laptop.connect(sync_server.url, alice_again)
    synced_without_error(laptop)
    synced_without_error(desktop)
    synced_without_error(laptop)

    # Nothing is lost: the edit is on the laptop, on the server and on the desktop, as the note
    # or as its conflict copy, beside the text the account had.
    for device in (laptop, desktop):
        assert {"first words", "written while connected to the other account"} <= texts(device), device.name
    on_server = {uid for uid in server_notes(sync_server.url, alice_again)}
    assert set(laptop.notes()) == on_server == set(desktop.notes())


def test_a_note_of_the_same_version_on_another_account_is_not_overwritten(sync_server, devices):
    """The versions of one account's notes are not another's: a push based on one that happens to
    be the other account's current version must not go over that note unseen."""
    laptop, desktop = devices
    laptop.connect(sync_server.url, sync_server.new_device("laptop"))
    note = laptop.create("Plan", "the first account's words")
    synced_without_error(laptop)
    laptop.edit(note["uid"], body="the first account's second words")
    synced_without_error(laptop)  # version 2 on the first account

    # The second account has the note too, at version 2, with its own words.
    desktop.connect(sync_server.url, sync_server.new_device("desktop", person="colleague"))
    desktop.create("Other", "x")
    synced_without_error(desktop)
    desktop.disconnect()
    laptop.disconnect()
    laptop.connect(sync_server.url, sync_server.new_device("laptop at work", person="colleague"))
    synced_without_error(laptop)
    laptop.disconnect()
    laptop.connect(sync_server.url, sync_server.new_device("laptop back home"))
    synced_without_error(laptop)
    desktop.connect(sync_server.url, sync_server.new_device("desktop again", person="colleague"))
    synced_without_error(desktop)
    desktop.edit(note["uid"], body="the second account's words")
    synced_without_error(desktop)

    laptop.edit(note["uid"], body="the first account's third words")
    synced_without_error(laptop)
    laptop.disconnect()
    laptop.connect(sync_server.url, sync_server.new_device("laptop at work again", person="colleague"))
    synced_without_error(laptop)
    synced_without_error(desktop)
    for device in (laptop, desktop):
        assert {"the second account's words", "the first account's third words"} <= texts(device), device.name


def test_the_same_account_at_a_new_address_is_the_same_account(sync_server, devices, proxy):
    """A server that moved (docs/server.md: disconnect, connect to the new address) holds the
    notes the device was in step with: nothing is copied as a conflict for what changed there."""
    laptop, desktop = devices
    note = both_in_step_on_one_note(sync_server, laptop, desktop)
    desktop.edit(note["uid"], body="the desktop's words")
    synced_without_error(desktop)

    laptop.disconnect()
    laptop.connect(proxy.url, sync_server.new_device("laptop at the new address"))  # another port: another address
    synced_without_error(laptop)
    assert texts(laptop) == {"the desktop's words"}
