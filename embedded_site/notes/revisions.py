"""Version history: revisions of a note, kept before a change replaces its text.

When one is kept (always inside the transaction of the change itself, so a change and the
revision of what it replaced commit together):

- a save, when the note's last revision was kept REVISION_EVERY ago or more (or it has none), or
  when the saves since then, this one included, have removed a large part of the body
  (LARGE_CHANGE_*): text typed then deleted a little at each save is kept too;
- always: a move to the trash, a restore from it, an import that overwrites the note, a save
  that resolves a conflict ("Keep mine"), restoring a revision (so that it can be undone),
  links rewritten after a rename, and a tag renamed or deleted (or that undone).

Storage: the body is zlib-compressed with the body of the note's revision before it as zlib's
preset dictionary, so a revision that changes a few lines of a note costs tens of bytes; every
KEYFRAME_EVERY-th is compressed alone, so reading one decompresses at most that many. Revisions
older than settings.NOTEDESK_REVISIONS_KEPT_DAYS are pruned in the background after each launch.
"""

import logging
import threading
import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from embedded_site.notes import launch_days
from embedded_site.notes.forms import prohibit_surrogates
from embedded_site.notes.models import TITLE_MAX_LENGTH, Note, Revision
from embedded_site.notes.tagging import NoteTags

logger = logging.getLogger(__name__)

REVISION_EVERY = timedelta(minutes=10)
# A save after which the saves since the last revision have removed (deleted or replaced) at
# least this many characters of the body, or this share of a body of at least
# LARGE_CHANGE_MIN_BODY characters, keeps the text it replaces at once: what saves only add to is
# still in the note, what they remove is only in the versions. Counted across saves
# (Note.removed_since_revision), since a paragraph may go a sentence at a time.
LARGE_CHANGE_CHARS = 200
LARGE_CHANGE_SHARE = 0.5
LARGE_CHANGE_MIN_BODY = 20
KEYFRAME_EVERY = 16
SUMMARY_QUOTE_LENGTH = 60
# Why a revision was kept; the app shows these words.
REASONS = {
    "edit": "Edited",
    "trash": "Before moving to the trash",
    "restore": "Before restoring from the trash",
    "import": "Before an import replaced it",
    "conflict": "Before a conflict was resolved",
    "revert": "Before restoring an earlier version",
    "relink": "Before its links were renamed",
    "tags": "Before a tag was renamed or deleted",
}
ALWAYS = frozenset(REASONS) - {"edit"}


# Compression ------------------------------------------------------------------------------

def compress(text: str, base: str | None) -> bytes:
    packer = zlib.compressobj(9, zdict=base.encode()) if base else zlib.compressobj(9)
    return packer.compress(text.encode()) + packer.flush()


def decompress(data: bytes, base: str | None) -> str:
    unpacker = zlib.decompressobj(zdict=base.encode()) if base else zlib.decompressobj()
    return (unpacker.decompress(bytes(data)) + unpacker.flush()).decode()


def bodies(revisions: list[Revision]) -> dict[int, str]:
    """The body of each revision, by id; their bases must be among them or read here."""
    by_id = {revision.pk: revision for revision in revisions}
    texts: dict[int, str] = {}

    def text_of(revision: Revision) -> None:
        chain, current = [], revision
        while current.pk not in texts:
            chain.append(current)
            if current.base_id is None:
                break
            if current.base_id not in by_id:
                by_id.update((base.pk, base) for base in base_chain(current.base_id))
            current = by_id[current.base_id]
        for link in reversed(chain):
            texts[link.pk] = decompress(link.body, texts[link.base_id] if link.base_id else None)

    for revision in revisions:
        text_of(revision)
    return texts


def base_chain(revision_id: int) -> list[Revision]:
    """The revision and the ones before it of its note, enough to reach its keyframe."""
    first = Revision.objects.get(pk=revision_id)
    chain = list(Revision.objects.filter(note_id=first.note_id, pk__lte=revision_id).order_by("-pk")[: first.depth + 1])
    return chain if chain and chain[0].pk == revision_id else [first]


def body_of(revision: Revision) -> str:
    return bodies([revision])[revision.pk]


# Keeping revisions ------------------------------------------------------------------------

def note_state(note_id: int) -> dict | None:
    row = Note.objects.filter(pk=note_id).values("title", "body", "pinned", "updated").first()
    if row is not None:
        row["tags"] = note_tags(note_id)
    return row


