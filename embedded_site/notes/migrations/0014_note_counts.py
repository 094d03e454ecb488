"""How many notes each owner has in and out of the trash, and how many notes carry each tag, kept
by triggers of the database itself (models.OwnerNoteCount, TagNoteCount).

Counted at each request, the list's total and the sidebar's tag counts read every note's entry
in an index: at a million notes 70 ms and 190 ms, paid again at every refresh of the list after a
save. Triggers keep the counts whatever writes the notes (the API, imports, sync, a purge, a
cascade), so no path of the app can forget them. Existing notes are counted here once.
"""

import django.db.models.deletion
from django.db import migrations, models

from embedded_site.notes.vendor_sql import on_vendor

BACKFILL = [
    "INSERT INTO notes_ownernotecount (owner_id, live, trashed) "
    "SELECT owner_id, SUM(CASE WHEN trashed_at IS NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN trashed_at IS NULL THEN 0 ELSE 1 END) FROM notes_note GROUP BY owner_id",
    "INSERT INTO notes_tagnotecount (tag_id, notes) "
    "SELECT tag.id, (SELECT COUNT(*) FROM notes_note_tags carried WHERE carried.tag_id = tag.id) FROM notes_tag tag",
]

# An owner's counts: one less for the note as it was (OLD), one more for it as it is (NEW).
SQLITE_OWNER_LESS = (
    "UPDATE notes_ownernotecount SET live = live - (OLD.trashed_at IS NULL), trashed = trashed - (OLD.trashed_at IS NOT NULL) "
    "WHERE owner_id = OLD.owner_id;"
)
SQLITE_OWNER_MORE = (
    "INSERT INTO notes_ownernotecount (owner_id, live, trashed) "
    "VALUES (NEW.owner_id, NEW.trashed_at IS NULL, NEW.trashed_at IS NOT NULL) "
    "ON CONFLICT (owner_id) DO UPDATE SET live = live + excluded.live, trashed = trashed + excluded.trashed;"
)
SQLITE_TAG_LESS = "UPDATE notes_tagnotecount SET notes = notes - 1 WHERE tag_id = OLD.tag_id;"
SQLITE_TAG_MORE = (
    "INSERT INTO notes_tagnotecount (tag_id, notes) VALUES (NEW.tag_id, 1) "
    "ON CONFLICT (tag_id) DO UPDATE SET notes = notes + 1;"
)
SQLITE_FORWARDS = [
    *BACKFILL,
    f"CREATE TRIGGER notes_note_counted AFTER INSERT ON notes_note BEGIN {SQLITE_OWNER_MORE} END",
    f"CREATE TRIGGER notes_note_uncounted AFTER DELETE ON notes_note BEGIN {SQLITE_OWNER_LESS} END",
    "CREATE TRIGGER notes_note_recounted AFTER UPDATE OF owner_id, trashed_at ON notes_note "
    "WHEN OLD.owner_id IS NOT NEW.owner_id OR (OLD.trashed_at IS NULL) IS NOT (NEW.trashed_at IS NULL) "
    f"BEGIN {SQLITE_OWNER_LESS} {SQLITE_OWNER_MORE} END",
    f"CREATE TRIGGER notes_tag_counted AFTER INSERT ON notes_note_tags BEGIN {SQLITE_TAG_MORE} END",
    f"CREATE TRIGGER notes_tag_uncounted AFTER DELETE ON notes_note_tags BEGIN {SQLITE_TAG_LESS} END",
    "CREATE TRIGGER notes_tag_recounted AFTER UPDATE OF tag_id ON notes_note_tags WHEN OLD.tag_id IS NOT NEW.tag_id "
    f"BEGIN {SQLITE_TAG_LESS} {SQLITE_TAG_MORE} END",
    "CREATE TRIGGER notes_tag_count_dropped AFTER DELETE ON notes_tag "
    "BEGIN DELETE FROM notes_tagnotecount WHERE tag_id = OLD.id; END",
]
SQLITE_TRIGGERS = ["notes_note_counted", "notes_note_uncounted", "notes_note_recounted", "notes_tag_counted",
                   "notes_tag_uncounted", "notes_tag_recounted", "notes_tag_count_dropped"]
