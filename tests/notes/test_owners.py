"""Every note and tag has an owner: a desktop database from before owners is carried forward,
its notes the local owner's, still found by search."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from embedded_site.notes.models import Note, Tag
from embedded_site.notes.owners import LOCAL_OWNER_USERNAME
from tests.notes.conftest import check_search_index

pytestmark = pytest.mark.desktop  # a desktop database from before owners: SQLite and its FTS5 triggers

BEFORE_OWNERS = [("notes", "0005_trigram_search")]


@pytest.fixture
def database_before_owners(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_OWNERS)
    yield executor.loader.project_state(BEFORE_OWNERS).apps
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_notes_of_a_database_from_before_owners_become_the_local_owners_and_stay_searchable(
    database_before_owners, client
):
    OldNote = database_before_owners.get_model("notes", "Note")
    OldTag = database_before_owners.get_model("notes", "Tag")
    kept = OldNote.objects.create(title="Kept through the upgrade", body="a quince tart")
    kept.tags.add(OldTag.objects.create(name="recipes"))
    OldNote.objects.create(title="Another", body="nothing here")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert set(Note.objects.values_list("owner__username", flat=True)) == {LOCAL_OWNER_USERNAME}
    assert list(Tag.objects.values_list("owner__username", "name")) == [(LOCAL_OWNER_USERNAME, "recipes")]
    found = client.get("/api/notes/", {"q": "quince"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()
    assert [note["title"] for note in found["notes"]] == ["Kept through the upgrade"]
    assert "<mark>quince</mark>" in found["notes"][0]["snippet"]
    # The full-text triggers were made again: an edit reaches both indexes.
    Note.objects.filter(pk=kept.pk).update(body="a plum tart")
    check_search_index()
    for word_or_inside_one in ("plum", "lum"):
        found = client.get("/api/notes/", {"q": word_or_inside_one}, HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()
        assert found["total"] == 1, word_or_inside_one
