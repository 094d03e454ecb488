"""Whether a note was pinned when last in step with the sync server (sync/client.py pinned_here).
Nullable, so that SQLite adds the column in place."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0017_note_removed_since_revision")]

    operations = [
        migrations.AddField(model_name="notechange", name="acknowledged_pinned", field=models.BooleanField(null=True)),
    ]