def note_tags(note_id: int) -> list[str]:
    return sorted(NoteTags.objects.filter(note_id=note_id).values_list("tag__name", flat=True))


def keep(note_id: int, reason: str, state: dict | None = None, *, created: datetime | None = None) -> Revision | None:
    """Keep the note's current state (or `state`) as a revision. Call inside the change's
    transaction. None if the note is missing."""
    state = state if state is not None else note_state(note_id)
    if state is None:
        return None
    previous = Revision.objects.filter(note_id=note_id).order_by("-pk").first()
    previous_body = body_of(previous) if previous else None
    revision = new_revision(note_id, reason, state, previous, previous_body, created or timezone.now())
    revision.save()
    return revision


def new_revision(
    note_id: int, reason: str, state: dict, previous: Revision | None, previous_body: str | None, created: datetime
) -> Revision:
    keyframe = previous is None or previous.depth + 1 >= KEYFRAME_EVERY
    before = None if previous is None else {"title": previous.title, "body": previous_body, "tags": previous.tags}
    return Revision(
        note_id=note_id,
        created=created,
        saved_at=state["updated"],
        reason=reason,
        title=state["title"],
        tags=list(state["tags"]),
        pinned=state["pinned"],
        body=compress(state["body"], None if keyframe else previous_body),
        base_id=None if keyframe else previous.pk,
        depth=0 if keyframe else previous.depth + 1,
        size=len(state["body"].encode()),
        summary=change_summary(before, state),
    )


def keep_before_change(note_id: int, expected_version: int, fields: dict, reason: str = "edit") -> int:
    """Before a save of `fields` over the note at `expected_version`: keep what it replaces, if
    the rules above say so. Nothing if the note is no longer at that version (the save fails).
    Returns what the save is to write as the note's removed_since_revision."""
    # One query for the note and when its last revision was kept; the tags only if one is kept.
    last_kept = Revision.objects.filter(note_id=OuterRef("pk")).order_by("-pk").values("created")[:1]
    state = (
        Note.objects.filter(pk=note_id, version=expected_version)
        .values("title", "body", "pinned", "updated", "removed_since_revision", last_kept=Subquery(last_kept))
        .first()
    )
    if state is None:
        return 0
    removed = (state.pop("removed_since_revision") or 0) + removed_characters(state["body"], fields["body"])
    if not should_keep(state, fields, reason, state.pop("last_kept"), removed):
        return removed
    keep(note_id, reason, {**state, "tags": note_tags(note_id)})
    return 0


def should_keep(old: dict, new: dict, reason: str, last_kept: datetime | None, removed: int) -> bool:
    """`removed`: the characters of the body removed since the last revision, by this save too."""
    if reason in ALWAYS:
        return True
    if old["title"] == new["title"] and old["body"] == new["body"]:
        return False  # pin and tags alone are not versions of the text
    now = timezone.now()
    # One timed ahead of this clock (synced from a computer whose clock is ahead, or kept before
    # this clock was set back) says nothing of how long ago it was: as if none.
    if last_kept is None or last_kept > now or now - last_kept >= REVISION_EVERY:
        return True
    return removed >= LARGE_CHANGE_CHARS or (
        len(old["body"]) >= LARGE_CHANGE_MIN_BODY and removed >= LARGE_CHANGE_SHARE * len(old["body"])
    )


def removed_characters(old: str, new: str) -> int:
    """How many characters of `old` lie between the common start and the common end of the two
    texts: what the change deleted or replaced. Slices compare in C; a binary search finds each
    boundary."""
    limit = min(len(old), len(new))
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    prefix = low
    low, high = 0, limit - prefix
    while low < high:
        middle = (low + high + 1) // 2
        if old[len(old) - middle :] == new[len(new) - middle :]:
            low = middle
        else:
            high = middle - 1
    return len(old) - prefix - low


def keep_many(note_ids: Iterable[int], reason: str) -> None:
    for note_id in note_ids:
        keep(note_id, reason)


# Summaries --------------------------------------------------------------------------------

