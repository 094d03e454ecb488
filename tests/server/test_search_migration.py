"""The server's word index made again by a migration carries the notes already written forward."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from embedded_site.notes.models import Note
from tests.notes.conftest import Api
from tests.notes.test_search_migration import migrate


@pytest.mark.django_db(transaction=True)
def test_notes_written_before_the_words_were_cut_at_punctuation_are_found_by_each_word_after(client, server_user):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notes")
    migrate([("notes", "0028_postgres_folded_search")])
    Note.objects.create(owner=server_user, title="Contacts", body="Mail ana@example.com by 2026-12-07")
    migrate(latest)
    found = {query: [note["title"] for note in Api(client).get("/api/notes/", {"q": query}).json()["notes"]]
             for query in ("example", "07", "ana@example")}
    assert found == dict.fromkeys(found, ["Contacts"])
    migrate([("notes", "0028_postgres_folded_search")])  # and undone
    assert Api(client).get("/api/notes/", {"q": "ana"}).json()["total"] == 1
    migrate(latest)
