"""A 400 for invalid fields says each field's problem in `error` itself (so that any client
showing `error` shows the reason), and still names them in `fields`."""

import pytest

COMMA_IN_TAG = "A tag's name cannot contain a comma (, or ،): the Tags field separates tags with commas."


@pytest.mark.parametrize(
    "payload, field, error",
    [
        ({"title": "t", "tags": [f"tag{i}" for i in range(21)]}, "tags", "Tags: A note has at most 20 tags."),
        ({"title": "t", "tags": ["x" * 51]}, "tags", "Tags: A tag has at most 50 characters."),
        ({"title": "t", "tags": ["work, stuff"]}, "tags", f"Tags: {COMMA_IN_TAG}"),
        (
            {"body": "x" * 1_000_001}, "body",
            "Body: A note holds at most 1,000,000 characters, and this one has 1000001: move part of it to a new "
            "note to save it. Nothing is lost meanwhile.",
        ),
        ({"title": "", "body": " "}, "title", "Title, Body: A note needs a title or a body."),
    ],
)
def test_a_400_says_each_fields_problem_in_error_and_keeps_fields(api, payload, field, error):
    response = api.post("/api/notes/", payload)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert field in response.json()["fields"]


def test_a_patch_400_says_the_reason_too(api, make_note):
    note = make_note()
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "tags": [f"t{i}" for i in range(21)]})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Tags: A note has at most 20 tags.", "fields": {"tags": ["A note has at most 20 tags."]}
    }


@pytest.mark.parametrize("tag", ["a, b", "عمل، منزل"])
def test_a_patch_giving_a_tag_with_a_comma_is_refused_and_the_note_keeps_its_tags(api, make_note, tag):
    note = make_note(tags=["work"])
    response = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "tags": ["work", tag]})
    assert response.status_code == 400
    assert response.json() == {"error": f"Tags: {COMMA_IN_TAG}", "fields": {"tags": [COMMA_IN_TAG]}}
    assert api.get(f"/api/notes/{note.pk}/").json()["tags"] == ["work"]


def test_an_overlong_search_names_search_in_the_error(api):
    response = api.get("/api/notes/", {"q": "x" * 501})
    assert response.status_code == 400
    assert response.json()["error"] == "Search: Ensure this value has at most 500 characters (it has 501)."
    assert list(response.json()["fields"]) == ["q"]


def test_several_bad_parameters_are_all_said(api):
    response = api.get("/api/notes/", {"limit": "ten", "pinned": "maybe"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "Limit: Enter a whole number." in error and "Pinned: Select a valid choice." in error
