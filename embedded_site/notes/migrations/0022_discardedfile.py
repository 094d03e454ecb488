"""Attachment files whose rows are gone, kept while a backup of the database names them
(attachments.discard_files)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0021_launchday")]

    operations = [
        migrations.CreateModel(
            name="DiscardedFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True)),
            ],
        ),
    ]
