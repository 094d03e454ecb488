"""Links between notes: `[[Title]]` and `[[Title|shown text]]` in a body.

A link names a title, matched as models.title_key() does (case-insensitively, spaces collapsed);
of several notes outside the trash with that title, it goes to the one updated most recently.
A `[[report.pdf]]` or `![[photo.png]]` naming a file attached to the note itself is that file,
as Obsidian's vaults use it, and never a link to a note of that title: it is not indexed, and a
rename of such a note leaves it alone.
The links of each note are kept in NoteLink, written with the note in the same transaction
(editing.py, and links.index_notes() for imports), so that backlinks, and the notes to update
after a rename, are read from that table: nothing scans bodies at read time. A `[[…]]` inside
code (a fenced block or a `code span`) is not a link.
"""

import re
from collections.abc import Callable
from html import escape
from pathlib import PurePosixPath

from django.db import connection
from django.db.models import Case, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr

from embedded_site.notes.models import Attachment, Note, NoteLink, title_key
from embedded_site.notes.search import FTS_TABLE
from embedded_site.notes.search_folding import word_form

LINK = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]*))?\]\]")
# What a link's title cannot hold (LINK): a note titled with one cannot be linked to, and the
# completion leaves it out rather than write a link that leads elsewhere.
NOT_IN_LINKS = ("[", "]", "|")
LINKABLE_SQL = " AND ".join(f"instr(title_key, '{character}') = 0" for character in NOT_IN_LINKS)
CODE = re.compile(r"^(```|~~~).*?(?:^\1[^\n]*$|\Z)|`[^`\n]+`", re.DOTALL | re.MULTILINE)
SNIPPET_CONTEXT = 70  # characters each side of the link
MAX_COMPLETIONS = 20
BACKLINKS_SHOWN = 200
# Of a note without a title, what Go to note reads to name it by its first line (the list shows 80 characters of it).
UNTITLED_START = 300


def split_target(target: str) -> tuple[str, str | None]:
    """A link's target as Obsidian writes it: `Title#Heading` (or `Title#^block`) is the note
    titled `Title`, at that heading; `#Heading` is a heading of the note itself (title "").
    `(target, None)` when it names no heading."""
    if "#" not in target:
        return target, None
    title, heading = target.split("#", 1)
    return title.strip(), " ".join(heading.split())


def target_keys(target: str) -> list[str]:
    """The title keys a link's target may lead to: the whole of it (a note may be titled `C#`),
    then, for `Title#Heading`, the title before the `#`."""
    keys = [title_key(target)]
    title, heading = split_target(target)
    if heading is not None and title and title_key(title) not in keys:
        keys.append(title_key(title))
    return [key for key in keys if key]


def is_linkable(title: str) -> bool:
    return not any(character in title for character in NOT_IN_LINKS)


def without_code(text: str) -> str:
    """`text` with its code blocks and spans blanked out, so that positions still point into it."""
    return CODE.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)


def links_replaced(body: str, replacement: Callable[[re.Match], str | None], pattern: re.Pattern = LINK) -> str:
    """`body` with each `[[link]]` (or match of `pattern`) outside code replaced by
    replacement(its match in `body`), or left as it is where that is None."""
    pieces, done = [], 0
    for found in pattern.finditer(without_code(body)):
        # Matched again in the body itself: a link around a code span is no link there.
        match = pattern.fullmatch(body, found.start(), found.end())
        if match is None or (text := replacement(match)) is None:
            continue
        pieces += [body[done : match.start()], text]
        done = match.end()
    return "".join(pieces) + body[done:]


def file_key(target: str) -> str:
    """How `[[target]]` names a file of the note: its last path part, case-folded."""
    return PurePosixPath(" ".join(target.split())).name.casefold()


def attachment_keys(note_ids) -> dict[int, frozenset[str]]:
    """The file keys of the files attached to each note."""
    keys: dict[int, set[str]] = {}
    for note_id, name in Attachment.objects.filter(note_id__in=note_ids).values_list("note_id", "name"):
        keys.setdefault(note_id, set()).add(file_key(name))
    return {note_id: frozenset(names) for note_id, names in keys.items()}


