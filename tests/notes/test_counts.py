"""The list's total and the sidebar's tag counts are read from counts the database's own triggers
keep (migration 0014): they stay equal to the notes through every way the notes change."""

import json
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from embedded_site.notes.models import Note, OwnerNoteCount, TagNoteCount
from embedded_site.notes.tagging import NoteTags


def kept_counts(owner) -> dict:
    owner_counts = OwnerNoteCount.objects.filter(owner_id=owner.pk).values_list("live", "trashed").first() or (0, 0)
    tags = dict(TagNoteCount.objects.filter(tag__owner_id=owner.pk, notes__gt=0).values_list("tag__name", "notes"))
    return {"live": owner_counts[0], "trashed": owner_counts[1], "tags": tags}


def real_counts(owner) -> dict:
    notes = Note.objects.owned_by(owner)
    tags = {}
    for name in NoteTags.objects.filter(note__owner_id=owner.pk).values_list("tag__name", flat=True):
        tags[name] = tags.get(name, 0) + 1
    return {"live": notes.filter(trashed_at__isnull=True).count(), "trashed": notes.filter(trashed_at__isnull=False).count(),
            "tags": tags}


def test_the_counts_follow_every_change_of_the_notes_and_their_tags(api, owner, django_capture_on_commit_callbacks):
    def check(step):
        assert kept_counts(owner) == real_counts(owner), step

    created = [api.post("/api/notes/", {"title": f"note {n}", "body": "", "tags": tags}).json()
               for n, tags in enumerate([["work", "home"], ["work"], [], ["idea"]])]
    check("created")
    api.patch(f"/api/notes/{created[1]['id']}/", {"version": 1, "tags": ["home", "later"]})
    check("retagged")
    api.delete(f"/api/notes/{created[0]['id']}/")
    api.delete(f"/api/notes/{created[2]['id']}/")
    check("trashed")
    assert api.get("/api/notes/").json()["total"] == 2
    assert api.get("/api/notes/", {"trashed": 1}).json()["total"] == 2
    assert api.get("/api/tags/").json()["tags"] == [
        {"name": "home", "count": 1}, {"name": "idea", "count": 1}, {"name": "later", "count": 1}]
    api.post(f"/api/notes/{created[0]['id']}/restore/")
    check("restored")
    api.patch("/api/tags/later/", {"name": "home"})  # a merge
    api.patch("/api/tags/idea/", {"name": "ideas"})  # a rename
    check("tags renamed and merged")
    api.delete("/api/tags/work/")
    check("a tag deleted")
    exported = json.loads(b"".join(api.get("/api/export/", {"format": "json"}).streaming_content))
    for note in exported["notes"]:  # new notes, not the same ones again
        note["uid"] = str(uuid.uuid4())
    assert api.upload("/api/import/", "notes.json", json.dumps(exported).encode()).status_code == 200
    check("imported")
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/api/notes/{created[0]['id']}/")
        api.delete(f"/api/notes/{created[0]['id']}/?purge=1")
        api.delete("/api/trash/")
    check("purged and the trash emptied")
    assert kept_counts(owner)["trashed"] == 0
    assert api.get("/api/notes/").json()["total"] == kept_counts(owner)["live"] > 0


@pytest.mark.desktop
@pytest.mark.django_db(transaction=True)
def test_notes_written_before_the_counts_are_counted_by_the_migration(api, owner, make_note):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notes")
    make_note(title="kept", tags=["work", "home"])
    make_note(title="thrown away", tags=["work"], trashed_at="2026-01-01T00:00:00Z")
    executor = MigrationExecutor(connection)
    executor.migrate([("notes", "0013_trashed_notes_index")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    assert kept_counts(owner) == {"live": 1, "trashed": 1, "tags": {"work": 2, "home": 1}}
    assert api.get("/api/tags/").json()["tags"] == [{"name": "home", "count": 1}, {"name": "work", "count": 1}]
    assert json.loads(api.get("/api/notes/").content)["total"] == 1
