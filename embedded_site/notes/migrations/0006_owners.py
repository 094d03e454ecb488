"""Every note and tag belongs to a user (embedded_site/notes/owners.py). The notes and tags a
desktop database holds already become the local owner's, created here if there are any.

On SQLite, making the owner column NOT NULL and changing the unique constraints rebuilds the
notes table, which drops the triggers of both full-text indexes on it, and cannot rename a table a
view reads: the trigram index's content view is dropped before, and it and the triggers are
created again after, from the migrations that made them (the indexes keep their content: the ids
do not change).
"""

import uuid
from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import migrations, models

from embedded_site.notes.owners import LOCAL_OWNER_USERNAME

# The view and the triggers on notes_note, as 0002 and 0005 created them.
ON_NOTES_TABLE = [
    statement
    for module in ("0002_search", "0005_trigram_search")
    for statement in import_module(f"embedded_site.notes.migrations.{module}").CREATE
    if statement.startswith(("CREATE TRIGGER", "CREATE VIEW"))
]


def give_to_local_owner(apps, schema_editor):
    Note = apps.get_model("notes", "Note")
    Tag = apps.get_model("notes", "Tag")
    if not (Note.objects.exists() or Tag.objects.exists()):
        return
    User = apps.get_model(settings.AUTH_USER_MODEL)
    owner, _ = User.objects.get_or_create(username=LOCAL_OWNER_USERNAME, defaults={"password": make_password(None)})
    Note.objects.update(owner=owner)
    Tag.objects.update(owner=owner)


def drop_search_view(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP VIEW IF EXISTS notes_note_trigram_content")


def recreate_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        present = {name for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'view')")}
        for statement in ON_NOTES_TABLE:
            if statement.split()[2] not in present:
                cursor.execute(statement)


def owner_field(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
        to=settings.AUTH_USER_MODEL,
    )


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("notes", "0005_trigram_search"),
    ]

    operations = [
        migrations.RunPython(drop_search_view, recreate_search_triggers),
        *(migrations.AddField(model, "owner", owner_field(null=True)) for model in ("note", "tag")),
        migrations.RunPython(give_to_local_owner, migrations.RunPython.noop),
        *(migrations.AlterField(model, "owner", owner_field(null=False)) for model in ("note", "tag")),
        migrations.AlterField(
            model_name="note",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="tag",
            name="name",
            field=models.CharField(max_length=50),
        ),
        migrations.AddConstraint(
            model_name="note",
            constraint=models.UniqueConstraint(fields=("uid", "owner"), name="notes_uid_per_owner"),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(fields=("owner", "name"), name="notes_tag_name_per_owner"),
        ),
        migrations.RemoveIndex(model_name="note", name="notes_listing"),
        migrations.RemoveIndex(model_name="note", name="notes_title_key"),
        migrations.AddIndex(
            model_name="note",
            index=models.Index(fields=["owner", "trashed_at", "pinned", "updated"], name="notes_listing"),
        ),
        migrations.AddIndex(
            model_name="note",
            index=models.Index(fields=["owner", "title_key"], name="notes_title_key"),
        ),
        migrations.RunPython(recreate_search_triggers, drop_search_view),
    ]
