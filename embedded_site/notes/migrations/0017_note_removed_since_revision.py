"""How many characters of a note's body the saves since its last revision removed (revisions.py):
a paragraph deleted a sentence per save keeps a revision once the sentences add up. Nullable, so
that SQLite adds the column in place (ALTER TABLE ADD COLUMN) rather than rebuilding the table
that the word indexes' triggers and views (0010, 0014, 0016) are made on."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0016_pinned_word_index")]

    operations = [
        migrations.AddField(
            model_name="note",
            name="removed_since_revision",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
    ]