SQLITE_BACKWARDS = [f"DROP TRIGGER {name}" for name in SQLITE_TRIGGERS]

POSTGRES_FORWARDS = [
    *BACKFILL,
    """CREATE FUNCTION notes_count_note() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE notes_ownernotecount
            SET live = live - (OLD.trashed_at IS NULL)::int, trashed = trashed - (OLD.trashed_at IS NOT NULL)::int
            WHERE owner_id = OLD.owner_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO notes_ownernotecount AS counted (owner_id, live, trashed)
            VALUES (NEW.owner_id, (NEW.trashed_at IS NULL)::int, (NEW.trashed_at IS NOT NULL)::int)
            ON CONFLICT (owner_id) DO UPDATE
            SET live = counted.live + excluded.live, trashed = counted.trashed + excluded.trashed;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER notes_note_counted AFTER INSERT OR DELETE ON notes_note "
    "FOR EACH ROW EXECUTE FUNCTION notes_count_note()",
    "CREATE TRIGGER notes_note_recounted AFTER UPDATE OF owner_id, trashed_at ON notes_note FOR EACH ROW "
    "WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id OR (OLD.trashed_at IS NULL) IS DISTINCT FROM (NEW.trashed_at IS NULL)) "
    "EXECUTE FUNCTION notes_count_note()",
    """CREATE FUNCTION notes_count_tag() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE notes_tagnotecount SET notes = notes - 1 WHERE tag_id = OLD.tag_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO notes_tagnotecount AS counted (tag_id, notes) VALUES (NEW.tag_id, 1)
            ON CONFLICT (tag_id) DO UPDATE SET notes = counted.notes + 1;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER notes_tag_counted AFTER INSERT OR DELETE ON notes_note_tags "
    "FOR EACH ROW EXECUTE FUNCTION notes_count_tag()",
    "CREATE TRIGGER notes_tag_recounted AFTER UPDATE OF tag_id ON notes_note_tags FOR EACH ROW "
    "WHEN (OLD.tag_id IS DISTINCT FROM NEW.tag_id) EXECUTE FUNCTION notes_count_tag()",
    """CREATE FUNCTION notes_drop_tag_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM notes_tagnotecount WHERE tag_id = OLD.id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER notes_tag_count_dropped AFTER DELETE ON notes_tag "
    "FOR EACH ROW EXECUTE FUNCTION notes_drop_tag_count()",
]
POSTGRES_BACKWARDS = [
    "DROP TRIGGER notes_note_counted ON notes_note",
    "DROP TRIGGER notes_note_recounted ON notes_note",
    "DROP TRIGGER notes_tag_counted ON notes_note_tags",
    "DROP TRIGGER notes_tag_recounted ON notes_note_tags",
    "DROP TRIGGER notes_tag_count_dropped ON notes_tag",
    "DROP FUNCTION notes_count_note()",
    "DROP FUNCTION notes_count_tag()",
    "DROP FUNCTION notes_drop_tag_count()",
]


class Migration(migrations.Migration):
    dependencies = [("notes", "0013_trashed_notes_index")]

    operations = [
        migrations.CreateModel(
            name="OwnerNoteCount",
            fields=[
                ("owner_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("live", models.BigIntegerField(default=0)),
                ("trashed", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="TagNoteCount",
            fields=[
                ("tag", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                             primary_key=True, related_name="+", serialize=False, to="notes.tag")),
                ("notes", models.BigIntegerField(default=0)),
            ],
        ),
        on_vendor("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
        on_vendor("postgresql", POSTGRES_FORWARDS, POSTGRES_BACKWARDS),
    ]
