"""Day notes, a journal's pages: the note Today's note finds or makes for a day (editing.py), and
the day before or after one that has a note, as Obsidian's "Open previous/next daily note"."""

import functools
import re
import uuid
from datetime import date, datetime, time
from datetime import timezone as dt_timezone

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from embedded_site.notes.models import Journal, Note, NoteChange, title_key

# A day note's uid is its person's journal base (models.Journal) with the day's ordinal in the
# lowest DAY_BITS: the same for the day on each of the person's devices (sync carries the base)
# and unlike anyone else's, so that a second press, a second window or a second server process
# finds the note the first made (the database has one uid per owner), two devices that each made
# it before a sync hold the same note, and another person's journal imported meets none of hers.
# Version 8 (a uid laid out as its maker chooses) with DAY_MARK above the day: a day note's, with
# its day, told from its uid alone.
DAY_BITS = 32
DAY_MARK = 0xDA7E << DAY_BITS
MARK_BITS = 0xFFFF << DAY_BITS
VERSION_8 = (0xF << 76, 0x8 << 76)
VARIANT_RFC = (0xC << 60, 0x8 << 60)
# Day notes made before each person had a journal of their own: uuid5 of the day in this
# namespace, the same for every person. Still found, never made.
SHARED_NAMESPACE = uuid.UUID("5b0d5e3c-8f0e-4d51-9b3f-3d5a2f1c7a61")
ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
FIRST_DAY_TITLE, LAST_DAY_TITLE = "0000-00-00", "9999-99-99"
# Days whose notes' shared uids one query asks for, walking from a day to the next day note.
DAYS_PER_LOOKUP = 366


def new_base() -> uuid.UUID:
    """A journal's base: random bits, the day's left empty, version 8 with DAY_MARK."""
    bits = uuid.uuid4().int & ~(MARK_BITS | (1 << DAY_BITS) - 1) | DAY_MARK
    for mask, value in (VERSION_8, VARIANT_RFC):
        bits = bits & ~mask | value
    return uuid.UUID(int=bits)


def is_base(value: uuid.UUID) -> bool:
    return value.version == 8 and value.int & (MARK_BITS | (1 << DAY_BITS) - 1) == DAY_MARK


def base_of(uid: uuid.UUID) -> uuid.UUID | None:
    """The journal base of a day note's uid made by Today's note; None for any other uid."""
    base = uuid.UUID(int=uid.int & ~((1 << DAY_BITS) - 1))
    return base if is_base(base) else None


def journal_base(owner) -> uuid.UUID | None:
    """The owner's journal base, if they have one yet (a read: a GET's read-only snapshot allows it)."""
    return Journal.objects.filter(owner_id=owner.pk).values_list("base", flat=True).first()


def journal(owner) -> uuid.UUID:
    """The owner's journal base, made the first time it is wanted (by a second process at the
    same moment: the one that committed first, get_or_create reading it after its refused insert)."""
    return Journal.objects.get_or_create(owner_id=owner.pk, defaults={"base": new_base()})[0].base


def take_journal_of(owner, records: list[dict]) -> None:
    """A person with no notes and no journal yet (on a new computer) who imports an export whose
    day notes are of one journal takes it: her own export, brought over, then has her day notes
    found by Today's note and the previous and next day as where they came from, renamed or not."""
    bases = {base for record in records if (base := base_of(record["uid"]))}
    if len(bases) == 1 and not Note.objects.owned_by(owner).exists():
        Journal.objects.get_or_create(owner_id=owner.pk, defaults={"base": bases.pop()})


