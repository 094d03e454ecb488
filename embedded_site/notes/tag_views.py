"""Tags over the API (docs/api.md): renaming one (onto an existing tag: merging them), deleting
one, and undoing either.

Only notes outside the trash are changed, as by any edit (views.change_note refuses to write into
a trashed note) and by a rename's relink: a note in the trash keeps its tags, and has them back if
it is restored. Each note changed is a new version of it, keeping a revision (`tags`), all in one
transaction, through editing.update_note: sync sees each as changed.
"""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import JsonResponse
from django.views.decorators.http import require_http_methods, require_POST

from embedded_site.notes import editing
from embedded_site.notes.api import ApiError, api_view, json_object, valid
from embedded_site.notes.forms import JsonTyped, TagNameField, is_positive
from embedded_site.notes.models import Note, Revision, Tag
from embedded_site.notes.tagging import normalise_tag


class TagRenameForm(forms.Form):
    name = TagNameField()


class NoteVersionsField(JsonTyped, forms.Field):
    """`[{"id": 3, "version": 5}, …]`, as a rename or delete answers its `notes`: {id: version}."""

    default_error_messages = {"wrong_type": 'Enter a list of {"id", "version"} objects, as a change of tags answers.'}
    json_type = list

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return {}
        if not all(isinstance(item, dict) and is_positive(item.get("id")) and is_positive(item.get("version")) for item in value):
            raise ValidationError(self.error_messages["wrong_type"], code="wrong_type")
        return {item["id"]: item["version"] for item in value}


class TagUndoForm(forms.Form):
    notes = NoteVersionsField()


def existing_tag(owner, name: str) -> Tag:
    tag = Tag.objects.owned_by(owner).filter(name=normalise_tag(name)).first()
    if tag is None:
        raise ApiError(404, f"There is no tag “{normalise_tag(name)}”.")
    return tag


def retag(owner, notes: QuerySet, new_tags: Callable[[Note, list[str]], list[str] | None]) -> list[dict]:
    """Give each of the owner's `notes` outside the trash the tags `new_tags(note, its tags)`
    returns (None: leave it), as a new version keeping a revision. Call inside a transaction
    (IMMEDIATE: no note changes between the read and the writes). The notes changed, as
    `{"id", "version"}`."""
    changed = []
    untrashed = notes.owned_by(owner).filter(trashed_at__isnull=True)
    for note in untrashed.prefetch_related(Prefetch("tags", to_attr="tag_list")).order_by("pk"):
        tags = new_tags(note, [tag.name for tag in note.tag_list])
        fields = {"title": note.title, "body": note.body, "pinned": note.pinned, "tags": tags}
        if tags is not None and editing.update_note(owner, note.pk, note.version, fields, "tags"):
            changed.append({"id": note.pk, "version": note.version + 1})
    return changed


def tagged(tag: Tag) -> QuerySet:
    return Note.objects.filter(tags=tag)


@require_http_methods(["PATCH", "DELETE"])
@api_view
def tag_detail(request, name):
    if request.method == "PATCH":
        return rename_tag(request, name)
    with transaction.atomic():
        tag = existing_tag(request.user, name)
        changed = retag(request.user, tagged(tag), lambda note, tags: [kept for kept in tags if kept != tag.name])
    return JsonResponse({"updated": len(changed), "notes": changed})


def rename_tag(request, name) -> JsonResponse:
    """Onto a tag that exists already, the two merge: a note that had both keeps one."""
    new_name = valid(TagRenameForm(json_object(request)))["name"]
    with transaction.atomic():
        tag = existing_tag(request.user, name)
        merged = new_name != tag.name and Tag.objects.owned_by(request.user).filter(name=new_name).exists()
        changed = [] if new_name == tag.name else retag(
            request.user, tagged(tag), lambda note, tags: sorted({new_name if kept == tag.name else kept for kept in tags})
        )
    return JsonResponse({"name": new_name, "merged": merged, "updated": len(changed), "notes": changed})


@require_POST
@api_view
def undo_tag_change(request):
    """Each note named gets back the tags it had before a rename or delete of a tag (in the
    revision that change kept), if it is still at the version that change answered."""
    versions = valid(TagUndoForm(json_object(request)))["notes"]

    def tags_before(note: Note, tags: list[str]) -> list[str] | None:
        last = Revision.objects.filter(note=note).order_by("-pk").first()
        return last.tags if note.version == versions[note.pk] and last and last.reason == "tags" else None

    with transaction.atomic():
        changed = [note for part in Note.objects.in_parts_among(versions) for note in retag(request.user, part, tags_before)]
    return JsonResponse({"updated": len(changed), "notes": changed})
