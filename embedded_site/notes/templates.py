"""Templates: notes tagged `template` (docs/desktop.md). The page fills them in as it inserts
them (ui/static/js/notes/templates.js); the server fills in the one titled "Daily note" as it
makes Today's note, in the same way: {{date}}, {{time}} and {{title}}, any other left as typed."""

import re

from django.utils import timezone

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
    if template is None:
        return ""
    now = timezone.localtime()
    values = {"date": now.date().isoformat(), "time": now.strftime("%H:%M"), "title": title}
    return PLACEHOLDER.sub(lambda match: values.get(match[1].strip(), match[0]), template)