def links_in(body: str, files: frozenset[str] = frozenset()) -> dict[str, str]:
    """The title key of each note the body links to, with a snippet around its first link;
    `files`: the file keys of the note's attachments, which its `[[…]]` may name instead."""
    if "[[" not in body:
        return {}
    text = without_code(body)
    found: dict[str, str] = {}
    seen: set[str] = set()  # a long text links to the same few notes again and again
    for match in LINK.finditer(text):
        if match.group(1) in seen:
            continue
        seen.add(match.group(1))
        if file_key(match.group(1)) in files:
            continue
        for key in target_keys(match.group(1)):  # `[[Plan#Goals]]` is a link to "Plan" too
            if key not in found:
                found[key] = snippet_around(body, match.start(), match.end())
    return found


def snippet_around(body: str, start: int, end: int) -> str:
    """The line of the link, cut to SNIPPET_CONTEXT characters each side, on one line."""
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end == -1 else line_end
    before = body[max(line_start, start - SNIPPET_CONTEXT) : start]
    after = body[end : min(line_end, end + SNIPPET_CONTEXT)]
    text = ("…" if start - SNIPPET_CONTEXT > line_start else "") + before + body[start:end] + after
    text += "…" if end + SNIPPET_CONTEXT < line_end else ""
    return " ".join(text.split())[:300]


def set_links(note_id: int, body: str, files: frozenset[str] | None = None) -> None:
    """Make the note's rows in NoteLink those of `body`. Inside the save's transaction. `files`:
    the note's attachment_keys(), read here if not given."""
    if files is None:
        files = attachment_keys([note_id]).get(note_id, frozenset()) if "[[" in body else frozenset()
    wanted = links_in(body, files)
    present = dict(NoteLink.objects.filter(source_id=note_id).values_list("target_key", "snippet"))
    if present == wanted:
        return
    NoteLink.objects.filter(source_id=note_id).delete()
    NoteLink.objects.bulk_create(NoteLink(source_id=note_id, target_key=key, snippet=snippet) for key, snippet in wanted.items())


def index_notes(notes: list[Note]) -> None:
    """After a bulk write of notes (an import): their title keys and links."""
    files = attachment_keys([note.pk for note in notes])
    for note in notes:
        note.title_key = title_key(note.title)
        set_links(note.pk, note.body, files.get(note.pk, frozenset()))
    Note.objects.bulk_update(notes, ["title_key"])


# Following links ---------------------------------------------------------------------------

def resolve(owner, keys: set[str], trashed: dict[str, int] | None = None) -> dict[str, dict]:
    """For each title key that the owner's notes outside the trash have: the note a link goes to (the most
    recently updated of them) and how many have it. `{key: {"id", "title", "count"}}`. `trashed`, if
    given, gets the id of a note in the trash for each key that only such notes have."""
    targets: dict[str, dict] = {}
    in_trash: dict[str, int] = {}
    keys = [key for key in keys if key]
    for start in range(0, len(keys), 500):
        # The trash is checked here rather than in SQL: given `trashed_at IS NULL`, SQLite would
        # read every note outside the trash through the notes_listing index.
        rows = (
            Note.objects.owned_by(owner).filter(title_key__in=keys[start : start + 500])
            .order_by("title_key", "-updated", "-id")
            .values_list("title_key", "id", "title", "trashed_at")
        )
        for key, note_id, title, trashed_at in rows:
            if trashed_at is not None:
                in_trash.setdefault(key, note_id)
                continue
            if key in targets:
                targets[key]["count"] += 1
            else:
                targets[key] = {"id": note_id, "title": title, "count": 1}
    if trashed is not None:
        trashed.update((key, note_id) for key, note_id in in_trash.items() if key not in targets)
    return targets


def linking_notes(owner, key: str, exclude_id: int | None = None) -> QuerySet:
    """The NoteLink rows of the owner's notes outside the trash that link to the title `key`."""
    # Leaving out the (few) trashed notes is much faster than joining the many live ones.
    trashed = Note.objects.owned_by(owner).filter(trashed_at__isnull=False)
    rows = NoteLink.objects.owned_by(owner).filter(target_key=key).exclude(source__in=trashed)
    if exclude_id is not None:
        rows = rows.exclude(source_id=exclude_id)
    return rows


