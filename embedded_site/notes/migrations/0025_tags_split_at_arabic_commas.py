"""A tag an older Notedesk kept with an Arabic comma (،) in its name becomes the tags between its
commas, as a tag from an import does (tagging.normalise_foreign_tags): typed on an Arabic or
Persian keyboard, 'عمل، منزل' had been one tag, which the Tags field now refuses, and each save
of a note carrying it (the page sends its tags with every save) was refused its tags.
"""

from django.db import migrations

from embedded_site.notes.tagging import normalise_foreign_tags


def split_tags(apps, schema_editor):
    Tag = apps.get_model("notes", "Tag")
    NoteTags = apps.get_model("notes", "Note").tags.through
    for joined in Tag.objects.filter(name__contains="،"):
        note_ids = list(NoteTags.objects.filter(tag_id=joined.pk).values_list("note_id", flat=True))
        for name in normalise_foreign_tags([joined.name]):
            tag, _ = Tag.objects.get_or_create(owner_id=joined.owner_id, name=name)
            NoteTags.objects.bulk_create([NoteTags(note_id=note_id, tag_id=tag.pk) for note_id in note_ids],
                                         ignore_conflicts=True)
        joined.delete()


class Migration(migrations.Migration):
    dependencies = [("notes", "0024_persian_letters_and_digits_folded")]

    operations = [migrations.RunPython(split_tags, migrations.RunPython.noop)]
