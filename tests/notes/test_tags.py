"""/api/tags/: every tag in use, with how many notes outside the trash carry it; renaming,
merging and deleting a tag, and undoing that."""

from datetime import datetime, timezone

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F

from embedded_site.notes import changes
from embedded_site.notes.models import ChangeCounter, Note, NoteChange
from embedded_site.notes.tagging import set_tags
from embedded_site.sync.protocol import changes_since
from tests.notes.conftest import TOO_MANY_FOR_ONE_QUERY


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


# Renaming, merging and deleting a tag ---------------------------------------------------------


def tags_of(api, note):
    return api.get(f"/api/notes/{note.pk}/").json()["tags"]


def last_revision(api, note):
    return api.get(f"/api/notes/{note.pk}/revisions/").json()["revisions"][0]


def test_renaming_a_tag_renames_it_on_each_of_its_notes_as_a_new_version_with_a_revision(api, make_note):
    first = make_note(title="First", tags=["work", "ideas"])
    second = make_note(title="Second", tags=["work"])
    untouched = make_note(title="Other", tags=["home"])
    response = api.patch("/api/tags/Work/", {"name": "  #Job  Stuff "})
    assert response.status_code == 200
    assert response.json() == {
        "name": "job stuff", "merged": False, "updated": 2,
        "notes": [{"id": first.pk, "version": 2}, {"id": second.pk, "version": 2}],
    }
    assert tags_of(api, first) == ["ideas", "job stuff"] and tags_of(api, second) == ["job stuff"]
    assert api.get(f"/api/notes/{untouched.pk}/").json()["version"] == 1
    revision = last_revision(api, first)
    assert (revision["reason"], revision["reason_text"]) == ("tags", "Before a tag was renamed or deleted")
    assert api.get(f"/api/notes/{first.pk}/revisions/{revision['id']}/").json()["tags"] == ["ideas", "work"]
    assert api.get("/api/tags/").json()["tags"] == [
        {"name": "home", "count": 1}, {"name": "ideas", "count": 1}, {"name": "job stuff", "count": 2},
    ]


def test_renaming_onto_an_existing_tag_merges_them_and_a_note_with_both_keeps_one(api, make_note):
    both = make_note(tags=["todo", "to do"])
    make_note(tags=["to do"])
    only_target = make_note(tags=["todo"])
    response = api.patch("/api/tags/to%20do/", {"name": "todo"})
    assert response.json()["merged"] is True and response.json()["updated"] == 2
    assert tags_of(api, both) == ["todo"]
    assert api.get(f"/api/notes/{only_target.pk}/").json()["version"] == 1
    assert api.get("/api/tags/").json()["tags"] == [{"name": "todo", "count": 3}]


def test_deleting_a_tag_removes_it_from_its_notes_which_stay(api, make_note):
    note = make_note(title="Kept", tags=["old", "keep"])
    alone = make_note(title="Alone", tags=["old"])
    response = api.delete("/api/tags/old/")
    assert response.status_code == 200 and response.json()["updated"] == 2
    assert tags_of(api, note) == ["keep"] and tags_of(api, alone) == []
    assert last_revision(api, alone)["reason"] == "tags"
    assert api.get("/api/tags/").json()["tags"] == [{"name": "keep", "count": 1}]
    assert api.get("/api/notes/").json()["total"] == 2


def test_a_tag_s_name_may_hold_a_slash(api, make_note):
    note = make_note(tags=["a/b"])
    assert api.patch("/api/tags/a%2Fb/", {"name": "a-b"}).json()["updated"] == 1
    assert tags_of(api, note) == ["a-b"]


def test_notes_in_the_trash_keep_their_tags(api, make_note):
    live = make_note(tags=["work"])
    trashed = make_note(tags=["work"])
    api.delete(f"/api/notes/{trashed.pk}/")
    assert api.patch("/api/tags/work/", {"name": "job"}).json()["notes"] == [{"id": live.pk, "version": 2}]
    assert tags_of(api, trashed) == ["work"]
    assert api.delete("/api/tags/work/").json() == {"updated": 0, "notes": []}
    api.post(f"/api/notes/{trashed.pk}/restore/")
    assert api.get("/api/tags/").json()["tags"] == [{"name": "job", "count": 1}, {"name": "work", "count": 1}]


