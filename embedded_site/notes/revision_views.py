"""Version history over the API (docs/api.md): a note's revisions, one of them whole, and
restoring one (itself a change that keeps a revision, so it can be undone)."""

from django import forms
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from embedded_site.notes import editing, revisions
from embedded_site.notes.api import ApiError, api_view, json_object, valid
from embedded_site.notes.forms import JsonIntegerField
from embedded_site.notes.models import Revision
from embedded_site.notes.serialize import note_payload
from embedded_site.notes.views import existing_note, untrashed_note

MAX_PAGE_SIZE = 500


class RevisionQueryForm(forms.Form):
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    offset = forms.IntegerField(required=False, min_value=0, max_value=10**9)


class RevisionRestoreForm(forms.Form):
    """The version of the note the person sees: the restore is refused if it changed since."""

    version = JsonIntegerField(min_value=1, max_value=2**62)


def existing_revision(owner, note_id: int, revision_id: int) -> Revision:
    revision = Revision.objects.owned_by(owner).filter(pk=revision_id).first()
    if revision is None or revision.note_id != note_id:
        raise ApiError(404, f"Note {note_id} has no revision {revision_id}.")
    return revision


@require_GET
@api_view
def revision_list(request, note_id):
    note = existing_note(request.user, note_id)
    query = valid(RevisionQueryForm(request.GET))
    start = query["offset"] or 0
    end = start + (query["limit"] or 100)
    kept = Revision.objects.filter(note=note).defer("body")
    page = kept.order_by("-created", "-pk")[start:end]
    return JsonResponse({
        "revisions": [revisions.revision_payload(revision) for revision in page],
        "total": kept.count(),
        "kept_days": revisions.kept_for().days,
    })


@require_GET
@api_view
def revision_detail(request, note_id, revision_id):
    existing_note(request.user, note_id)
    return JsonResponse(revisions.full_payload(existing_revision(request.user, note_id, revision_id)))


@require_POST
@api_view
def restore_revision(request, note_id, revision_id):
    """The revision's title, body and tags become the note's; what they replace is kept as a
    revision, named in `undo_revision`."""
    with transaction.atomic():  # IMMEDIATE: no change between the checks and the write
        note = untrashed_note(request.user, note_id)
        revision = existing_revision(request.user, note_id, revision_id)
        version = valid(RevisionRestoreForm(json_object(request)))["version"]
        fields = {
            "title": revision.title, "body": revisions.body_of(revision), "tags": revision.tags, "pinned": note.pinned,
        }
        if not editing.update_note(request.user, note.pk, version, fields, "revert"):
            raise ApiError(
                409, "This note was changed elsewhere since you opened it. Nothing was restored.",
                current=note_payload(existing_note(request.user, note.pk)),
            )
        undo = Revision.objects.owned_by(request.user).filter(note_id=note.pk).order_by("-pk").values_list("pk", flat=True).first()
    return JsonResponse({**note_payload(existing_note(request.user, note.pk)), "undo_revision": undo})
