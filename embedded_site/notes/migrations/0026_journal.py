"""Each person's day notes get uids of their own (days.py, models.Journal). Nothing is rewritten:
the day notes made before keep the uids every person shared, and Today's note and the previous
and next day still find them by those."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0025_tags_split_at_arabic_commas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Journal",
            fields=[
                ("owner", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                               related_name="+", serialize=False, to=settings.AUTH_USER_MODEL)),
                ("base", models.UUIDField()),
            ],
        ),
    ]
