"""Day notes, a journal's pages: the note Today's note finds or makes for a day (editing.py), and
the day before or after one that has a note, as Obsidian's "Open previous/next daily note"."""

import functools
import re
import uuid
from datetime import date, datetime, time, timedelta

from django.db.models import Max, Min
from django.utils import timezone

from embedded_site.notes.models import Note, title_key

# A day note's uid is the day's, the same for every person and on every device: a second
# press, a second window or a second server process finds the note the first made (the database
# has one uid per owner), and two devices that each made it before a sync hold the same note.
DAY_NOTE_NAMESPACE = uuid.UUID("5b0d5e3c-8f0e-4d51-9b3f-3d5a2f1c7a61")
ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
FIRST_DAY_TITLE, LAST_DAY_TITLE = "0000-00-00", "9999-99-99"
# Days whose notes' uids one query asks for, walking from a day to the next day note.
DAYS_PER_LOOKUP = 366


@functools.lru_cache(maxsize=4096)  # a list of day notes asks for the same few days again and again
def day_uid(day: date) -> uuid.UUID:
    return uuid.uuid5(DAY_NOTE_NAMESPACE, day.isoformat())


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
    (its uid is the day's; it was made on that day, a day either side in another time zone), or
    the day its title names."""
    if note.uid.version == 5:  # a name's uid, as day_uid makes (a note's own is random, version 4)
        made = timezone.localdate(note.created)
        for day in (made, made - timedelta(days=1), made + timedelta(days=1)):
            if note.uid == day_uid(day):
                return day
    return titled_day(note.title)


def day_note(owner, day: date) -> Note | None:
    """The owner's note of the day, as Today's note finds it: the one made for the day (in the trash
    or not), else the first note titled with the day out of the trash."""
    notes = Note.objects.owned_by(owner)
    return notes.filter(uid=day_uid(day)).first() or (
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
    # Renamed notes Today's note made are found by their uids, the days' between `day` and the
    # nearest titled one. Today's note makes a day's note within a day of it (the day's in another
    # zone), so the walk goes 366 days a query from the nearest day a note was made, and jumps the
    # years no note was made in: walked day by day to a note imported with a date of the year 1,
    # the day before a journal's first took 2,027 queries.
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
        found = {note.uid: note for note in live.filter(uid__in=[day_uid(one) for one in days])}
        for one in days:
            if day_uid(one) in found:
                return one, found[day_uid(one)]
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