def take_journal(owner, base: uuid.UUID) -> None:
    """The person's journal becomes `base`, their sync server's, as a device connects: the day
    notes this device made in its own journal before, which no server has had, take their uids
    in it, so that the note of the day another device of theirs made meets each as one note."""
    with transaction.atomic():
        own = journal_base(owner)
        if own == base:
            return
        Journal.objects.update_or_create(owner_id=owner.pk, defaults={"base": base})
        if own is None:
            return
        made_here = Note.objects.owned_by(owner).filter(uid__gte=day_uid(own, date.min), uid__lte=day_uid(own, date.max))
        unsent = set(NoteChange.objects.owned_by(owner).filter(
            note_uid__in=list(made_here.values_list("uid", flat=True)), server_version__isnull=True,
        ).values_list("note_uid", flat=True))
        for uid in unsent:
            moved = day_uid(base, date.fromordinal(uid.int & (1 << DAY_BITS) - 1))
            if not NoteChange.objects.owned_by(owner).filter(note_uid=moved).exists():
                Note.objects.owned_by(owner).filter(uid=uid).update(uid=moved)
                NoteChange.objects.owned_by(owner).filter(note_uid=uid).update(note_uid=moved)


def day_uid(base: uuid.UUID, day: date) -> uuid.UUID:
    return uuid.UUID(int=base.int | day.toordinal())


@functools.lru_cache(maxsize=4096)  # a list of day notes asks for the same few days again and again
def shared_day_uid(day: date) -> uuid.UUID:
    return uuid.uuid5(SHARED_NAMESPACE, day.isoformat())


def day_uids(owner, day: date) -> list[uuid.UUID]:
    """The uids the owner's note of the day may have: their journal's, then the one shared before."""
    base = journal_base(owner)
    return [*([day_uid(base, day)] if base else []), shared_day_uid(day)]


def shared_uid_day(uid: uuid.UUID, created) -> date | None:
    """The day of a note made by Today's note before journals (its uid is the day's shared one; it
    was made on that day, a day either side in another time zone)."""
    if uid.version == 5:  # a name's uid, as shared_day_uid makes (a note's own is random, version 4)
        made = timezone.localdate(created).toordinal()
        # Within the calendar: another app's note has a name's uid too, and may be dated its first day.
        for ordinal in (made, made - 1, made + 1):
            if date.min.toordinal() <= ordinal <= date.max.toordinal() and uid == shared_day_uid(day := date.fromordinal(ordinal)):
                return day
    return None


def others_shared_day_notes_apart(owner, records: list[dict]) -> list[dict]:
    """The records of an import, each of another person's day notes made before journals given a
    uid of its own: it has the uid the owner's note of that day has, and would have been taken for
    it (written over it, or dropped), but it is not that note: it was made at another moment. The
    same uid at each import of the file, so that importing it again finds it."""
    shared = {record["uid"]: record for record in records if shared_uid_day(record["uid"], record["created"])}
    if not shared:
        return records
    made_at = dict(Note.objects.owned_by(owner).filter(uid__in=list(shared)).values_list("uid", "created"))
    apart = {uid: uuid.uuid5(uid, record["created"].astimezone(dt_timezone.utc).isoformat())
             for uid, record in shared.items() if uid in made_at and made_at[uid] != record["created"]}
    return [{**record, "uid": apart[record["uid"]]} if record["uid"] in apart else record for record in records]


def titled_day(title: str) -> date | None:
    """The day a title names in ISO form ("2026-12-06"), as Today's note titles its notes."""
    if not re.match(ISO_DAY, title.strip()):
        return None
    try:
        return date.fromisoformat(title.strip())
    except ValueError:  # 2026-02-30
        return None


def day_of(note) -> date | None:
    """The day the note is the note of: the one Today's note made it for, whatever its title now
    (its uid says the day), or the day its title names."""
    if base_of(note.uid):
        ordinal = note.uid.int & (1 << DAY_BITS) - 1
        if date.min.toordinal() <= ordinal <= date.max.toordinal():
            return date.fromordinal(ordinal)
    return shared_uid_day(note.uid, note.created) or titled_day(note.title)


