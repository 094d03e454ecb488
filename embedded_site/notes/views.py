"""The notes JSON API (docs/api.md). Errors answer through api.ApiError."""

import tempfile

from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from django_desktop_shell.media import file_response
from embedded_site.notes import days, editing, links, search, search_query, templates
from embedded_site.notes.api import ApiError, api_view, json_object, read_snapshot, valid
from embedded_site.notes.attachments import attached_files, delete_attachment, store_attachment
from embedded_site.notes.exporting import ExportError, export_json, export_markdown
from embedded_site.notes.forms import (
    AttachmentForm,
    ExportForm,
    ImportForm,
    NoteChangeForm,
    NoteDeleteForm,
    NoteCreateForm,
    NoteQueryForm,
    PreviewForm,
    TemplateQueryForm,
)
from embedded_site.notes.importing import ImportFileError, import_notes, imports_folder, read_import_file
from embedded_site.notes.markdown import render_markdown
from embedded_site.notes.models import Attachment, Note, OwnerNoteCount, Tag, TagNoteCount
from embedded_site.notes.progress import run_to_completion
from embedded_site.notes.serialize import attachment_payload, note_payload, note_with_relations, payloads
from embedded_site.notes.tagging import NoteTags
from embedded_site.notes.trash import purge_notes
from django_desktop_shell.uploads import upload_view

EXPORTS = {
    "json": (export_json, "json", "application/json"),
    "markdown": (export_markdown, "zip", "application/zip"),
}
# An export stays in memory up to this size, then spills into a temporary file.
EXPORT_MEMORY_SIZE = 8 * 1024 * 1024


def existing_note(owner, note_id: int) -> Note:
    note = note_with_relations(Note.objects.owned_by(owner).filter(pk=note_id))
    if note is None:
        raise ApiError(404, f"There is no note {note_id}.")
    return note


@require_http_methods(["GET", "POST"])
@api_view
def note_collection(request):
    if request.method == "POST":
        note, created = editing.create_note(request.user, valid(NoteCreateForm(json_object(request))))
        return JsonResponse(note_payload(existing_note(request.user, note.pk)), status=201 if created else 200)
    return JsonResponse(note_list(request.user, valid(NoteQueryForm(request.GET))))


@require_POST
@api_view
def todays_note(request):
    note, created = editing.todays_note(request.user)
    return JsonResponse(note_payload(existing_note(request.user, note.pk)), status=201 if created else 200)


@require_GET
@api_view
def neighbouring_day_note(request, day: str, step: int):
    """The note of the nearest day before (step -1) or after (step 1) `day` that has one."""
    start = days.titled_day(day)
    if start is None:
        raise ApiError(400, f"{day!r} is not a day: write it year-month-day, as 2026-12-06.")
    found = days.neighbouring_day_note(request.user, start, step)
    if found is None:
        raise ApiError(404, f"No day {'before' if step < 0 else 'after'} {day} has a note.")
    return JsonResponse(note_payload(existing_note(request.user, found[1].pk)))


@require_GET
@api_view
def filled_templates(request):
    """The templates, each filled in for a note titled `title` (Edit › Insert template…)."""
    title = valid(TemplateQueryForm(request.GET))["title"]
    return JsonResponse({"templates": templates.filled_templates(request.user, title)})


LIST_ORDER = ("-pinned", "-updated", "-id")


def note_list(owner, query: dict) -> dict:
    if query["q"]:
        return search_results(owner, query)
    start, end = query["offset"], query["offset"] + query["limit"]
    if query["tag"]:
        page, total = tagged_page(owner, query, start, end)
    else:
        notes = filtered_notes(owner, query)
        page = notes.order_by(*LIST_ORDER)[start:end]
        total = notes.count() if query["pinned"] is not None else counted_notes(owner, query["trashed"])
    return {"notes": payloads(owner, list(page.values_list("pk", flat=True))), "total": total}


