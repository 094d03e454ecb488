"""The word indexes (0010, and the pinned notes' of 0016) made again from the notes' text folded by
search_folding.fold(), the SQL function FOLD_FUNCTION (registered on each connection, apps.py): so
that Arabic without its vowel marks finds it with them, Hebrew without points, Greek without
accents, `strasse` "Straße", `abc` "ＡＢＣ" and `елка` "ёлка". The content of each is a view of
the notes through that function, so that FTS5's rebuild and integrity check read what it indexed.
Their tokenizer now also keeps combining marks inside words (`categories 'L* N* Co M*'`): a
Devanagari vowel sign or virama (नमस्ते) and a haraka had each cut its word in two.
A program that writes notes_note through SQLite itself needs the function too (`no such function`).
SQLite only: on PostgreSQL, search has its own index (0007).
"""

from django.db import migrations

from embedded_site.notes.search_folding import FOLD_FUNCTION
from embedded_site.notes.vendor_sql import on_vendor

WORD, PINNED = "notes_note_fts", "notes_note_pinned_fts"
WORD_VIEW, PINNED_VIEW = "notes_note_searched", "notes_note_pinned"
PINNED_ONLY = "{row}.pinned AND {row}.trashed_at IS NULL"
TOKENIZERS = {True: "\"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\"", False: "'unicode61 remove_diacritics 2'"}


def columns(row: str, folded: bool) -> str:
    return f"{FOLD_FUNCTION}({row}.title), {FOLD_FUNCTION}({row}.body)" if folded else f"{row}.title, {row}.body"


def view(name: str, folded: bool, where: str = "") -> str:
    named = f"{FOLD_FUNCTION}(title) AS title, {FOLD_FUNCTION}(body) AS body" if folded else "title, body"
    return f"CREATE VIEW {name} AS SELECT id, {named} FROM notes_note{where}"


def index(table: str, content: str, folded: bool) -> list[str]:
    return [
        f"""CREATE VIRTUAL TABLE {table} USING fts5(
            title, body,
            content='{content}', content_rowid='id',
            tokenize={TOKENIZERS[folded]},
            prefix='2 3 4 5 6 7 8'
        )""",
        f"INSERT INTO {table}({table}) VALUES ('rebuild')",
    ]


def word_index(folded: bool) -> list[str]:
    content = WORD_VIEW if folded else "notes_note"
    old, new = columns("old", folded), columns("new", folded)
    return [
        *([view(WORD_VIEW, True)] if folded else []),
        *index(WORD, content, folded),
        f"CREATE TRIGGER {WORD}_insert AFTER INSERT ON notes_note BEGIN "
        f"INSERT INTO {WORD}(rowid, title, body) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {WORD}_delete AFTER DELETE ON notes_note BEGIN "
        f"INSERT INTO {WORD}({WORD}, rowid, title, body) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {WORD}_update AFTER UPDATE OF title, body ON notes_note BEGIN "
        f"INSERT INTO {WORD}({WORD}, rowid, title, body) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {WORD}(rowid, title, body) VALUES (new.id, {new}); END",
    ]


def pinned_index(folded: bool) -> list[str]:
    unindex_old = f"INSERT INTO {PINNED}({PINNED}, rowid, title, body) SELECT 'delete', OLD.id, {columns('OLD', folded)}"
    index_new = f"INSERT INTO {PINNED}(rowid, title, body) SELECT NEW.id, {columns('NEW', folded)}"
    return [
        view(PINNED_VIEW, folded, f" WHERE {PINNED_ONLY.format(row='notes_note')}"),
        *index(PINNED, PINNED_VIEW, folded),
        f"CREATE TRIGGER {PINNED}_insert AFTER INSERT ON notes_note WHEN {PINNED_ONLY.format(row='NEW')} "
        f"BEGIN {index_new}; END",
        f"CREATE TRIGGER {PINNED}_delete AFTER DELETE ON notes_note WHEN {PINNED_ONLY.format(row='OLD')} "
        f"BEGIN {unindex_old}; END",
        f"CREATE TRIGGER {PINNED}_update AFTER UPDATE OF title, body, pinned, trashed_at ON notes_note "
        f"WHEN ({PINNED_ONLY.format(row='OLD')}) OR ({PINNED_ONLY.format(row='NEW')}) "
        f"BEGIN {unindex_old} WHERE {PINNED_ONLY.format(row='OLD')}; {index_new} WHERE {PINNED_ONLY.format(row='NEW')}; END",
    ]


def dropped(folded: bool) -> list[str]:
    return [
        *(f"DROP TRIGGER {table}_{event}" for table in (WORD, PINNED) for event in ("update", "delete", "insert")),
        f"DROP TABLE {WORD}", f"DROP TABLE {PINNED}", f"DROP VIEW {PINNED_VIEW}",
        *([f"DROP VIEW {WORD_VIEW}"] if folded else []),
    ]


class Migration(migrations.Migration):
    dependencies = [("notes", "0022_discardedfile")]

    operations = [on_vendor(
        "sqlite",
        [*dropped(False), *word_index(True), *pinned_index(True)],
        [*dropped(True), *word_index(False), *pinned_index(False)],
    )]