def day_note(owner, day: date) -> Note | None:
    """The owner's note of the day, as Today's note finds it: the one made for the day (in the trash
    or not), else the first note titled with the day out of the trash."""
    notes = Note.objects.owned_by(owner)
    uids = day_uids(owner, day)
    made = {note.uid: note for note in notes.filter(uid__in=uids)}
    return next((made[uid] for uid in uids if uid in made), None) or (
        notes.filter(title_key=title_key(day.isoformat()), trashed_at__isnull=True).order_by("created", "pk").first()
    )


def neighbouring_day_note(owner, day: date, step: int) -> tuple[date, Note] | None:
    """The nearest day before `day` (step -1) or after it (step 1) that has a note out of the trash,
    and that note; days without one are skipped. None if no such day has one."""
    live = Note.objects.owned_by(owner).filter(trashed_at__isnull=True)
    nearest = None
    # Between the day and the first or last title an ISO day can be, in the title index's order.
    titled = live.filter(title_key__regex=ISO_DAY)
    titled = titled.filter(title_key__gte=FIRST_DAY_TITLE, title_key__lt=day.isoformat()).order_by("-title_key") if step < 0 else (
        titled.filter(title_key__gt=day.isoformat(), title_key__lte=LAST_DAY_TITLE).order_by("title_key"))
    for note in titled.iterator():
        if titled_day(note.title_key):  # not 2026-02-30
            nearest = (titled_day(note.title_key), note)
            break
    # Renamed notes Today's note made are found by their uids: the journal's, whose order is their
    # days', in one look-up of the uid index; it wins a day the titled one has too.
    if base := journal_base(owner):
        journal_notes = live.filter(uid__gte=day_uid(base, date.min), uid__lte=day_uid(base, date.max))
        made_for = (journal_notes.filter(uid__lt=day_uid(base, day)).order_by("-uid") if step < 0
                    else journal_notes.filter(uid__gt=day_uid(base, day)).order_by("uid")).first()
        if made_for and (nearest is None or (day_of(made_for) - nearest[0]).days * step <= 0):
            nearest = (day_of(made_for), made_for)
    # And the shared uids (before journals) of the days between `day` and the nearest so far. Today's
    # note made a day's note within a day of it (the day's in another zone), so the walk goes 366
    # days a query from the nearest day a note was made, and jumps the years no note was made in:
    # walked day by day to a note imported with a date of the year 1, the day before a journal's
    # first took 2,027 queries.
    bound = nearest[0].toordinal() if nearest else (date.min if step < 0 else date.max).toordinal()
    cursor = day.toordinal() + step
    while (bound - cursor) * step >= 0:
        made = day_a_note_was_made(live, cursor - step, step)
        if made is None:
            break
        start = max(cursor, made - 1) if step > 0 else min(cursor, made + 1)  # the first day that note may be the note of
        end = start + step * DAYS_PER_LOOKUP
        within_bound = min(end, bound + 1) if step > 0 else max(end, bound - 1)
        days = [date.fromordinal(one) for one in range(start, within_bound, step)]
        found = {note.uid: note for note in live.filter(uid__in=[shared_day_uid(one) for one in days])}
        for one in days:
            if shared_day_uid(one) in found:
                return one, found[shared_day_uid(one)]
        cursor = end
    return nearest


def day_a_note_was_made(live, ordinal: int, step: int) -> int | None:
    """The day (an ordinal) a note was made on nearest to day `ordinal`, on it or past it going `step`."""
    edge = ordinal + (step < 0)  # the midnight that starts the day, or ends it
    made = live
    if date.min.toordinal() < edge <= date.max.toordinal():  # else every note is on this side
        midnight = datetime.combine(date.fromordinal(edge), time.min, tzinfo=timezone.get_current_timezone())
        made = live.filter(**{"created__gte" if step > 0 else "created__lt": midnight})
    when = made.aggregate(when=(Min if step > 0 else Max)("created"))["when"]
    return None if when is None else timezone.localdate(when).toordinal()