def counted_notes(owner, trashed: bool) -> int:
    """How many notes the owner has in the trash or out of it, as the database's triggers keep it."""
    counts = OwnerNoteCount.objects.filter(owner_id=owner.pk).values_list("trashed" if trashed else "live", flat=True)
    return counts.first() or 0


def tagged_page(owner, query: dict, start: int, end: int) -> tuple[QuerySet, int]:
    """A page of a tag's notes, and how many there are, read the way that scales with the tag.

    The list's index, read in the list's order and each note's tags checked, gives a page after
    reading (page's end × notes ÷ the tag's notes) entries: a few dozen for a common tag, every
    note for a rare one (5 s at a million notes). The tag's own notes, looked up and sorted,
    cost as many lookups as the tag has notes. The page takes whichever reads less. The count
    is the tag's count (TagNoteCount) less its trashed notes (few), rather than a lookup of each
    note; with a pinning filter, the tag's links among the pinned notes (or the trash's), a set
    read from an index, each of the tag's links looked up in it (pinned notes of a tag of 64,000
    at a million notes: 161 → 25 ms; the notes looked up one by one had each read its row)."""
    tag = Tag.objects.owned_by(owner).filter(name=query["tag"]).values_list("pk", flat=True).first()
    if tag is None:
        return Note.objects.none(), 0
    carried = NoteTags.objects.filter(tag_id=tag)
    carried_count = TagNoteCount.objects.filter(tag_id=tag).values_list("notes", flat=True).first() or 0
    notes = filtered_notes(owner, query)
    if query["pinned"] or (query["pinned"] is not None and query["trashed"]):
        total = carried.filter(note_id__in=notes.values("pk")).count()
    else:
        trashed = trashed_tag_counts(owner).get(tag, 0)
        if query["pinned"] is None:
            total = trashed if query["trashed"] else carried_count - trashed
        else:  # the unpinned notes, nearly all of them: the tag's less its pinned ones
            pinned = filtered_notes(owner, {**query, "pinned": True})
            total = carried_count - trashed - carried.filter(note_id__in=pinned.values("pk")).count()
    notes_at_most = Note.objects.aggregate(last=Max("pk"))["last"] or 0  # the highest id: read at once, never too few
    if end * notes_at_most <= carried_count * carried_count:
        page = notes.filter(tags__name=query["tag"])  # SQLite reads the list's index, in order
    else:
        page = notes.filter(pk__in=carried.values("note_id"))  # SQLite starts from the tag's notes
    return page.order_by(*LIST_ORDER)[start:end], total


def search_results(owner, query: dict) -> dict:
    """`q` read with its operators (search_query.py), which add to the query's own filters."""
    parsed = search_query.parse(query["q"])
    query = {
        **query,
        "trashed": query["trashed"] if parsed.trashed is None else parsed.trashed,
        "pinned": query["pinned"] if parsed.pinned is None else parsed.pinned,
    }
    tags = [*([query["tag"]] if query["tag"] else []), *parsed.tags]
    if not parsed.positive:
        return filtered_results(owner, query, parsed, tags)
    within, outside = search_scope(owner, {**query, "tag": tags[0] if tags else ""})
    within += [tagged_ids(owner, tag) for tag in tags[1:]]
    outside += [tagged_ids(owner, tag) for tag in parsed.excluded_tags]
    for period in parsed.periods:
        (outside if period.negated else within).append(Note.objects.owned_by(owner).filter(**period.lookups).values("pk"))
    found = search.engine().search_page(parsed, within, outside, query["limit"], query["offset"])
    return {
        "notes": [{**payload, "snippet": found.snippets[payload["id"]], "marked_title": found.titles[payload["id"]]}
                  for payload in payloads(owner, found.ids)],
        "total": found.total,
        "total_exact": found.total_exact,
        "index": found.index,
    }


def tagged_ids(owner, tag: str) -> QuerySet:
    """The ids of the owner's notes with the tag (tags are per owner: their tag is theirs alone)."""
    return NoteTags.objects.filter(tag__in=Tag.objects.owned_by(owner).filter(name=tag)).values("note_id")