def link_payloads(rows: QuerySet) -> list[dict]:
    return [
        {"id": source_id, "title": title, "snippet": snippet}
        for source_id, title, snippet in rows.order_by("-source__updated", "-source_id").values_list(
            "source_id", "source__title", "snippet"
        )[:BACKLINKS_SHOWN]
    ]


def backlinks(owner, note: Note) -> dict:
    """The notes whose links go to `note`. If another note with the same title was updated more
    recently, the links go there instead: then `notes` is empty and `goes_to` names it."""
    target = resolve(owner, {note.title_key}).get(note.title_key) if note.trashed_at is None else None
    answer = {"ambiguous": bool(target and target["count"] > 1), "goes_to": None, "notes": [], "total": 0}
    if target is None:
        return answer
    if target["id"] != note.pk:
        answer["goes_to"] = {"id": target["id"], "title": target["title"]}
        return answer
    rows = linking_notes(owner, note.title_key, exclude_id=note.pk)
    return {**answer, "notes": link_payloads(rows), "total": rows.count()}


# Completion --------------------------------------------------------------------------------

def completions(owner, text: str, limit: int, each_note: bool = False) -> list[dict]:
    """Titles for `[[text`: those starting with it, in alphabetical order, then those with a word
    starting with each of its words, in any order; with no text, the notes listed first. Each title
    once, as the note a link would go to spells it, with how many notes have it. With `each_note`
    (Go to note), each note of a title, newest first, and titles a link cannot hold too."""
    key = title_key(text)
    if connection.vendor == "postgresql":
        from embedded_site.notes.search_postgres import title_completions

        return title_completions(owner, key, limit, each_note)
    linkable = "" if each_note else f"AND title_key != '' AND {LINKABLE_SQL} "
    with connection.cursor() as cursor:
        if not key:
            cursor.execute(
                f"SELECT title, id, 1 FROM notes_note WHERE owner_id = %s AND trashed_at IS NULL {linkable}"
                "ORDER BY pinned DESC, updated DESC, id DESC LIMIT %s",
                [owner.pk, limit],
            )
            return [{"title": title, "id": note_id, "count": count} for title, note_id, count in cursor.fetchall()]
        in_range = f"owner_id = %s AND title_key >= %s AND title_key < %s AND +trashed_at IS NULL {linkable}"
        if each_note:
            cursor.execute(
                f"SELECT title_key, title, id FROM notes_note WHERE {in_range}ORDER BY title_key, updated DESC, id DESC LIMIT %s",
                [owner.pk, key, key + "\U0010ffff", limit],
            )
            found = {note_id: {"title": title, "id": note_id, "count": 1} for _, title, note_id in cursor.fetchall()}
        else:
            # The title_key index serves both the range and the grouping, so SQLite stops after
            # `limit` titles. SQLite takes the bare columns from the row where max() is.
            cursor.execute(
                f"SELECT title_key, title, id, max(updated), count(*) FROM notes_note WHERE {in_range}"
                "GROUP BY title_key ORDER BY title_key LIMIT %s",
                [owner.pk, key, key + "\U0010ffff", limit],
            )
            found = {row[0]: {"title": row[1], "id": row[2], "count": row[4]} for row in cursor.fetchall()}
        if len(found) < limit and any(character.isalnum() for character in key):
            # Then titles with a word starting with each word of the text, in any order (Go to
            # note's "lem sal" for "A tea lemon salad"), newest notes first.
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s",
                [word_starts("title", word_form(key).split()), 20 * limit],
            )
            ids = [note_id for (note_id,) in cursor.fetchall()]
            if each_note:
                notes = (Note.objects.owned_by(owner).filter(pk__in=ids, trashed_at__isnull=True).exclude(pk__in=list(found))
                         .order_by("-updated", "-id").values_list("title_key", "title", "id"))
                more = {note_id: {"title": title, "id": note_id, "count": 1, "key": extra_key} for extra_key, title, note_id in notes}
            else:
                titles = Note.objects.owned_by(owner).filter(pk__in=ids).values_list("title_key", flat=True)
                more = {extra_key: {**target, "key": extra_key} for extra_key, target in
                        resolve(owner, {title for title in titles if is_linkable(title)} - set(found)).items()}
            for extra in sorted(more, key=lambda extra: (more[extra]["key"].find(key) < 0, more[extra]["key"]))[: limit - len(found)]:
                found[extra] = {field: value for field, value in more[extra].items() if field != "key"}
    return list(found.values())