def change_summary(before: dict | None, after: dict) -> str:
    """One line on what changed from `before` to `after`: the title, the lines added and
    removed with the first of them quoted, the tags."""
    lines = after["body"].split("\n") if after["body"] else []
    if before is None:
        return f"Oldest kept version · {plural(len(lines), 'line')}"
    parts = []
    if before["title"] != after["title"]:
        parts.append(f"Title “{shortened(before['title'])}” → “{shortened(after['title'])}”")
    if before["body"] != after["body"]:
        added, removed, first = line_changes(before["body"].split("\n"), after["body"].split("\n"))
        counts = " ".join(count for count in (f"+{added}" if added else "", f"−{removed}" if removed else "") if count)
        parts.append(f"{counts} {'line' if added + removed == 1 else 'lines'}" + (f": “{shortened(first)}”" if first else ""))
    added_tags = sorted(set(after["tags"]) - set(before["tags"]))
    removed_tags = sorted(set(before["tags"]) - set(after["tags"]))
    if added_tags or removed_tags:
        parts.append("Tags " + " ".join([*(f"+{tag}" for tag in added_tags), *(f"−{tag}" for tag in removed_tags)]))
    return " · ".join(parts)[:200] or "No change to the text"


def line_changes(old: list[str], new: list[str]) -> tuple[int, int, str]:
    """Lines added, lines removed, and the first changed line that is not blank (new if any)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_middle, new_middle = old[start : len(old) - end], new[start : len(new) - end]
    if len(old_middle) * len(new_middle) <= 250_000:
        import difflib

        matcher = difflib.SequenceMatcher(None, old_middle, new_middle, autojunk=False)
        kept = sum(block.size for block in matcher.get_matching_blocks())
    else:
        kept = 0
    added, removed = len(new_middle) - kept, len(old_middle) - kept
    common = set(old_middle) & set(new_middle)
    changed = [line for line in new_middle if line not in common] or [line for line in old_middle if line not in common]
    first = next((line.strip() for line in changed if line.strip()), "")
    return added, removed, first


def shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_QUOTE_LENGTH else text[: SUMMARY_QUOTE_LENGTH - 1] + "…"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# Reading ----------------------------------------------------------------------------------

def revision_payload(revision: Revision) -> dict:
    return {
        "id": revision.pk,
        "created": revision.created.isoformat(),
        "saved_at": revision.saved_at.isoformat(),
        "reason": revision.reason,
        "reason_text": REASONS.get(revision.reason, revision.reason),
        "title": revision.title,
        "size": revision.size,
        "summary": revision.summary,
    }


def full_payload(revision: Revision) -> dict:
    return {**revision_payload(revision), "body": body_of(revision), "tags": revision.tags, "pinned": revision.pinned}


# Pruning ----------------------------------------------------------------------------------

def kept_for() -> timedelta:
    return timedelta(days=settings.NOTEDESK_REVISIONS_KEPT_DAYS)


def prune_expired(now: datetime | None = None) -> int:
    """Delete the revisions older than the setting (a server's upkeep)."""
    return prune_before((now or timezone.now()) - kept_for())


def prune_before(cutoff: datetime) -> int:
    """Delete the revisions made before `cutoff`, one note a transaction (short write locks); the
    revisions kept that were compressed against a deleted one are compressed again."""
    note_ids = list(Revision.objects.filter(created__lt=cutoff).values_list("note_id", flat=True).distinct())
    deleted = 0
    for note_id in note_ids:
        with transaction.atomic():
            deleted += prune_note(note_id, cutoff)
    return deleted


def prune_note(note_id: int, cutoff: datetime) -> int:
    revisions = list(Revision.objects.filter(note_id=note_id).order_by("pk"))
    texts = bodies(revisions)
    expired = [revision.pk for revision in revisions if revision.created < cutoff]
    kept = [revision for revision in revisions if revision.created >= cutoff]
    Revision.objects.filter(pk__in=expired).delete()
    previous = None
    for revision in kept:
        keyframe = previous is None or previous.depth + 1 >= KEYFRAME_EVERY
        base_id = None if keyframe else previous.pk
        if revision.base_id != base_id:
            revision.base_id = base_id
            revision.depth = 0 if keyframe else previous.depth + 1
            revision.body = compress(texts[revision.pk], None if keyframe else texts[previous.pk])
            revision.save(update_fields=["base", "depth", "body"])
        previous = revision
    return len(expired)


def prune_in_background() -> threading.Thread:
    """At a launch, prune the revisions older than the setting by the clock and in launch days
    (launch_days.py), off the request path: in a thread of its own, with its own connection."""
    cutoff = launch_days.cutoff(kept_for())

    def run() -> None:
        try:
            count = prune_before(cutoff) if cutoff else 0
            if count:
                logger.info("Pruned %d revisions older than %d days", count, kept_for().days)
        except Exception:
            logger.exception("Pruning old revisions failed; they are kept until the next launch")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="notedesk-prune-revisions", daemon=True)
    thread.start()
    return thread