def filtered_results(owner, query: dict, parsed: search_query.Query, tags: list[str]) -> dict:
    """A query of operators and left-out terms only: the list's order, the rest filtered out. With
    one tag at most and nothing left out, the list itself, read as the sidebar's filters read it,
    its count exact (`tag:work` alone at a million notes: 332 ms with each note's tags looked up and
    every one counted). Otherwise counted as a search counts, up to COUNT_AHEAD past the page:
    `-meeting` at a million notes counted 820,000 notes in 790 ms."""
    if len(tags) <= 1 and not parsed.excluded_tags and not parsed.negative and not parsed.periods:
        listed = note_list(owner, {**query, "q": "", "tag": tags[0] if tags else ""})
        total, total_exact = listed["total"], True
    else:
        notes = filtered_notes(owner, query)
        for tag in tags:
            notes = notes.filter(pk__in=tagged_ids(owner, tag))
        for tag in parsed.excluded_tags:
            notes = notes.exclude(pk__in=tagged_ids(owner, tag))
        for period in parsed.periods:
            notes = notes.exclude(**period.lookups) if period.negated else notes.filter(**period.lookups)
        if parsed.negative:
            notes = notes.exclude(pk__in=search.engine().excluded_notes(parsed))
        start, end = query["offset"], query["offset"] + query["limit"]
        listed = {"notes": payloads(owner, list(notes.order_by(*LIST_ORDER)[start:end].values_list("pk", flat=True)))}
        counted = end + search_query.COUNT_AHEAD
        found = notes[: counted + 1].count()
        total, total_exact = min(found, counted), found <= counted
    return {
        "notes": [{**payload, "snippet": search_query.start_of_body(payload["body"])} for payload in listed["notes"]],
        "total": total,
        "total_exact": total_exact,
        "index": "none",
    }


def search_scope(owner, query: dict) -> tuple[list[QuerySet], list[QuerySet]]:
    """The filters of a query as sets of note ids that a search keeps (those in every
    one) and leaves out (those in any): the owner's notes, the trash, the pinned notes, a tag's notes."""
    # Other people's notes are left out rather than the owner's kept: on the desktop there are none.
    others = Note.objects.owned_by_others_than(owner).values("pk")
    owned = Note.objects.owned_by(owner)
    trash = owned.filter(trashed_at__isnull=False).values("pk")
    within, outside = ([trash], [others]) if query["trashed"] else ([], [trash, others])
    if query["pinned"] is not None:
        # Only those on the searched side of the trash, which an index finds: notes_listing in the
        # trash, the partial index of 0011 outside it (whose condition has `pinned`, as Django writes it).
        pinned = owned.filter(trashed_at__isnull=not query["trashed"], pinned=True).values("pk")
        (within if query["pinned"] else outside).append(pinned)
    if query["tag"]:
        within.append(tagged_ids(owner, query["tag"]))
    return within, outside


def filtered_notes(owner, query: dict) -> QuerySet:
    """The owner's notes in the trash or out of it, pinned or not: the filters of a query but its tag."""
    notes = Note.objects.owned_by(owner).filter(trashed_at__isnull=not query["trashed"])
    if query["pinned"] is not None:
        # IN: Django writes `pinned = true` as a bare "pinned", which no column of an index serves.
        notes = notes.filter(pinned__in=[query["pinned"]])
    return notes


@require_http_methods(["GET", "PATCH", "DELETE"])
@api_view
def note_detail(request, note_id):
    note = existing_note(request.user, note_id)
    if request.method == "PATCH":
        return change_note(request, note)
    if request.method == "DELETE":
        return delete_note(request, note)
    return JsonResponse(note_payload(note))


