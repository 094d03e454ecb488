"""What sync needs (docs/sync.md): each revision's uid, each attachment's content hash, and the
change log. Revisions kept before get a uid each; attachments kept before get the SHA-256 of
their file (an attachment whose file is missing keeps an empty hash and is not synced)."""

import hashlib
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def give_uids_and_hashes(apps, schema_editor):
    Revision = apps.get_model("notes", "Revision")
    Attachment = apps.get_model("notes", "Attachment")
    for revision_id in Revision.objects.values_list("pk", flat=True):
        Revision.objects.filter(pk=revision_id).update(uid=uuid.uuid4())
    storage = Attachment._meta.get_field("file").storage
    for attachment in Attachment.objects.all():
        try:
            with storage.open(attachment.file.name, "rb") as file:
                digest = hashlib.file_digest(file, "sha256").hexdigest()
        except FileNotFoundError:
            continue
        Attachment.objects.filter(pk=attachment.pk).update(sha256=digest)


class Migration(migrations.Migration):

    dependencies = [
        ("notes", "0008_sqlite_planner_stats"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="sha256",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="revision",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.RunPython(give_uids_and_hashes, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ChangeCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last", models.BigIntegerField(default=0)),
                ("owner", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name="NoteChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("note_uid", models.UUIDField()),
                ("seq", models.BigIntegerField()),
                ("purged", models.BooleanField(default=False)),
                ("acknowledged_seq", models.BigIntegerField(default=0)),
                ("server_version", models.PositiveIntegerField(null=True)),
                ("acknowledged_text", models.CharField(blank=True, max_length=64)),
                ("applied_change", models.CharField(blank=True, max_length=100)),
                ("applied_version", models.PositiveIntegerField(null=True)),
                ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["owner", "seq"], name="notes_change_seq"),
                    models.Index(
                        condition=models.Q(("seq__gt", models.F("acknowledged_seq"))),
                        fields=["owner", "seq"],
                        name="notes_change_pending",
                    ),
                ],
                "constraints": [models.UniqueConstraint(fields=("owner", "note_uid"), name="notes_change_once")],
            },
        ),
    ]
