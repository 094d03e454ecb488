"""Creating, reading, listing, changing and trashing notes through /api/notes/."""

from datetime import datetime, timedelta, timezone

import pytest

from embedded_site.notes.editing import update_note
from embedded_site.notes.models import Note, Tag


def test_creating_a_note_answers_201_with_the_whole_note(api):
    response = api.post("/api/notes/", {"title": "Groceries", "body": "milk\n", "tags": ["home"], "pinned": True})
    assert response.status_code == 201
    note = response.json()
    assert note["title"] == "Groceries"
    assert note["body"] == "milk\n"
    assert note["tags"] == ["home"]
    assert note["pinned"] is True
    assert note["version"] == 1
    assert note["trashed_at"] is None
    assert datetime.fromisoformat(note["created"]) == datetime.fromisoformat(note["updated"])
    assert Note.objects.get(pk=note["id"]).title == "Groceries"


def test_a_note_keeps_the_whitespace_of_its_body(api):
    body = "  indented\n\n- item  \n"
    assert api.post("/api/notes/", {"body": body}).json()["body"] == body


def test_a_note_with_neither_title_nor_body_is_400_naming_both_fields(api):
    response = api.post("/api/notes/", {"title": "  ", "body": " \n "})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "title": ["A note needs a title or a body."],
        "body": ["A note needs a title or a body."],
    }
    assert not Note.objects.exists()


def test_an_overlong_title_is_400_with_the_field_error(api):
    response = api.post("/api/notes/", {"title": "x" * 301})
    assert response.status_code == 400
    assert "at most 300 characters" in response.json()["fields"]["title"][0]


@pytest.mark.parametrize("tags", ["work", [1, 2], {"a": 1}, ["ok", None]])
def test_tags_that_are_not_a_list_of_strings_are_400(api, tags):
    response = api.post("/api/notes/", {"title": "t", "tags": tags})
    assert response.status_code == 400
    assert response.json()["fields"]["tags"] == ["Enter the tags as a list of strings."]


def test_tags_are_trimmed_lower_cased_and_deduplicated(api):
    response = api.post("/api/notes/", {"title": "t", "tags": ["  Work  Ideas ", "#work ideas", "", "Home"]})
    assert response.json()["tags"] == ["home", "work ideas"]


def test_a_tag_no_note_has_any_more_is_deleted_and_one_still_in_use_is_kept(api):
    other = api.post("/api/notes/", {"title": "other", "tags": ["work"]}).json()
    note = api.post("/api/notes/", {"title": "t", "tags": ["wor"]}).json()
    api.patch(f"/api/notes/{note['id']}/", {"tags": ["work"], "version": note["version"]})
    api.patch(f"/api/notes/{other['id']}/", {"tags": [], "version": other["version"]})
    assert list(Tag.objects.values_list("name", flat=True)) == ["work"]


def test_a_tag_saved_again_stays_the_same_tag(api):
    first = api.post("/api/notes/", {"title": "t", "tags": ["# #Work"]}).json()
    again = api.patch(f"/api/notes/{first['id']}/", {"tags": first["tags"], "version": first["version"]}).json()
    assert first["tags"] == again["tags"] == ["work"]


def test_unknown_fields_are_ignored(api):
    response = api.post("/api/notes/", {"title": "t", "id": 999, "version": 7, "colour": "red"})
    assert response.status_code == 201
    assert response.json()["version"] == 1
    assert response.json()["id"] != 999


