"""Templates: notes tagged `template` (docs/desktop.md), filled in here alone: {{date}}, {{time}}
and {{title}}, any other left as typed. Here, because the server makes Today's note from the one
titled "Daily note" (one note however many windows or devices ask) and counts its day, in the
computer's time zone (the person's on a server); Edit › Insert template… reads the templates
filled in from here too (GET /api/templates/), so the two never disagree on a day or a name."""

import re

from django.utils import timezone

from embedded_site.notes.forms import MAX_PAGE_SIZE
from embedded_site.notes.models import Note, title_key

TEMPLATE_TAG = "template"
DAILY_NOTE_TEMPLATE = "Daily note"
PLACEHOLDER = re.compile(r"\{\{([^{}\n]*)\}\}")


def daily_note_text(owner, title: str) -> str:
    """The owner's "Daily note" template (the one changed last, if several), filled in for a note
    of `title` made now; empty if they have none."""
    template = (
        Note.objects.owned_by(owner)
        .filter(title_key=title_key(DAILY_NOTE_TEMPLATE), tags__name=TEMPLATE_TAG, trashed_at__isnull=True)
        .order_by("-updated", "-pk").values_list("body", flat=True).first()
    )
    return "" if template is None else filled_in(template, title)[0]


def filled_in(template: str, title: str) -> tuple[str, list[str]]:
    """The template's text filled in for a note of `title` made now, the date the computer's day
    in ISO form (2026-12-06, as Today's note is titled) and the time HH:MM; and the placeholders
    it does not know, as typed, each once."""
    now = timezone.localtime()
    values = {"date": now.date().isoformat(), "time": now.strftime("%H:%M"), "title": title}
    unknown = {}

    def fill(match: re.Match) -> str:
        if match[1].strip() in values:
            return values[match[1].strip()]
        unknown[match[0]] = None
        return match[0]

    return PLACEHOLDER.sub(fill, template), list(unknown)


def filled_templates(owner, title: str) -> list[dict]:
    """The owner's templates out of the trash (the first page's most, in the list's order), each
    filled in for a note of `title`: what Edit › Insert template… offers."""
    notes = (
        Note.objects.owned_by(owner).filter(tags__name=TEMPLATE_TAG, trashed_at__isnull=True)
        .order_by("-pinned", "-updated", "-id").values_list("pk", "title", "body")[:MAX_PAGE_SIZE]
    )
    filled = []
    for pk, template_title, body in notes:
        text, unknown = filled_in(body, title)
        filled.append({"id": pk, "title": template_title, "text": text, "unknown": unknown})
    return filled