def change_note(request, note: Note) -> JsonResponse:
    """A trashed note is not changed: an edit saved into it would vanish from the person's notes
    with it, and be purged with it. Trashing (and restoring) moves the version on, so a note
    trashed after this check still fails the version check below, and is answered as trashed."""
    outside_the_trash(note)
    current = {
        "title": note.title,
        "body": note.body,
        "pinned": note.pinned,
        "tags": note.sorted_tags,
    }
    changes = valid(NoteChangeForm({**current, **json_object(request)}))
    unchanged = all(changes[name] == value for name, value in current.items() if name != "tags") \
        and sorted(changes["tags"]) == sorted(current["tags"])
    if unchanged and changes["version"] == note.version:  # nothing to write: the version stays, others' saves still fit
        return JsonResponse(note_payload(note))
    reason = "conflict" if changes["resolves_conflict"] else "edit"
    if not editing.update_note(request.user, note.pk, changes["version"], changes, reason):
        now = untrashed_note(request.user, note.pk)
        raise ApiError(
            409, "This note was changed elsewhere since you opened it. Nothing was saved.", current=note_payload(now)
        )
    return JsonResponse(note_payload(existing_note(request.user, note.pk)))


def outside_the_trash(note: Note) -> Note:
    """The note; or, if it is in the trash, a 409 saying so, with the note as `current`."""
    if note.trashed_at is not None:
        raise ApiError(
            409, "This note is in the trash, so nothing was saved. Restore it to edit it.", current=note_payload(note)
        )
    return note


def untrashed_note(owner, note_id: int) -> Note:
    """The note, if it is outside the trash: a trashed one is a 409, as for an edit; a missing one
    a 404. Called inside the transaction of a write (IMMEDIATE: it holds the write
    lock), the note cannot go to the trash between this check and that write."""
    return outside_the_trash(existing_note(owner, note_id))


def delete_note(request, note: Note) -> HttpResponse:
    if not valid(NoteDeleteForm(request.GET))["purge"]:
        editing.move_to_trash(request.user, note.pk)
        return JsonResponse(note_payload(existing_note(request.user, note.pk)))
    if not purge_notes(Note.objects.owned_by(request.user).filter(pk=note.pk, trashed_at__isnull=False)):
        raise ApiError(409, "Only a note in the trash can be deleted for good. Move it to the trash first.")
    return HttpResponse(status=204)


@require_POST
@api_view
def restore_note(request, note_id):
    editing.restore_from_trash(request.user, existing_note(request.user, note_id).pk)
    return JsonResponse(note_payload(existing_note(request.user, note_id)))


@require_POST
@api_view
@upload_view("NOTEDESK_MAX_ATTACHMENT_SIZE")
def upload_attachment(request, note_id):
    """Like an edit, an attachment is refused on a trashed note: checked before the file is
    written, and again with the row's write, in case the note went to the trash meanwhile (the
    file is then deleted)."""
    note = untrashed_note(request.user, note_id)
    upload = valid(AttachmentForm(request.POST, request.FILES))["file"]
    attachment = store_attachment(note, upload, check=lambda: untrashed_note(request.user, note_id))
    return JsonResponse(attachment_payload(attachment), status=201)


@require_http_methods(["DELETE"])
@api_view
def note_attachment(request, note_id, attachment_id):
    with transaction.atomic():  # IMMEDIATE: the note cannot be trashed between the check and the delete
        # By pk alone: Django keeps an out-of-range pk from reaching SQLite, not a note_id.
        attachment = Attachment.objects.owned_by(request.user).filter(pk=attachment_id).first()
        if attachment is None or attachment.note_id != note_id:
            raise ApiError(404, f"Note {note_id} has no attachment {attachment_id}.")
        untrashed_note(request.user, note_id)
        delete_attachment(attachment)
    return HttpResponse(status=204)


@require_http_methods(["DELETE"])
@api_view
def empty_trash(request):
    """Every note in the trash deleted for good, with its attachment files, as ?purge=1 does one."""
    return JsonResponse({"deleted": purge_notes(Note.objects.owned_by(request.user).filter(trashed_at__isnull=False))})