def word_starts(column: str, words: list[str]) -> str:
    """The word index's query (FTS5) for the notes with a word starting with each of `words` in `column`."""
    return f"{column} : (" + " ".join('"' + word.replace('"', '""') + '"*' for word in words) + ")"


def with_word_starts(words: list[str]):
    """The ids of the notes whose text has a word starting with each of `words` (word_form()ed),
    as the word index finds them, for `pk__in`."""
    if connection.vendor == "postgresql":
        from embedded_site.notes.search_postgres import SEARCH_VECTOR, word_starts_query

        return Note.objects.annotate(search=SEARCH_VECTOR).filter(search=word_starts_query(words)).values("pk")
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [word_starts("body", words)])


def untitled_matching(owner, text: str, limit: int) -> list[dict]:
    """Go to note's notes without a title whose first line (as the list of notes names them) has a
    word starting with each word of `text`, folded as search folds words (word_form()), newest
    first: among the notes the word index finds with each word anywhere in their text, then the
    same Python on SQLite and PostgreSQL. Only their starts are read, never their whole text."""
    words = word_form(text).split()
    if not words or limit < 1:
        return []
    found = []
    rows = (Note.objects.owned_by(owner).filter(title_key="", trashed_at__isnull=True)
            .annotate(start=Substr("body", 1, UNTITLED_START)).order_by("-updated", "-id").values_list("id", "start"))
    indexed = [word for word in words if any(map(str.isalnum, word))]
    if indexed:
        # Reading and folding the start of every untitled note took 350 ms a key at 20,000 of them
        # (docs/performance.md).
        rows = rows.filter(pk__in=with_word_starts(indexed))
    word_starts_in_line = [re.compile(r"(?<![^\W_])" + re.escape(word)).search for word in words]
    for note_id, start in rows.iterator():
        line = word_form(next((line for line in start.splitlines() if any(map(str.isalnum, line))), ""))
        if all(starts(line) for starts in word_starts_in_line):
            found.append({"title": "", "id": note_id, "count": 1})
            if len(found) == limit:
                break
    return found


def for_go_to_note(owner, notes: list[dict]) -> list[dict]:
    """Go to note's notes, each with when it was last changed (what tells apart, as the list of
    notes shows it, two notes of one title) and, for a note without a title, the start of its
    text, which the app names it by as the list of notes does."""
    extra = {note_id: (updated, start) for note_id, updated, start in
             Note.objects.owned_by(owner).filter(pk__in=[note["id"] for note in notes])
             .annotate(start=Case(When(title_key="", then=Substr("body", 1, UNTITLED_START)), default=Value("")))
             .values_list("id", "updated", "start")}
    return [{**note, "updated": updated.isoformat(), **({"start": start} if start else {})}
            for note, (updated, start) in ((note, extra[note["id"]]) for note in notes)]


def titles_of(owner, note_ids: list[int]) -> list[dict]:
    """Go to note's notes opened last, as completions() answers: those of `note_ids` outside the
    trash, in that order, by their titles alone (not their text, which may be megabytes)."""
    titles = dict(Note.objects.owned_by(owner).filter(pk__in=note_ids, trashed_at__isnull=True).values_list("id", "title"))
    return for_go_to_note(owner, [{"title": titles[note_id], "id": note_id, "count": 1} for note_id in dict.fromkeys(note_ids) if note_id in titles])


# Renaming ----------------------------------------------------------------------------------

def rewritten(body: str, key: str, new_title: str, files: frozenset[str]) -> str:
    """`body` with its links to the title `key` pointed at `new_title`, any shown text kept;
    `files`: the file keys of its note's attachments, whose names stay as they are. A `[[…]]` in
    code is an example, not a link: it stays as written."""

    def replace(match: re.Match) -> str | None:
        target = match.group(1)
        if file_key(target) in files:
            return None
        if title_key(target) == key:
            new_target = new_title
        else:
            title, heading = split_target(target)
            if heading is None or not title or title_key(title) != key:
                return None
            new_target = f"{new_title}#{target.split('#', 1)[1]}"  # the heading as it was written
        shown = match.group(2)
        return f"[[{new_target}|{shown}]]" if shown is not None else f"[[{new_target}]]"

    return links_replaced(body, replace)


