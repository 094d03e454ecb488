"""The days the desktop app was launched on (launch_days.py): what a launch deletes for its age
must be that old in these days too."""

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
