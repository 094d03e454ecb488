"""The seed_demo_notes management command, for benchmarks."""

from django.core.management import call_command
from django.db.models import F

from embedded_site.notes.models import Note, Tag
from tests.notes.conftest import check_search_index


def test_seeding_adds_that_many_varied_searchable_notes(db, capsys):
    call_command("seed_demo_notes", "1500")
    assert Note.objects.count() == 1500
    assert "Added 1500 demo notes" in capsys.readouterr().out
    assert Note.objects.filter(pinned=True).exists() and Note.objects.filter(pinned=False).exists()
    assert Tag.objects.filter(notes__isnull=False).distinct().count() > 10
    body_lengths = sorted(len(body) for body in Note.objects.values_list("body", flat=True))
    assert body_lengths[0] < 100 < 2000 < body_lengths[-1]
    assert not Note.objects.filter(updated__lt=F("created")).exists()
    check_search_index()


def test_the_same_seed_gives_the_same_notes(db):
    call_command("seed_demo_notes", "20", "--seed", "7")
    first = list(Note.objects.order_by("id").values_list("title", "body"))
    Note.objects.all().delete()
    call_command("seed_demo_notes", "20", "--seed", "7")
    assert list(Note.objects.order_by("id").values_list("title", "body")) == first
