"""GET /api/tags/: every tag in use, with how many notes outside the trash carry it."""

from datetime import datetime, timezone


def test_tags_are_listed_by_name_with_their_note_counts(api, make_note):
    make_note(tags=["work", "ideas"])
    make_note(tags=["work"])
    make_note(tags=["home"])
    response = api.get("/api/tags/")
    assert response.status_code == 200
    assert response.json() == {
        "tags": [{"name": "home", "count": 1}, {"name": "ideas", "count": 1}, {"name": "work", "count": 2}]
    }


def test_tag_counts_leave_out_trashed_notes_and_unused_tags(api, make_note):
    make_note(tags=["work"])
    make_note(tags=["work", "old"], trashed_at=datetime.now(timezone.utc))
    retagged = make_note(tags=["gone"])
    api.patch(f"/api/notes/{retagged.pk}/", {"version": 1, "tags": ["work"]})
    assert api.get("/api/tags/").json() == {"tags": [{"name": "work", "count": 2}]}


def test_tags_refuses_post_with_405(api):
    assert api.post("/api/tags/").status_code == 405
