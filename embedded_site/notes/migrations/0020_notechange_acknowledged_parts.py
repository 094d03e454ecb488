"""The note's title, body (as hashes) and tags when last in step with the sync server
(sync/client.py merged_text). Nullable, so that SQLite adds the column in place."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0019_notechange_acknowledged_attachments")]

    operations = [
        migrations.AddField(model_name="notechange", name="acknowledged_parts", field=models.JSONField(null=True)),
    ]
