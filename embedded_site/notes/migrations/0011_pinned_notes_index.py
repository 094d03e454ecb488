"""On SQLite: a partial index of the pinned notes outside the trash, by owner and id.

A search with `is:pinned` keeps the matches among these notes, a set SQLite builds once per
statement and looks each match up in. Built from this index, which holds just their ids, the set
costs half what it does from the listing index (0006), whose entries hold each note's date too:
`is:pinned budget` at a million notes, 21 → 11 ms. SQLite does not pick it by itself (the
listing index serves more of the query's terms), so the search names it (search_query.py).
SQLite only: PostgreSQL plans the set its own way.
"""

from django.db import migrations

from embedded_site.notes.vendor_sql import on_vendor

FORWARDS = [
    'CREATE INDEX "notes_pinned" ON "notes_note" ("owner_id", "id") WHERE "pinned" AND "trashed_at" IS NULL'
]
BACKWARDS = ['DROP INDEX "notes_pinned"']


class Migration(migrations.Migration):
    dependencies = [("notes", "0010_word_prefix_indexes")]

    operations = [on_vendor("sqlite", FORWARDS, BACKWARDS)]