# Export and import ------------------------------------------------------------------------

EXPORTED_FIELDS = ("created", "saved_at", "reason", "title", "tags", "pinned", "body", "summary")


def exported(revisions: list[Revision]) -> list[dict]:
    """A note's revisions, all of them, oldest first, for the JSON export."""
    texts = bodies(revisions)
    return [
        {
            "created": revision.created.isoformat(),
            "saved_at": revision.saved_at.isoformat(),
            "reason": revision.reason,
            "title": revision.title,
            "tags": revision.tags,
            "pinned": revision.pinned,
            "body": texts[revision.pk],
        }
        for revision in revisions
    ]


class RevisionError(ValueError):
    """An imported revision is not valid; the message names its field."""


def imported(raw: object, body_max_length: int) -> list[dict]:
    """The checked revisions of an imported note (its "revisions", absent before version 3)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RevisionError("revisions: must be a list")
    checked = []
    for number, item in enumerate(raw, start=1):
        where = f"revision {number}"
        if not isinstance(item, dict):
            raise RevisionError(f"{where}: must be an object")
        record = {}
        for field in ("created", "saved_at"):
            record[field] = imported_moment(item.get(field), f"{where}: {field}")
        reason = item.get("reason", "edit")
        if reason not in REASONS:
            raise RevisionError(f"{where}: reason: must be one of {', '.join(REASONS)}")
        for field, limit in (("title", TITLE_MAX_LENGTH), ("body", body_max_length)):
            value = item.get(field, "")
            if not isinstance(value, str) or len(value) > limit or "\x00" in value:
                raise RevisionError(f"{where}: {field}: must be text of at most {limit:,} characters")
            refuse_surrogates(value, f"{where}: {field}")
            record[field] = value
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(tag, str) and len(tag) <= 50 for tag in tags) or len(tags) > 20:
            raise RevisionError(f"{where}: tags: must be a list of at most 20 tags")
        for tag in tags:
            refuse_surrogates(tag, f"{where}: tags")
        if not isinstance(item.get("pinned", False), bool):
            raise RevisionError(f"{where}: pinned: must be true or false")
        checked.append({**record, "reason": reason, "tags": tags, "pinned": item.get("pinned", False)})
    return checked


def imported_moment(value: object, where: str) -> datetime:
    """An ISO 8601 string with its offset, of a moment the database can store (in UTC)."""
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is not None and not timezone.is_naive(moment):
            moment.astimezone(dt_timezone.utc)  # 9999-12-31T23:59:59-01:00 is in the year 10000 in UTC
            return moment
    except (ValueError, OverflowError):  # well-formed but no such moment (February 30th, say)
        pass
    raise RevisionError(f"{where}: Enter a date and time with its offset (ISO 8601).")


def refuse_surrogates(text: str, where: str) -> None:
    """Text SQLite can store: a lone surrogate (JSON's "\\udc80") has no UTF-8 form."""
    try:
        prohibit_surrogates(text)
    except ValidationError as error:
        raise RevisionError(f"{where}: {error.messages[0]}") from None


def import_revisions(note: Note, incoming: list[dict]) -> int:
    """Add the revisions the note lacks, in order of time. Returns how many were added.

    A revision with a uid (sync) is the same revision as the one of that uid; one without (a
    JSON export) is the same as one with the same `created` and reason. One older than revisions
    are kept for is not added: it was pruned here, or would be (another device, or the server,
    may not have pruned it yet)."""
    if not incoming:
        return 0
    present = {str(uid) for uid in Revision.objects.filter(note=note).values_list("uid", flat=True)}
    present |= set(Revision.objects.filter(note=note).values_list("created", "reason"))
    cutoff = timezone.now() - kept_for()
    missing = sorted(
        (item for item in incoming
         if item["created"] >= cutoff and item.get("uid", (item["created"], item["reason"])) not in present),
        key=lambda item: item["created"],
    )
    previous = Revision.objects.filter(note=note).order_by("-pk").first()
    previous_body = body_of(previous) if previous else None
    for item in missing:
        state = {**item, "updated": item["saved_at"]}
        revision = new_revision(note.pk, item["reason"], state, previous, previous_body, item["created"])
        if "uid" in item:
            revision.uid = item["uid"]
        revision.save()
        previous, previous_body = revision, item["body"]
    return len(missing)
