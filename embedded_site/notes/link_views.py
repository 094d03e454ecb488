"""Links between notes over the API (docs/api.md): backlinks, the notes linking to a title, the
`[[` completion, and pointing links at a renamed note."""

from django import forms
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from embedded_site.notes import editing, links
from embedded_site.notes.api import api_view, json_object, valid
from embedded_site.notes.forms import NoteTextField, is_positive
from embedded_site.notes.models import TITLE_MAX_LENGTH, Note, title_key
from embedded_site.notes.views import existing_note, untrashed_note


class NoteIdListField(forms.CharField):
    """`3,5,8` in a query string: notes by their ids, at most links.MAX_COMPLETIONS."""

    default_error_messages = {
        "invalid": "Enter the notes' ids, whole numbers separated by commas (3,5,8).",
        "too_many": f"Ask for at most {links.MAX_COMPLETIONS} notes.",
    }

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return []
        pieces = text.split(",")
        # Digits past 2**62's 19 are no id, and int() raises at 4,300 of them.
        if not all(piece.isascii() and piece.isdigit() and len(piece) <= 19 and is_positive(int(piece)) for piece in pieces):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(pieces) > links.MAX_COMPLETIONS:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        return [int(piece) for piece in pieces]


class CompletionForm(forms.Form):
    q = forms.CharField(required=False, max_length=TITLE_MAX_LENGTH, strip=False, label="Title")
    limit = forms.IntegerField(required=False, min_value=1, max_value=links.MAX_COMPLETIONS)
    each = forms.BooleanField(required=False)  # Go to note: each note, not each title a link can name
    ids = NoteIdListField(required=False, label="Note ids")  # Go to note with nothing typed: the notes opened last

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ids") and cleaned.get("q"):
            self.add_error("ids", "Ask for notes by their ids or by a title's text (q), not both.")
        return cleaned


class TitleField(NoteTextField):
    """A note's title, as a link names it: not only spaces. Text only (in a JSON body, a string)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=TITLE_MAX_LENGTH, **kwargs)

    def validate(self, value):
        super().validate(value)
        if not title_key(value):
            raise forms.ValidationError("Enter a title.", code="required")


class TitleForm(forms.Form):
    title = TitleField()


class RelinkForm(forms.Form):
    """The note's former title: the links to it are pointed at the note's title now."""

    former_title = TitleField()


@require_GET
@api_view
def backlinks(request, note_id):
    return JsonResponse(links.backlinks(request.user, existing_note(request.user, note_id)))


@require_GET
@api_view
def title_links(request):
    """The notes outside the trash that link to a title (before a rename: how many to update)."""
    title = valid(TitleForm(request.GET))["title"]
    rows = links.linking_notes(request.user, title_key(title))
    return JsonResponse({"notes": links.link_payloads(rows), "total": rows.count()})


@require_GET
@api_view
def title_completions(request):
    query = valid(CompletionForm(request.GET))
    if query["ids"]:
        return JsonResponse({"titles": links.titles_of(request.user, query["ids"])})
    limit = query["limit"] or 8
    titles = links.completions(request.user, query["q"], limit, query["each"])
    if not query["each"]:
        return JsonResponse({"titles": titles})
    titles += links.untitled_matching(request.user, query["q"], limit - len(titles))
    return JsonResponse({"titles": links.for_go_to_note(request.user, titles)})


@require_POST
@api_view
def relink(request, note_id):
    """Every `[[former title]]` in the notes outside the trash becomes `[[title now]]` (shown text
    kept); each note changed is a new version of it, keeping a revision."""
    former = valid(RelinkForm(json_object(request)))["former_title"]
    changed = []
    with transaction.atomic():  # IMMEDIATE: the notes cannot change between the read and the writes
        note = untrashed_note(request.user, note_id)
        key = title_key(former)
        if key != note.title_key:
            linking = links.linking_notes(request.user, key).values("source_id")
            sources = Note.objects.owned_by(request.user).filter(pk__in=linking).prefetch_related("tags")
            files = links.attachment_keys([source.pk for source in sources])
            for source in sources:
                body = links.rewritten(source.body, key, note.title, files.get(source.pk, frozenset()))
                fields = {
                    "title": source.title, "body": body, "pinned": source.pinned,
                    "tags": [tag.name for tag in source.tags.all()],
                }
                if body != source.body and editing.update_note(request.user, source.pk, source.version, fields, "relink"):
                    changed.append(source.pk)
    return JsonResponse({"updated": len(changed), "notes": changed})
