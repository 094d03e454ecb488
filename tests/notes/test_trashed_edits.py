"""A PATCH of a trashed note is refused (409, saying so, with `current`), and nothing is written;
restored first, it saves."""

from datetime import datetime, timezone

from embedded_site.notes import editing
from embedded_site.notes.models import Note


def test_a_patch_of_a_trashed_note_is_409_saying_so_with_the_note_and_writes_nothing(api, make_note):
    note = make_note(title="Old", body="before", tags=["t"], trashed_at=datetime.now(timezone.utc))
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "typed in another tab"})
    assert response.status_code == 409
    answer = response.json()
    assert "in the trash" in answer["error"]
    assert answer["current"]["id"] == note.pk
    assert answer["current"]["trashed_at"] is not None
    assert answer["current"]["body"] == "before"
    stored = Note.objects.get(pk=note.pk)
    assert (stored.body, stored.version, stored.trashed_at) == ("before", 1, note.trashed_at)


def test_a_note_trashed_after_it_was_read_is_409_as_trashed_not_as_changed(api, make_note):
    note = make_note(title="Shared", body="original")
    assert api.delete(f"/api/notes/{note.pk}/").json()["version"] == 2
    # The other tab still has version 1: the answer says why, not just "changed elsewhere".
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "mine"})
    assert response.status_code == 409
    assert "in the trash" in response.json()["error"]
    assert response.json()["current"]["version"] == 2
    # Nor does sending the trashed version make it writable.
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 2, "body": "mine"})
    assert response.status_code == 409
    assert Note.objects.get(pk=note.pk).body == "original"


def test_a_note_trashed_between_the_check_and_the_write_is_answered_as_trashed(api, make_note, monkeypatch):
    note = make_note(body="original")
    real_update = editing.update_note

    def trashed_first(owner, note_id, version, fields, *reason):
        editing.move_to_trash(owner, note_id)
        return real_update(owner, note_id, version, fields, *reason)

    monkeypatch.setattr(editing, "update_note", trashed_first)
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "mine"})
    assert response.status_code == 409
    assert "in the trash" in response.json()["error"]
    assert Note.objects.get(pk=note.pk).body == "original"


def test_restored_first_the_edit_saves_at_the_restored_version(api, make_note):
    note = make_note(body="original", trashed_at=datetime.now(timezone.utc))
    restored = api.post(f"/api/notes/{note.pk}/restore/").json()
    assert (restored["trashed_at"], restored["version"]) == (None, 2)
    response = api.patch(f"/api/notes/{note.pk}/", {"version": restored["version"], "body": "mine"})
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["trashed_at"]) == ("mine", None)


def test_a_stale_patch_of_a_live_note_is_still_the_changed_elsewhere_409(api, make_note):
    note = make_note(body="original")
    api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "theirs"})
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "mine"})
    assert response.status_code == 409
    assert "changed elsewhere" in response.json()["error"]
    assert response.json()["current"]["body"] == "theirs"
