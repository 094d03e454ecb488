"""The links table without a note's `[[…]]` that name its own attached files (links.py): they were
indexed as links to notes of those titles, so a rename of such a note rewrote them."""

from django.db import migrations


def reindex_notes_with_files(apps, schema_editor):
    from embedded_site.notes.links import file_key, links_in

    Note = apps.get_model("notes", "Note")
    NoteLink = apps.get_model("notes", "NoteLink")
    Attachment = apps.get_model("notes", "Attachment")
    files: dict[int, set[str]] = {}
    for note_id, name in Attachment.objects.values_list("note_id", "name").iterator():
        files.setdefault(note_id, set()).add(file_key(name))
    for note in Note.objects.filter(pk__in=list(files), body__contains="[[").only("body").iterator():
        wanted = links_in(note.body, frozenset(files[note.pk]))
        NoteLink.objects.filter(source_id=note.pk).exclude(target_key__in=list(wanted)).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("notes", "0011_pinned_notes_index"),
    ]

    operations = [
        migrations.RunPython(reindex_notes_with_files, migrations.RunPython.noop),
    ]
