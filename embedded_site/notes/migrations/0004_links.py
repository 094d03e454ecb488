"""Links between notes: each note's title_key (its title as links match it) and the links table,
both filled for the notes there are.

The column is added with ALTER TABLE rather than Django's AddField: on SQLite, AddField of a NOT
NULL column rebuilds the table, and that would drop the full-text index's triggers on it.
"""

import django.db.models.deletion
from django.db import migrations, models

import embedded_site.notes.models

BATCH_SIZE = 1000


def fill(apps, schema_editor):
    from embedded_site.notes.links import links_in
    from embedded_site.notes.models import title_key

    Note = apps.get_model("notes", "Note")
    NoteLink = apps.get_model("notes", "NoteLink")
    batch = []
    for note in Note.objects.only("title", "body").iterator(chunk_size=BATCH_SIZE):
        note.title_key = title_key(note.title)
        batch.append(note)
        NoteLink.objects.bulk_create(
            NoteLink(source_id=note.pk, target_key=key, snippet=snippet) for key, snippet in links_in(note.body).items()
        )
        if len(batch) == BATCH_SIZE:
            Note.objects.bulk_update(batch, ["title_key"])
            batch = []
    Note.objects.bulk_update(batch, ["title_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0003_revisions'),
    ]

    operations = [
        migrations.CreateModel(
            name='NoteLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target_key', models.CharField(max_length=900)),
                ('snippet', models.CharField(max_length=300)),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='notes.note')),
            ],
            options={
                'indexes': [models.Index(fields=['target_key'], name='notes_link_target')],
                'constraints': [models.UniqueConstraint(fields=('source', 'target_key'), name='notes_link_once')],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='note',
                    name='title_key',
                    field=embedded_site.notes.models.TitleKeyField(blank=True, default='', editable=False, max_length=900),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE notes_note ADD COLUMN title_key varchar(900) NOT NULL DEFAULT ''",
                    "ALTER TABLE notes_note DROP COLUMN title_key",
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='note',
            index=models.Index(fields=['title_key'], name='notes_title_key'),
        ),
    ]