def test_renaming_to_a_bad_name_is_a_400_naming_the_field_and_changes_nothing(api, make_note):
    note = make_note(tags=["work"])
    for name, problem in [
        (" # ", "Enter a tag name."),
        ("x" * 51, "A tag has at most 50 characters."),
        ("a, b", "A tag's name cannot contain a comma (, or ،): the Tags field separates tags with commas."),
        ("عمل، منزل", "A tag's name cannot contain a comma (, or ،): the Tags field separates tags with commas."),
        (["work"], "Enter the tag's name (a JSON string)."),
        ("a\x00b", "Null characters are not allowed."),
    ]:
        response = api.patch("/api/tags/work/", {"name": name})
        assert response.status_code == 400
        assert response.json()["fields"] == {"name": [problem]}
    assert api.patch("/api/tags/work/", {}).json()["fields"] == {"name": ["Enter a tag name."]}
    assert tags_of(api, note) == ["work"]


def test_a_missing_tag_is_a_404_and_a_rename_to_its_own_name_changes_nothing(api, make_note):
    note = make_note(tags=["work"])
    assert api.patch("/api/tags/nothing/", {"name": "x"}).status_code == 404
    assert api.delete("/api/tags/nothing/").status_code == 404
    assert api.patch("/api/tags/work/", {"name": "#WORK"}).json() == {"name": "work", "merged": False, "updated": 0, "notes": []}
    assert api.get(f"/api/notes/{note.pk}/").json()["version"] == 1
    assert api.post("/api/tags/work/", {}).status_code == 405


def test_another_owner_s_tags_and_notes_are_untouched(api, make_note, owner):
    someone = get_user_model().objects.create(username="someone-else")
    theirs = Note.objects.create(owner=someone, title="Theirs")
    set_tags(someone, {theirs.pk: ["work", "private"]})
    mine = make_note(tags=["work"])
    assert api.patch("/api/tags/work/", {"name": "private"}).json()["notes"] == [{"id": mine.pk, "version": 2}]
    assert api.delete("/api/tags/private/").json()["updated"] == 1
    theirs.refresh_from_db()
    assert theirs.version == 1
    assert sorted(theirs.tags.values_list("name", flat=True)) == ["private", "work"]
    assert api.patch("/api/tags/work/", {"name": "x"}).status_code == 404  # only theirs has it now
    assert api.post("/api/tag-changes/undo/", {"notes": [{"id": theirs.pk, "version": 1}]}).json()["updated"] == 0


def test_the_notes_a_tag_change_changes_are_changes_for_sync_to_push(api, make_note, owner):
    note = make_note(tags=["work"])
    make_note(tags=["home"])
    assert not changes.pending(owner).exists()  # made directly, not through editing.py
    api.patch("/api/tags/work/", {"name": "job"})
    assert list(changes.pending(owner).values_list("note_uid", flat=True)) == [note.uid]


def test_undo_gives_the_notes_their_tags_back_unless_they_changed_since(api, make_note):
    both = make_note(title="Both", tags=["to do", "todo"])
    one = make_note(title="One", tags=["to do"])
    edited = make_note(title="Edited", tags=["to do"])
    changed = api.patch("/api/tags/to%20do/", {"name": "todo"}).json()["notes"]
    api.patch(f"/api/notes/{edited.pk}/", {"version": 2, "body": "typed since"})
    response = api.post("/api/tag-changes/undo/", {"notes": changed})
    assert response.json() == {"updated": 2, "notes": [{"id": both.pk, "version": 3}, {"id": one.pk, "version": 3}]}
    assert tags_of(api, both) == ["to do", "todo"] and tags_of(api, one) == ["to do"]
    assert tags_of(api, edited) == ["todo"]
    deleted = api.delete("/api/tags/todo/").json()["notes"]
    api.post("/api/tag-changes/undo/", {"notes": deleted})
    assert tags_of(api, both) == ["to do", "todo"] and tags_of(api, edited) == ["todo"]
    assert api.post("/api/tag-changes/undo/", {"notes": [{"id": True, "version": 1}]}).status_code == 400


