"""On PostgreSQL: the notes' words (0007) made again from their text folded by search_folding.fold(),
as the desktop's word indexes read it (0023), by an SQL function of the same name, FOLD_FUNCTION:
unaccent alone left Arabic vowel marks, Hebrew points and Persian letters and digits as written,
and lower() the final sigma, so that on a server `كتب` missed "كَتَبَ" and `ΟΔΟΣ` "οδός" in
search, the `[[` completion and Go to note. The function is built from FOLDS as it is when the
migration runs, so a database migrated before a change to FOLDS keeps the old function: the change
needs a migration that makes it again, and the column with it.
"""

from django.db import migrations

from embedded_site.notes.search_folding import FOLD_FUNCTION, FOLDS
from embedded_site.notes.vendor_sql import on_vendor


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def fold_function(replace_it: bool = False, only_text_to_fold: bool = False) -> str:
    """FOLDS in SQL: translate() for a character replaced by one or by none (those after the
    last replacement), replace() for one replaced by more. `only_text_to_fold`: a text without
    any of FOLDS' characters is returned as it is, unread by translate(), which looks each of a
    text's characters up in its ~470 one after the other (0029)."""
    single = {chr(point): into for point, into in FOLDS.items() if len(into) == 1}
    removed = [chr(point) for point, into in FOLDS.items() if not into]
    folded = f"translate(text, {literal(''.join(single) + ''.join(removed))}, {literal(''.join(single.values()))})"
    for character, into in ((chr(point), into) for point, into in FOLDS.items() if len(into) > 1):
        folded = f"replace({folded}, {literal(character)}, {literal(into)})"
    if only_text_to_fold:  # search_folding.fold()'s own test (FOLDED), FOLDS holding no ASCII
        folded = f"CASE WHEN text ~ {literal('[' + ''.join(chr(point) for point in sorted(FOLDS)) + ']')} THEN {folded} ELSE text END"
    return (f"CREATE {'OR REPLACE ' if replace_it else ''}FUNCTION {FOLD_FUNCTION}(text text) RETURNS text LANGUAGE sql "
            f"IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT {folded} $$")


def vector(fold: str) -> str:
    return " || ".join(f"setweight(to_tsvector('notedesk_words', {fold}(coalesce({column}, ''))), '{weight}')"
                       for column, weight in (("title", "A"), ("body", "B")))


def search_vector(fold: str) -> list[str]:
    return [
        "ALTER TABLE notes_note DROP COLUMN search_vector",
        f"ALTER TABLE notes_note ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector(fold)}) STORED",
        "CREATE INDEX notes_note_search ON notes_note USING gin (search_vector)",
    ]


class Migration(migrations.Migration):
    dependencies = [("notes", "0027_notes_created")]

    operations = [on_vendor(
        "postgresql",
        [fold_function(), *search_vector(FOLD_FUNCTION)],
        [*search_vector(""), f"DROP FUNCTION {FOLD_FUNCTION}(text)"],
    )]