@require_GET
@api_view
def attachment_file(request, attachment_id):
    attachment = Attachment.objects.owned_by(request.user).filter(pk=attachment_id).first()
    if attachment is None:
        raise ApiError(404, f"There is no attachment {attachment_id}.")
    try:
        file = attachment.file.open("rb")
    except FileNotFoundError:
        raise ApiError(
            404, f"The file of attachment {attachment_id} is missing from the data folder."
        ) from None
    return file_response(request, file, attachment.name)


@require_POST
@api_view
def preview(request):
    asked = valid(PreviewForm(json_object(request)))
    files = attached_files(request.user, asked["note"]) if asked["note"] else {}
    return JsonResponse({"html": render_markdown(asked["body"], links.preview_targets(request.user, asked["body"]), files)})


@require_GET
@api_view
def tag_counts(request):
    return JsonResponse({"tags": tag_list(request.user)})


def tag_list(owner) -> list[dict]:
    # Each tag's count as the triggers keep it, less its notes in the trash: counting every
    # tagged note took 190 ms at a million notes.
    tags = (
        TagNoteCount.objects.filter(tag__owner_id=owner.pk, notes__gt=0)
        .order_by("tag__name")
        .values_list("tag_id", "tag__name", "notes")
    )
    in_trash = trashed_tag_counts(owner)
    return [{"name": name, "count": count} for pk, name, notes in tags if (count := notes - in_trash.get(pk, 0))]


def trashed_tag_counts(owner) -> dict[int, int]:
    """How many of the owner's notes in the trash carry each tag, by tag id: counted from the
    trash's side, which is small, where the kept counts (TagNoteCount) include the trash."""
    trash = Note.objects.owned_by(owner).filter(trashed_at__isnull=False).values("pk")
    return dict(NoteTags.objects.filter(note_id__in=trash).order_by().values_list("tag_id").annotate(Count("pk")))


def first_page(owner) -> dict:
    """What the app's page shows first, as GET /api/notes/ and GET /api/tags/ answer it: the page
    carries it, so that its first paint is its list, without two requests after it loads."""
    with read_snapshot():
        return {"notes": note_list(owner, valid(NoteQueryForm({}))), "tags": tag_list(owner)}


@require_GET
@api_view
def export_notes(request):
    export, extension, content_type = EXPORTS[valid(ExportForm(request.GET))["format"]]
    file = tempfile.SpooledTemporaryFile(max_size=EXPORT_MEMORY_SIZE)
    try:
        run_to_completion(export(request.user, file))
    except ExportError as error:
        raise ApiError(409, str(error)) from None
    file.seek(0)
    filename = f"notedesk-{timezone.localdate():%Y-%m-%d}.{extension}"
    return FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)


@require_POST
@api_view
@upload_view("NOTEDESK_MAX_IMPORT_SIZE")
def import_file(request):
    from embedded_site.notes.foreign_import import (
        ForeignSource, attach_to_waiting_notes, is_notion_or_keep_zip, read_markdown_source,
    )

    upload = valid(ImportForm(request.POST, request.FILES))["file"]
    changed = ForeignSource()
    with tempfile.TemporaryFile(dir=imports_folder()) as spool:
        try:
            if is_notion_or_keep_zip(upload):  # another app's, which Import… takes as the jobs' import does
                changed = read_markdown_source(upload)
                records = changed.records
            else:
                records = read_import_file(upload, spool, changed.skipped)
            result = run_to_completion(import_notes(request.user, records, in_batches=False))
            notes_made, notes_given_files, files_given = attach_to_waiting_notes(request.user, changed)
        except ImportFileError as error:
            raise ApiError(400, str(error), fields={"file": [str(error)]}) from None
    return JsonResponse({
        "created": result.created + notes_made, "updated": result.updated + notes_given_files, "unchanged": result.unchanged,
        "attachments": result.attachments + files_given, **(changed.result() if changed.skipped else {}),
    })
