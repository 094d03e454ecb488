"""The days, by the clock, the desktop app was launched on (LaunchDay). What a launch deletes for
its age (notes in the trash, old revisions) must be that old in these days too, not by the clock
alone: set a month or a year ahead for a day, the clock emptied the trash and the history of the
weeks before (and a sync carried the purge to every device); that day now counts as one. A
server's clock is trusted: its upkeep goes by the clock."""

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
