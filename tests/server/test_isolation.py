"""On a server, one user never sees or changes another's notes, tags, attachments, revisions or
links: not by id, not by uid, not by search, not through a link, not in an export."""

import json

import pytest

from embedded_site.notes.models import Attachment, Note, Revision, Tag
from tests.notes.conftest import XHR, Api, attachments_dir  # noqa: F401 (a fixture)
from tests.server_mode import HttpsClient, make_user


@pytest.fixture
def alice_api(client, attachments_dir):
    return Api(client)


@pytest.fixture
def bob_api(db):
    client = HttpsClient(headers={"Origin": "https://testserver"})
    client.force_login(make_user("bob"))
    return Api(client)


@pytest.fixture
def alices_note(alice_api):
    note = alice_api.post("/api/notes/", {"title": "Alice's secret", "body": "the zanzibar plan", "tags": ["private"]}).json()
    alice_api.patch(f"/api/notes/{note['id']}/", {"version": 1, "body": "the zanzibar plan, revised " + "x" * 200})
    attachment = alice_api.upload(f"/api/notes/{note['id']}/attachments/", "plan.txt", b"alice's file").json()
    alice_api.post("/api/notes/", {"title": "Linking", "body": "see [[Alice's secret]]"})
    return {**alice_api.get(f"/api/notes/{note['id']}/").json(), "attachment": attachment}


def test_another_user_cannot_read_change_trash_or_restore_a_note_by_its_id(bob_api, alices_note):
    path = f"/api/notes/{alices_note['id']}/"
    assert bob_api.get(path).status_code == 404
    assert bob_api.patch(path, {"version": alices_note["version"], "body": "bob was here"}).status_code == 404
    assert bob_api.delete(path).status_code == 404
    assert bob_api.post(path + "restore/").status_code == 404
    assert bob_api.upload(path + "attachments/", "x.txt", b"bob's").status_code == 404
    note = Note.objects.get(pk=alices_note["id"])
    assert (note.body, note.trashed_at, note.attachments.count()) == (alices_note["body"], None, 1)


def test_another_user_sees_none_of_the_notes_tags_attachments_or_revisions(bob_api, alices_note):
    assert bob_api.get("/api/notes/").json() == {"notes": [], "total": 0}
    assert bob_api.get("/api/tags/").json() == {"tags": []}
    attachment = alices_note["attachment"]
    assert bob_api.get(attachment["url"]).status_code == 404
    assert bob_api.delete(f"/api/notes/{alices_note['id']}/attachments/{attachment['id']}/").status_code == 404
    revision = Revision.objects.get(note_id=alices_note["id"])
    assert bob_api.get(f"/api/notes/{alices_note['id']}/revisions/").status_code == 404
    assert bob_api.get(f"/api/notes/{alices_note['id']}/revisions/{revision.pk}/").status_code == 404
    assert Attachment.objects.filter(pk=attachment["id"]).exists()


def test_a_uid_sent_by_another_user_makes_their_own_note_and_touches_nothing_of_the_first(bob_api, alices_note):
    response = bob_api.post("/api/notes/", {"uid": alices_note["uid"], "title": "Bob's", "body": "mine"})
    assert response.status_code == 201
    assert response.json()["id"] != alices_note["id"]
    assert Note.objects.get(pk=alices_note["id"]).body == alices_note["body"]
    assert Note.objects.filter(uid=alices_note["uid"]).count() == 2


def test_search_links_completion_and_export_show_another_user_nothing(bob_api, alices_note):
    assert bob_api.get("/api/notes/", {"q": "zanzibar"}).json()["total"] == 0
    assert bob_api.get("/api/notes/", {"q": "tag:private"}).json()["total"] == 0
    assert bob_api.get("/api/notes/", {"q": "-nothing"}).json()["total"] == 0
    assert bob_api.get("/api/titles/", {"q": "alice"}).json() == {"titles": []}
    assert bob_api.get("/api/links/", {"title": "Alice's secret"}).json() == {"notes": [], "total": 0}
    preview = bob_api.preview("[[Alice's secret]]")
    assert "missing" in preview and f"note-{alices_note['id']}" not in preview
    exported = json.loads(b"".join(bob_api.get("/api/export/").streaming_content))
    assert exported["notes"] == []


def test_a_user_importing_anothers_export_gets_copies_of_their_own(alice_api, bob_api, alices_note):
    exported = b"".join(alice_api.get("/api/export/").streaming_content)
    imported = bob_api.upload("/api/import/", "notes.json", exported).json()
    assert imported["created"] == 2
    assert Note.objects.filter(uid=alices_note["uid"]).count() == 2
    assert Tag.objects.filter(name="private").count() == 2
    assert alice_api.get("/api/notes/").json()["total"] == 2  # hers unchanged, none of bob's added


def test_the_tags_of_two_users_are_separate_even_by_the_same_name(alice_api, bob_api, alices_note):
    bob_api.post("/api/notes/", {"title": "Bob's", "tags": ["private"]})
    assert bob_api.get("/api/tags/").json() == {"tags": [{"name": "private", "count": 1}]}
    assert [note["title"] for note in bob_api.get("/api/notes/", {"tag": "private"}).json()["notes"]] == ["Bob's"]
    assert alice_api.get("/api/tags/").json() == {"tags": [{"name": "private", "count": 1}]}


def test_the_api_without_a_login_is_a_401_in_json_and_the_app_page_redirects_to_the_login(anonymous_client):
    response = anonymous_client.get("/api/notes/", **XHR)
    assert response.status_code == 401
    assert "Log in" in response.json()["error"]
    response = anonymous_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
