"""The days, by the clock, the desktop app was launched on (LaunchDay). What a launch deletes for
its age (notes in the trash, old revisions) must be that old in these days too, not by the clock
alone: set a month or a year ahead for a day, the clock emptied the trash and the history of the
weeks before (and a sync carried the purge to every device); that day now counts as one. A
server's clock is trusted: its upkeep goes by the clock.

A clock behind a day the app was launched on (reset by a flat battery, set back a year by
mistake) is not trusted with when a note went to the trash either (trash_time)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from embedded_site.notes.models import LaunchDay


def record_launch() -> None:
    LaunchDay.objects.get_or_create(day=timezone.localdate())


def cutoff(kept_for: timedelta) -> datetime | None:
    """The moment before which something is older than `kept_for` by the clock and has been kept
    for as many launch days after its own day; None while the app has had fewer launch days."""
    days = kept_for.days
    nth_latest = list(LaunchDay.objects.order_by("-day").values_list("day", flat=True)[days - 1 : days])
    if not nth_latest:
        return None
    counted_from = datetime.combine(nth_latest[0], time.min, tzinfo=timezone.get_current_timezone())
    return min(timezone.now() - kept_for, counted_from)


def trash_time() -> datetime:
    """When a note moved to the trash now went there: now, unless the clock is behind a day the app
    was launched on, and then the end of that day. A note trashed with the clock a year behind went
    there, by its date, a year before: the next launch with the clock put right deleted it for good
    (and a sync carried that everywhere). After a clock set ahead, that day is the one: the notes
    trashed until the clock gets there again stay in the trash for that long (Empty trash empties it)."""
    now = timezone.now()
    latest = LaunchDay.objects.order_by("-day").values_list("day", flat=True).first()
    if latest is None or latest <= timezone.localdate(now):
        return now
    return datetime.combine(latest + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