# The preview -------------------------------------------------------------------------------

def wikilink_plugin(md) -> None:
    """markdown-it: `[[…]]` as a link into the app; the targets come in env["wikilinks"]
    (preview_targets()), so that rendering makes no query."""

    def rule(state, silent: bool) -> bool:
        embed = state.src.startswith("![[", state.pos)  # Obsidian's embed: `![[photo.png]]`
        if not embed and not state.src.startswith("[[", state.pos):
            return False
        match = LINK.match(state.src, state.pos + embed)
        if match is None or not title_key(match.group(1)):
            return False
        if not silent:
            token = state.push("wikilink", "", 0)
            token.meta = {"title": " ".join(match.group(1).split()), "shown": (match.group(2) or "").strip(), "embed": embed}
        state.pos = match.end()
        return True

    def render(renderer, tokens, index, options, env) -> str:
        title, shown = tokens[index].meta["title"], tokens[index].meta["shown"]
        attached = env.get("attachments", {}).get(file_key(title))
        if attached:  # a file of this note (a note imported from a folder links to its files so)
            shown = shown or title
            if tokens[index].meta["embed"] and attached["image"]:
                return f'<img src="{attached["url"]}" alt="{escape(shown)}">'
            return f'<span class="attachment-ref" title="{escape("Attached to this note: see Attachments")}">{escape(shown)}</span>'
        targets = env.get("wikilinks", {})
        target, heading = targets.get(title_key(title)), None
        if target is None and split_target(title)[1] is not None:  # `[[Plan#Goals]]`, `[[#Goals]]`
            title, heading = split_target(title)
            if not title:  # a heading of this very note
                shown = shown or heading.removeprefix("^")
                hint = escape(f"Go to “{heading}” in this note")
                return f'<a href="#heading" class="heading-link" data-heading="{escape(heading)}" title="{hint}">{escape(shown)}</a>'
            target = targets.get(title_key(title))
            shown = shown or (f"{title} › {heading.removeprefix('^')}" if heading else title)
        shown = shown or title
        heading_data = f' data-heading="{escape(heading)}"' if heading else ""
        if target is None:
            hint = escape(f"No note is titled “{title}” yet: click it for a way to create one")
            return (
                f'<a href="#new-note" class="wikilink missing" data-title="{escape(title)}" '
                f'title="{hint}">{escape(shown)}</a>'
            )
        if target.get("in_trash"):
            hint = escape(f"“{title}” is in the trash: click it for a way to restore it")
            return (
                f'<a href="#trash-note-{target["id"]}" class="wikilink missing" data-title="{escape(title)}" '
                f'data-in-trash="{target["id"]}" title="{hint}">{escape(shown)}</a>'
            )
        note_id, hint = target["id"], escape("Open “" + target["title"] + "”" + (f" at “{heading}”" if heading else ""))
        link = f'<a href="#note-{note_id}" class="wikilink" data-note="{note_id}"{heading_data} title="{hint}">{escape(shown)}</a>'

        if target["count"] > 1:
            warning = f"{target['count']} notes are titled “{title}”: this link opens the one updated most recently."
            link += f'<small class="wikilink-ambiguous" title="{escape(warning)}">ambiguous title: {target["count"]} notes</small>'
        return link

    md.inline.ruler.before("link", "wikilink", rule)
    md.add_render_rule("wikilink", render)


def preview_targets(owner, body: str) -> dict[str, dict]:
    """resolve() of the body's titles, and `{"id", "in_trash": True}` for a title only notes in the
    trash have: the link offers to restore one rather than to create another."""
    keys = {key for match in LINK.finditer(body) for key in target_keys(match.group(1))} if "[[" in body else set()
    trashed: dict[str, int] = {}
    targets = resolve(owner, keys, trashed)
    return {**targets, **{key: {"id": note_id, "in_trash": True} for key, note_id in trashed.items()}}
