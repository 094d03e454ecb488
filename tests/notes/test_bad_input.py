"""Input the API must refuse with a 400 naming the field, and never answer with a 500 or store
changed: text the database cannot encode, and values of the wrong JSON type."""

import pytest

from embedded_site.notes import revisions
from embedded_site.notes.models import Note, Revision, Tag

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


@pytest.mark.parametrize("payload, field, message", [
    ({"title": {"a": [1, 2]}}, "title", "Enter text (a JSON string)."),
    ({"title": "t", "body": 5}, "body", "Enter text (a JSON string)."),
    ({"title": None, "body": "b"}, "title", "Enter text (a JSON string)."),
    ({"title": "t", "pinned": "yes"}, "pinned", "Enter true or false."),
    ({"title": "t", "pinned": 1}, "pinned", "Enter true or false."),
    ({"title": "t", "tags": "work"}, "tags", "Enter the tags as a list of strings."),
    ({"title": "t", "tags": None}, "tags", "Enter the tags as a list of strings."),
    ({"title": "t", "uid": 12345678123456781234567812345678}, "uid", "Enter a valid UUID."),
])
def test_a_value_of_the_wrong_type_is_400_naming_the_field_not_converted(api, payload, field, message):
    response = api.post("/api/notes/", payload)
    assert response.status_code == 400
    assert response.json()["fields"] == {field: [message]}
    assert not Note.objects.exists()


@pytest.mark.parametrize("change, field, message", [
    ({"version": True}, "version", "Enter a whole number."),
    ({"version": "1"}, "version", "Enter a whole number."),
    ({"version": 1.0}, "version", "Enter a whole number."),
    ({"version": 1, "pinned": None}, "pinned", "Enter true or false."),
    ({"version": 1, "body": ["b"]}, "body", "Enter text (a JSON string)."),
])
def test_a_patch_with_a_value_of_the_wrong_type_is_400_and_changes_nothing(api, make_note, change, field, message):
    note = make_note(title="Kept", pinned=True)
    response = api.patch(f"/api/notes/{note.pk}/", change)
    assert response.status_code == 400
    assert response.json()["fields"] == {field: [message]}
    note.refresh_from_db()
    assert (note.title, note.pinned, note.version) == ("Kept", True, 1)


def test_fields_left_out_take_their_defaults_on_a_create_and_keep_their_values_on_a_patch(api):
    created = api.post("/api/notes/", {"title": "t"}).json()
    assert (created["body"], created["tags"], created["pinned"]) == ("", [], False)
    changed = api.patch(f"/api/notes/{created['id']}/", {"version": 1, "pinned": True}).json()
    assert (changed["title"], changed["pinned"], changed["version"]) == ("t", True, 2)


@pytest.mark.parametrize("path, payload, field, message", [
    ("/api/notes/{id}/relink/", {"former_title": 5}, "former_title", "Enter text (a JSON string)."),
    ("/api/notes/{id}/relink/", {"former_title": None}, "former_title", "Enter text (a JSON string)."),
    ("/api/notes/{id}/relink/", {"former_title": "a" + LONE_SURROGATE}, "former_title",
     "This text holds U+DC80, half of a surrogate pair, which is not a character."),
    ("/api/notes/{id}/revisions/{revision}/restore/", {"version": "1"}, "version", "Enter a whole number."),
    ("/api/notes/{id}/revisions/{revision}/restore/", {"version": True}, "version", "Enter a whole number."),
    ("/api/jobs/import-other-from-dialog/", {"source": ["enex"]}, "source", "Enter one of the choices (a JSON string)."),
    ("/api/notes/{id}/", {"version": 1, "resolves_conflict": "yes"}, "resolves_conflict", "Enter true or false."),
])
def test_the_other_json_bodies_refuse_a_wrong_type_naming_the_field(api, make_note, path, payload, field, message):
    note = make_note(title="Kept", body="kept")
    revisions.keep_many([note.pk], "import")
    url = path.format(id=note.pk, revision=Revision.objects.get().pk)
    response = api.patch(url, payload) if url == f"/api/notes/{note.pk}/" else api.post(url, payload)
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {field: [message]}
    note.refresh_from_db()
    assert (note.title, note.body, note.version) == ("Kept", "kept", 1)
