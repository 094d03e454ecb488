"""On PostgreSQL: the notes' words (0028) made again from their folded text with ASCII's punctuation
as spaces, as search_postgres.PUNCTUATION_AS_SPACES makes a query's, so that they are cut where
the desktop's FTS5 cuts them: PostgreSQL's parser kept an e-mail address, a host, a path and a
number with a point or a minus as one word (`ana@example.com`, `docs.example.org`, `/usr/local`,
`3.14`, `-12` of `2026-12-07`), so that `example`, `org` or `14` alone missed the note, in search
and in Go to note. ASCII's punctuation alone: the parser cuts at every other mark already.

And the fold function (0028) made again to return a text with nothing to fold as it is: translate()
looks each character up in its list of ~470, and took 4.3 s to read a note of 800 KB at each save
(a backup's note of 800,000 commas, tests/notes/test_standard_notes.py).
"""

import string
from importlib import import_module

from django.db import migrations

from embedded_site.notes.search_folding import FOLD_FUNCTION
from embedded_site.notes.vendor_sql import on_vendor

fold_function = import_module("embedded_site.notes.migrations.0028_postgres_folded_search").fold_function

PUNCTUATION = "'" + string.punctuation.replace("'", "''") + "'"
SPACES = "'" + " " * len(string.punctuation) + "'"


def search_vector(words_cut_at_punctuation: bool) -> list[str]:
    def text(column: str) -> str:
        folded = f"{FOLD_FUNCTION}(coalesce({column}, ''))"
        return f"translate({folded}, {PUNCTUATION}, {SPACES})" if words_cut_at_punctuation else folded

    vector = " || ".join(f"setweight(to_tsvector('notedesk_words', {text(column)}), '{weight}')"
                         for column, weight in (("title", "A"), ("body", "B")))
    return [
        "ALTER TABLE notes_note DROP COLUMN search_vector",
        f"ALTER TABLE notes_note ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED",
        "CREATE INDEX notes_note_search ON notes_note USING gin (search_vector)",
    ]


class Migration(migrations.Migration):
    dependencies = [("notes", "0028_postgres_folded_search")]

    operations = [on_vendor(
        "postgresql",
        [fold_function(replace_it=True, only_text_to_fold=True), *search_vector(True)],
        [*search_vector(False), fold_function(replace_it=True)],
    )]
