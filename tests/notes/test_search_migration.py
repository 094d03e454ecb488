"""The word index's prefix indexes (migration 0010), the pinned notes' index (0011) and the trashed
notes' index (0013) carry an existing database forward."""

from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from embedded_site.notes.search_folding import FOLD_FUNCTION, fold
from tests.notes.conftest import check_search_index

BEFORE = [("notes", "0005_trigram_search")]

pytestmark = pytest.mark.desktop  # a desktop database from before the prefix indexes: SQLite's FTS5


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_notes_written_before_the_prefix_indexes_are_found_after_them_and_new_ones_too(api, make_note):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notes")
    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notes_note (uid, title, title_key, body, pinned, version, created, updated) VALUES "
            "('00000000000000000000000000000001', 'Budget meeting', 'budget meeting', 'The quarterly review', "
            "0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    migrate(latest)
    check_search_index()
    make_note(title="Meetings", body="another review")
    for query, expected in [("meeting", 2), ("meetin", 2), ("quarterl", 1), ("review budg", 1)]:
        assert api.get("/api/notes/", {"q": query}).json()["total"] == expected, query
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'notes_note_fts'")
        assert "prefix='2 3 4 5 6 7 8'" in cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_notes_pinned_before_the_pinned_index_are_found_by_is_pinned_after_it(api, make_note):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notes")
    make_note(title="zebra pinned", pinned=True)
    make_note(title="zebra loose")
    make_note(title="zebra pinned, thrown away", pinned=True, trashed_at=datetime.now(timezone.utc))
    migrate([("notes", "0010_word_prefix_indexes")])
    migrate(latest)
    later = make_note(title="zebra pinned later")
    api.patch(f"/api/notes/{later.pk}/", {"pinned": True, "version": later.version})
    for query, expected in [
        ("is:pinned zebra", ["zebra pinned", "zebra pinned later"]), ("-is:pinned zebra", ["zebra loose"]),
        ("in:trash is:pinned zebra", ["zebra pinned, thrown away"]),
    ]:
        assert sorted(note["title"] for note in api.get("/api/notes/", {"q": query}).json()["notes"]) == expected, query
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'notes_pinned'")
        assert "WHERE \"pinned\" AND \"trashed_at\" IS NULL" in cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_notes_trashed_before_the_trash_index_are_listed_from_it_in_the_lists_order(api, make_note):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notes")
    now = datetime.now(timezone.utc)
    make_note(title="thrown away first", trashed_at=now, updated=now - timedelta(days=2))
    make_note(title="kept")
    migrate([("notes", "0012_links_skip_own_files")])
    migrate(latest)
    make_note(title="thrown away pinned", trashed_at=now, pinned=True, updated=now - timedelta(days=9))
    later = make_note(title="thrown away later")
    api.delete(f"/api/notes/{later.pk}/")
    answer = api.get("/api/notes/", {"trashed": "1"}).json()
    assert [note["title"] for note in answer["notes"]] == ["thrown away pinned", "thrown away later", "thrown away first"]
    assert answer["total"] == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM notes_note WHERE owner_id = 1 AND trashed_at IS NOT NULL "
            "ORDER BY pinned DESC, updated DESC, id DESC LIMIT 50"
        )
        assert "USING INDEX notes_trashed" in " ".join(row[3] for row in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_notes_written_before_the_folded_indexes_are_found_without_their_marks_after_them(api, make_note):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notes")
    make_note(title="Straße", body="كَتَبَ الوَلَدُ", pinned=True)
    migrate([("notes", "0022_discardedfile")])
    assert api.get("/api/notes/", {"q": "كتب"}).json()["total"] == 0
    migrate(latest)
    check_search_index()
    for query in ("كتب", "strasse", "is:pinned strasse"):
        assert [note["title"] for note in api.get("/api/notes/", {"q": query}).json()["notes"]] == ["Straße"], query


@pytest.mark.django_db(transaction=True)
def test_persian_notes_written_before_their_letters_were_folded_are_found_with_arabic_ones_after(api, make_note):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notes")
    migrate([("notes", "0023_folded_word_indexes")])
    # Saved by a Notedesk whose fold left Persian letters and digits as they are.
    connection.connection.create_function(FOLD_FUNCTION, 1, lambda text: text, deterministic=True)
    make_note(title="کتاب ۱۴۰۳", body="یادداشت", pinned=True)
    connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)
    migrate(latest)
    check_search_index()
    for query in ("كتاب", "1403", "is:pinned يادداشت"):
        assert [note["title"] for note in api.get("/api/notes/", {"q": query}).json()["notes"]] == ["کتاب ۱۴۰۳"], query
