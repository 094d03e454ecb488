"""A tag an older Notedesk kept with an Arabic comma (،) in its name becomes the tags between its
commas, as a tag from an import does (tagging.normalise_foreign_tags): typed on an Arabic or
Persian keyboard, 'عمل، منزل' had been one tag, which the Tags field now refuses, and each save
of a note carrying it (the page sends its tags with every save) was refused its tags.

Each note whose tags it split is a new version, changed now, and a change for sync (changes.py),
as a rename of a tag is: else the server and the other devices would keep the joined tag, and
this device's next pull would bring it back.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

from embedded_site.notes import changes
from embedded_site.notes.tagging import normalise_foreign_tags


def split_tags(apps, schema_editor):
    Tag = apps.get_model("notes", "Tag")
    Note = apps.get_model("notes", "Note")
    NoteTags = Note.tags.through
    retagged = set()
    for joined in Tag.objects.filter(name__contains="،"):
        note_ids = list(NoteTags.objects.filter(tag_id=joined.pk).values_list("note_id", flat=True))
        for name in normalise_foreign_tags([joined.name]):
            tag, _ = Tag.objects.get_or_create(owner_id=joined.owner_id, name=name)
            NoteTags.objects.bulk_create([NoteTags(note_id=note_id, tag_id=tag.pk) for note_id in note_ids],
                                         ignore_conflicts=True)
        joined.delete()
        retagged.update(note_ids)
    Note.objects.filter(pk__in=retagged).update(version=F("version") + 1, updated=timezone.now())
    changes.notes_changed(retagged, apps)


class Migration(migrations.Migration):
    dependencies = [("notes", "0024_persian_letters_and_digits_folded")]

    operations = [migrations.RunPython(split_tags, migrations.RunPython.noop)]
