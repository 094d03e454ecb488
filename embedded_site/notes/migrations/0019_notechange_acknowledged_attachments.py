"""The attachments a note had when last in step with the sync server (sync/client.py
merged_onto): [[sha256, name], …]. Nullable, so that SQLite adds the column in place."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0018_notechange_acknowledged_pinned")]

    operations = [
        migrations.AddField(model_name="notechange", name="acknowledged_attachments", field=models.JSONField(null=True)),
    ]
