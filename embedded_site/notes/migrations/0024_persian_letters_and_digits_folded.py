"""The word indexes (0023) made again from the notes' text as search_folding.fold() now folds it:
Persian ye and kaf as Arabic's (ی ي, ک ك), Persian's heh with yeh (ۀ) as heh, and Arabic-Indic and
Persian digits as 0-9. The indexes read the notes through the fold function, so a rebuild is all
it takes; left as they were, a note saved with the old folds could not be taken out of them.
SQLite only: on PostgreSQL, search has its own index (0007).
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

REBUILT = [f"INSERT INTO {table}({table}) VALUES ('rebuild')" for table in ("notes_note_fts", "notes_note_pinned_fts")]


class Migration(migrations.Migration):
    dependencies = [("notes", "0023_folded_word_indexes")]

    operations = [on_vendor("sqlite", REBUILT, REBUILT)]