def test_undo_of_a_change_of_more_notes_than_a_query_may_name_gives_their_tags_back(api, make_note, sqlite_as_most_systems_build_it):
    """A tag on 70,000 notes, renamed, answers 70,000 notes; their undo was one query of 70,000
    variables, more than SQLite (but Debian's) and PostgreSQL take: a server error, nothing undone."""
    note = make_note(title="Tagged", tags=["to do"])
    changed = api.patch("/api/tags/to%20do/", {"name": "todo"}).json()["notes"]
    others = [{"id": note.pk + number, "version": 2} for number in range(1, TOO_MANY_FOR_ONE_QUERY)]  # no note's
    response = api.post("/api/tag-changes/undo/", {"notes": [*changed, *others]})
    assert (response.status_code, response.json()) == (200, {"updated": 1, "notes": [{"id": note.pk, "version": 3}]})
    assert tags_of(api, note) == ["to do"]


@pytest.mark.django_db(transaction=True)
def test_a_tag_an_older_version_kept_with_an_arabic_comma_is_the_tags_between_and_its_notes_save(api, make_note):
    """Before the Arabic comma (،) separated tags, 'عمل، منزل' typed in the Tags field became one
    tag; it is now refused, and each save of a note still carrying it (the page sends the note's
    tags with every save) answered 'A tag's name cannot contain a comma', the tags left unsaved."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("notes")
    executor.migrate([("notes", "0024_persian_letters_and_digits_folded")])
    note = make_note(title="خطة", tags=["عمل، منزل", "منزل"])  # as the older version kept it
    other = make_note(title="Elsewhere", tags=["عمل، منزل"])
    MigrationExecutor(connection).migrate(latest)

    for kept in (note, other):
        opened = api.get(f"/api/notes/{kept.pk}/").json()
        answer = api.patch(f"/api/notes/{kept.pk}/", {"version": opened["version"], "body": "more", "tags": opened["tags"]})
        assert answer.status_code == 200, answer.json()
        assert sorted(answer.json()["tags"]) == ["عمل", "منزل"]
    assert api.get("/api/tags/").json()["tags"] == [{"name": "عمل", "count": 2}, {"name": "منزل", "count": 2}]


@pytest.mark.django_db(transaction=True)
def test_the_notes_whose_arabic_comma_tag_the_update_split_go_to_sync_as_changed(owner, make_note):
    """Until this, the update split the tag with no new version and no change for sync: the server
    and the other devices kept 'عمل، منزل', and this device's next pull took it back."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("notes")
    executor.migrate([("notes", "0024_persian_letters_and_digits_folded")])
    split = make_note(title="خطة", tags=["عمل، منزل"])  # as the older version kept it
    untouched = make_note(title="Elsewhere", tags=["work"])
    with transaction.atomic():
        changes.notes_changed([split.pk, untouched.pk])
    # In step with the server: each change acknowledged, a pull's cursor past them.
    NoteChange.objects.update(acknowledged_seq=F("seq"), server_version=1)
    cursor = ChangeCounter.objects.get(owner=owner).last
    before = datetime.now(timezone.utc)
    MigrationExecutor(connection).migrate(latest)

    assert [record.note_uid for record in changes.pending(owner)] == [split.uid]
    pulled = changes_since(owner, cursor, limit=10)["changes"]
    assert [(change["uid"], change["tags"], change["version"]) for change in pulled] == [
        (str(split.uid), ["عمل", "منزل"], split.version + 1)]
    assert Note.objects.get(pk=split.pk).updated >= before
    assert Note.objects.get(pk=untouched.pk).version == untouched.version
