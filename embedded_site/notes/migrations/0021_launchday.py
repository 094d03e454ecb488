"""The days the desktop app was launched on (models.LaunchDay): a note is purged once it has been
in the trash for 30 of them, as well as 30 days by the clock."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0020_notechange_acknowledged_parts")]

    operations = [
        migrations.CreateModel(
            name="LaunchDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True)),
            ],
        ),
    ]
