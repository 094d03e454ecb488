"""Give every note N demo revisions, for benchmarks: `seed_demo_revisions 50`.

Each revision is a few edits on from the one before (a sentence added, a word changed, now and
then a paragraph removed), kept through revisions.py as a save would keep it, a day apart.
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from embedded_site.notes import revisions
from embedded_site.notes.management.commands.seed_demo_notes import DemoNotes
from embedded_site.notes.models import Note, Revision


def edited(demo: DemoNotes, body: str) -> str:
    paragraphs = body.split("\n\n") if body else []
    roll = demo.random.random()
    if paragraphs and roll < 0.15:
        del paragraphs[demo.random.randrange(len(paragraphs))]
    elif paragraphs and roll < 0.6:
        index = demo.random.randrange(len(paragraphs))
        words = paragraphs[index].split(" ")
        words[demo.random.randrange(len(words))] = demo.words(1)[0]
        paragraphs[index] = " ".join(words)
    else:
        paragraphs.append(demo.sentence())
    return "\n\n".join(paragraphs)


class Command(BaseCommand):
    help = "Give every note N demo revisions (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="revisions per note")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        started = time.perf_counter()
        demo = DemoNotes(seed)
        now = timezone.now()
        alone = 0  # what the bodies would take compressed each on its own, for comparison
        with transaction.atomic():
            for note in Note.objects.order_by("pk").iterator(chunk_size=1000):
                state = {"title": note.title, "body": note.body, "tags": [], "pinned": note.pinned}
                previous, previous_body = None, None
                for number in range(count):
                    when = now - timedelta(days=count - number)
                    state = {**state, "body": edited(demo, state["body"]), "updated": when}
                    revision = revisions.new_revision(note.pk, "edit", state, previous, previous_body, when)
                    revision.save()
                    alone += len(revisions.compress(state["body"], None))
                    previous, previous_body = revision, state["body"]
        total = Revision.objects.count()
        self.stdout.write(
            f"Kept {total} revisions in {time.perf_counter() - started:.1f} s; "
            f"compressed each on its own, their bodies would take {alone} bytes."
        )
