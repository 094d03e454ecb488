"""Input the API must refuse with a 400 naming the field, and never answer with a 500 or store
changed: text the database cannot encode, and values of the wrong JSON type."""

import pytest

from embedded_site.notes.models import Note, Tag

LONE_SURROGATE = "\udc80"  # what JSON's "\udc80" decodes to: no UTF-8 form, so SQLite cannot store it


@pytest.mark.parametrize("payload, field", [
    ({"title": "a" + LONE_SURROGATE}, "title"),
    ({"title": "t", "body": LONE_SURROGATE + "b"}, "body"),
    ({"title": "t", "tags": ["ok", "a\ud800"]}, "tags"),
])
def test_text_with_a_lone_surrogate_is_400_naming_the_field_and_creates_nothing(api, payload, field):
    response = api.post("/api/notes/", payload)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert "half of a surrogate pair" in response.json()["error"]
    assert not Note.objects.exists() and not Tag.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"title": LONE_SURROGATE}, "title"), ({"body": LONE_SURROGATE}, "body"), ({"tags": [LONE_SURROGATE]}, "tags"),
])
def test_a_patch_with_a_lone_surrogate_is_400_naming_the_field_and_changes_nothing(api, make_note, change, field):
    note = make_note(title="Kept", body="kept", tags=["kept"])
    response = api.patch(f"/api/notes/{note.pk}/", {**change, "version": note.version})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    note.refresh_from_db()
    assert (note.title, note.body, note.version, [tag.name for tag in note.tags.all()]) == ("Kept", "kept", 1, ["kept"])


def test_a_preview_of_a_lone_surrogate_is_400_naming_the_body(api):
    response = api.post("/api/preview/", {"body": "# a" + LONE_SURROGATE})
    assert response.status_code == 400
    assert response.json()["fields"] == {"body": ["This text holds U+DC80, half of a surrogate pair, which is not a character."]}
    assert response.json()["error"] == "Body: This text holds U+DC80, half of a surrogate pair, which is not a character."


def test_a_whole_pair_is_text_like_any_other(api):
    response = api.post("/api/notes/", {"title": "\ud83d\ude00"})  # JSON's escape of 😀
    assert response.status_code == 201
    assert response.json()["title"] == "😀"