@pytest.mark.parametrize(
    "body, error",
    [
        ("{not json", "The body is not valid JSON."),
        ("[" * 100_000, "The body is not valid JSON."),
        ("[1, 2]", "The JSON body must be an object."),
        ('"a note"', "The JSON body must be an object."),
        ("null", "The JSON body must be an object."),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(api, body, error):
    response = api.client.post("/api/notes/", body, content_type="application/json", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_reading_a_note_answers_it(api, make_note):
    note = make_note(title="Hello", body="World", tags=["b", "a"])
    response = api.get(f"/api/notes/{note.pk}/")
    assert response.status_code == 200
    assert response.json()["body"] == "World"
    assert response.json()["tags"] == ["a", "b"]


@pytest.mark.parametrize("listing", [{}, {"q": "walrus"}, {"q": "tag:zoo"}, {"pinned": "1"}, {"q": "-nothing"}])
def test_every_list_shows_a_note_exactly_as_it_reads_alone(api, make_note, listing):
    note = make_note(title="Walrus", body="The walrus naps", tags=["zoo", "animals"], pinned=True)
    api.upload(f"/api/notes/{note.pk}/attachments/", "walrus.png", b"\x89PNG picture")
    make_note(title="Another note", tags=["zoo"])
    alone = api.get(f"/api/notes/{note.pk}/").json()
    assert alone["attachments"] and alone["tags"] == ["animals", "zoo"] and alone["updated"].endswith("+00:00")
    listed = [entry for entry in api.get("/api/notes/", listing).json()["notes"] if entry["id"] == note.pk]
    assert [{key: value for key, value in entry.items() if key not in ("snippet", "marked_title")} for entry in listed] == [alone]


@pytest.mark.parametrize("note_id", ["12345", "99999999999999999999999"])
def test_a_missing_note_is_404_json(api, note_id):
    response = api.get(f"/api/notes/{note_id}/")
    assert response.status_code == 404
    assert "error" in response.json()


def test_an_unsupported_method_is_405_json_naming_the_allowed_ones(api, make_note):
    note = make_note()
    response = api.client.put(f"/api/notes/{note.pk}/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 405
    assert response["Allow"] == "GET, PATCH, DELETE"
    assert "PATCH" in response.json()["error"]


def test_the_list_puts_pinned_notes_first_then_the_latest_changed(api, make_note):
    now = datetime.now(timezone.utc)
    make_note(title="old", updated=now - timedelta(days=2))
    make_note(title="new", updated=now)
    make_note(title="pinned old", pinned=True, updated=now - timedelta(days=9))
    response = api.get("/api/notes/")
    assert response.status_code == 200
    assert [note["title"] for note in response.json()["notes"]] == ["pinned old", "new", "old"]
    assert response.json()["total"] == 3


def test_the_list_pages_with_limit_and_offset_and_counts_them_all(api, make_note):
    now = datetime.now(timezone.utc)
    for number in range(5):
        make_note(title=f"note {number}", updated=now - timedelta(minutes=number))
    response = api.get("/api/notes/", {"limit": 2, "offset": 1})
    assert [note["title"] for note in response.json()["notes"]] == ["note 1", "note 2"]
    assert response.json()["total"] == 5


def test_the_list_shows_fifty_notes_unless_asked_for_more(api, make_note):
    for number in range(51):
        make_note(title=f"note {number}")
    assert len(api.get("/api/notes/").json()["notes"]) == 50
    assert len(api.get("/api/notes/", {"limit": 200}).json()["notes"]) == 51


def test_the_list_filters_by_tag_and_pinned(api, make_note):
    make_note(title="work pinned", tags=["work"], pinned=True)
    make_note(title="work", tags=["work", "later"])
    make_note(title="home", tags=["home"])
    assert {n["title"] for n in api.get("/api/notes/", {"tag": "Work"}).json()["notes"]} == {"work pinned", "work"}
    assert [n["title"] for n in api.get("/api/notes/", {"pinned": "1"}).json()["notes"]] == ["work pinned"]
    assert {n["title"] for n in api.get("/api/notes/", {"pinned": "false"}).json()["notes"]} == {"work", "home"}


def test_a_tags_notes_page_in_the_lists_order_whether_the_tag_is_common_or_rare(api, make_note):
    # A page of a common tag is read from the list's index, of a rare one from the tag's notes:
    # every page is the same either way, counted without the trashed notes.
    now = datetime.now(timezone.utc)
    for number in range(8):
        make_note(title=f"common {number}", tags=["common"], updated=now - timedelta(minutes=number),
                  pinned=number == 5, trashed_at=now if number == 2 else None)
    make_note(title="rare", tags=["rare", "common"], updated=now - timedelta(minutes=20))
    make_note(title="untagged", updated=now)

    def titles(**params):
        answer = api.get("/api/notes/", params).json()
        return [note["title"] for note in answer["notes"]], answer["total"]

    expected = ["common 5", "common 0", "common 1", "common 3", "common 4", "common 6", "common 7", "rare"]
    assert [title for offset in range(8) for title in titles(tag="common", limit=1, offset=offset)[0]] == expected
    assert titles(tag="common", limit=3, offset=5) == (expected[5:], 8)
    assert titles(tag="common", pinned="false", limit=2) == (expected[1:3], 7)
    assert titles(tag="common", pinned="true") == (["common 5"], 1)
    assert titles(tag="common", trashed="1") == (["common 2"], 1)
    assert titles(tag="common", trashed="1", pinned="false") == (["common 2"], 1)
    assert titles(tag="common", trashed="1", pinned="true") == ([], 0)
    assert titles(tag="rare") == (["rare"], 1)
    assert titles(tag="nobody's") == ([], 0)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": "ten"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "1e3"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "99999999999999999999999"}, "offset"),
        ({"pinned": "maybe"}, "pinned"),
        ({"trashed": "yes please"}, "trashed"),
        ({"q": "x" * 501}, "q"),
        ({"q": "zebra\x00"}, "q"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(api, params, field):
    response = api.get("/api/notes/", params)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_patch_at_the_current_version_saves_and_answers_the_next_version(api, make_note):
    note = make_note(title="draft", body="one")
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "two", "tags": ["x"]})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["body"] == "two"
    assert response.json()["tags"] == ["x"]
    note.refresh_from_db()
    assert (note.body, note.version) == ("two", 2)
    assert note.updated > note.created


def test_a_patch_keeps_the_fields_it_does_not_send(api, make_note):
    note = make_note(title="keep me", body="body", tags=["kept"], pinned=True)
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "new body"})
    assert response.json()["title"] == "keep me"
    assert response.json()["tags"] == ["kept"]
    assert response.json()["pinned"] is True


def test_a_patch_that_changes_nothing_keeps_the_version_so_a_save_elsewhere_still_fits(api, make_note):
    note = make_note(title="same", body="text", tags=["b", "a"])
    for unchanged in [{}, {"title": "same", "body": "text"}, {"tags": ["a", "b"]}, {"uid": "ignored"}]:
        response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, **unchanged})
        assert response.status_code == 200 and response.json()["version"] == 1, unchanged
    assert note.revisions.count() == 0  # nothing was replaced, so nothing was kept
    assert api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "from the other window"}).json()["version"] == 2
    note.refresh_from_db()
    assert (note.body, note.version) == ("from the other window", 2)


def test_a_patch_at_a_stale_version_is_409_with_the_current_note_and_overwrites_nothing(api, make_note):
    note = make_note(title="shared", body="first")
    assert api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "from window A"}).status_code == 200
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "from window B", "tags": ["b"]})
    assert response.status_code == 409
    assert response.json()["current"]["body"] == "from window A"
    assert response.json()["current"]["version"] == 2
    note.refresh_from_db()
    assert (note.body, note.version, list(note.tags.all())) == ("from window A", 2, [])


def test_of_two_updates_from_the_same_version_only_the_first_is_written(make_note, owner):
    note = make_note(title="race")
    fields = {"title": "race", "pinned": False, "tags": []}
    assert update_note(owner, note.pk, 1, {**fields, "body": "first"}) is True
    assert update_note(owner, note.pk, 1, {**fields, "body": "second"}) is False
    note.refresh_from_db()
    assert (note.body, note.version) == ("first", 2)


@pytest.mark.parametrize("payload", [{"body": "no version"}, {"version": "one"}, {"version": 0}])
def test_a_patch_without_a_valid_version_is_400(api, make_note, payload):
    note = make_note()
    response = api.patch(f"/api/notes/{note.pk}/", payload)
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


def test_a_patch_that_empties_the_note_is_400_and_changes_nothing(api, make_note):
    note = make_note(title="title", body="")
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "title": ""})
    assert response.status_code == 400
    note.refresh_from_db()
    assert (note.title, note.version) == ("title", 1)


def test_deleting_moves_a_note_to_the_trash_and_out_of_the_list(api, make_note):
    note = make_note(title="bye")
    response = api.delete(f"/api/notes/{note.pk}/")
    assert response.status_code == 200
    assert response.json()["trashed_at"] is not None
    assert api.get("/api/notes/").json()["total"] == 0
    assert [n["title"] for n in api.get("/api/notes/", {"trashed": "1"}).json()["notes"]] == ["bye"]


def test_restoring_brings_a_note_back_from_the_trash(api, make_note):
    note = make_note(title="back", trashed_at=datetime.now(timezone.utc))
    response = api.post(f"/api/notes/{note.pk}/restore/")
    assert response.status_code == 200
    assert response.json()["trashed_at"] is None
    assert [n["title"] for n in api.get("/api/notes/").json()["notes"]] == ["back"]


def test_restoring_a_missing_note_is_404(api):
    assert api.post("/api/notes/4040/restore/").status_code == 404


def test_purging_a_note_that_is_not_in_the_trash_is_409_and_keeps_it(api, make_note):
    note = make_note()
    response = api.delete(f"/api/notes/{note.pk}/?purge=1")
    assert response.status_code == 409
    assert "trash" in response.json()["error"]
    assert Note.objects.filter(pk=note.pk).exists()


def test_purging_a_note_in_the_trash_deletes_it_for_good(api, make_note, django_capture_on_commit_callbacks):
    note = make_note(trashed_at=datetime.now(timezone.utc))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/notes/{note.pk}/?purge=1")
    assert response.status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()
    assert api.get(f"/api/notes/{note.pk}/").status_code == 404


def test_a_bad_purge_parameter_is_400_and_trashes_nothing(api, make_note):
    note = make_note()
    assert api.delete(f"/api/notes/{note.pk}/?purge=please").status_code == 400
    note.refresh_from_db()
    assert note.trashed_at is None


def test_a_json_body_over_the_upload_memory_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/api/notes/", {"body": "x" * 1001})
    assert response.status_code == 413
    assert not Note.objects.exists()


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_changing_a_missing_note_is_404(api, method):
    path = "/api/notes/4040/"
    response = api.patch(path, {"version": 1, "title": "x"}) if method == "patch" else api.delete(path)
    assert response.status_code == 404
    assert response.json() == {"error": "There is no note 4040."}
