"""Fill the database with realistic demo notes, for benchmarks: `seed_demo_notes 100000`."""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from embedded_site.notes.models import Note
from embedded_site.notes.owners import local_owner
from embedded_site.notes.tagging import set_tags

BATCH_SIZE = 1000
PINNED_SHARE = 0.03
SPREAD = timedelta(days=3 * 365)

WORDS = """
the a an and or but so of to in on at for with from by about into over after before under
between through during without again then once here there when where why how all any both each
few more most other some such only own same than too very can will just should now meeting
project plan idea list notes draft review budget client team design launch release deadline
follow up call email report summary question answer decision risk issue task goal week month
quarter year morning evening today tomorrow yesterday monday friday weekend trip flight hotel
train ticket booking passport museum beach mountain hike garden kitchen recipe dinner lunch
breakfast coffee tea bread pasta soup salad chicken rice garlic onion tomato lemon butter
cheese book chapter author quote film series music album concert guitar piano lesson course
exam study research paper experiment data model chart server database backup upgrade bug fix
test deploy feature branch merge commit script config password account invoice payment tax
rent insurance doctor appointment dentist pharmacy gym run swim bike yoga sleep health habit
family friend birthday gift party wedding holiday anniversary school teacher homework parent
child dog cat vet walk park city street river lake forest island bridge harbour market shop
price cost order delivery package address phone number update change improve remember forget
check confirm cancel schedule move share write read watch listen buy sell pay send call ask
tell think feel try start finish keep need want like love hate maybe probably definitely
important urgent later soon quickly slowly carefully simple complex new old big small long
short early late first last next previous good better best bad worse great nice quiet busy
zebra giraffe elephant penguin dolphin falcon otter badger heron walrus
""".split()

TAGS = """
work personal ideas todo reading recipes travel health finance family projects meetings
journal learning music films shopping garden fitness home research writing code design
archive someday urgent
""".split()


# Some notes have a line in a script written without spaces, or emoji (searched through the
# trigram index). Drawn from a random stream of their own, so the rest of each note is as before.
OTHER_SCRIPTS = """
今日は東京で会議がありました。
来週の出張の準備をする。
会議の議事録を共有してください。
新しいプロジェクトの締め切りは金曜日です。
週末に京都へ旅行します。
买牛奶和面包。
明天下午开会讨论预算。
项目进度报告已经发送。
서울에서 친구를 만났습니다.
วันนี้มีประชุมตอนบ่าย
""".split()
EMOJI = ["🎉", "☕", "✅", "🚀", "📅", "👍", "🔥", "❤️", "🙂", "📝"]
OTHER_SCRIPT_SHARE = 0.03
EMOJI_SHARE = 0.05


class DemoNotes:
    """Random but plausible notes: short lists, long drafts, most somewhere in between."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.extras = random.Random(seed * 7919 + 1)
        self.now = timezone.now()

    def words(self, count: int) -> list[str]:
        return self.random.choices(WORDS, k=count)

    def sentence(self) -> str:
        text = " ".join(self.words(self.random.randint(4, 16)))
        return text[0].upper() + text[1:] + self.random.choice(".....?!")

    def list_item(self) -> str:
        return "- " + " ".join(self.words(self.random.randint(1, 6)))

    def paragraph(self) -> str:
        if self.random.random() < 0.2:
            return "\n".join(self.list_item() for _ in range(self.random.randint(2, 7)))
        return " ".join(self.sentence() for _ in range(self.random.randint(1, 6)))

    def body(self) -> str:
        # Paragraph counts from an exponential distribution: many short notes, a long tail.
        paragraphs = min(int(self.random.expovariate(1 / 2.5)), 40)
        return "\n\n".join(self.paragraph() for _ in range(paragraphs))

    def title(self) -> str:
        return " ".join(self.words(self.random.randint(1, 7))).capitalize()

    def note(self) -> tuple[Note, list[str]]:
        created = self.now - SPREAD * self.random.random()
        updated = created + (self.now - created) * self.random.random() ** 3
        body = self.body()
        if self.extras.random() < OTHER_SCRIPT_SHARE:
            body += "\n\n" + self.extras.choice(OTHER_SCRIPTS)
        if self.extras.random() < EMOJI_SHARE:
            body += " " + "".join(self.extras.choices(EMOJI, k=self.extras.randint(1, 3)))
        note = Note(
            title=self.title(),
            body=body,
            pinned=self.random.random() < PINNED_SHARE,
            created=created,
            updated=updated,
        )
        tags = self.random.sample(TAGS, k=self.random.choice((0, 1, 1, 1, 2, 2, 3, 4)))
        return note, tags


class Command(BaseCommand):
    help = "Add N realistic demo notes (titles, bodies, tags, some pinned) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many notes to add")
        parser.add_argument("--seed", type=int, default=1, help="random seed, for the same notes every time")
        parser.add_argument("--owner", help="whose notes they are (a user name); by default the desktop's local owner")

    def handle(self, *args, count, seed, owner, **options):
        started = time.perf_counter()
        demo = DemoNotes(seed)
        owner = get_user_model().objects.get(username=owner) if owner else local_owner()
        with transaction.atomic():
            for start in range(0, count, BATCH_SIZE):
                batch = [demo.note() for _ in range(min(BATCH_SIZE, count - start))]
                for note, _ in batch:
                    note.owner = owner
                notes = Note.objects.bulk_create(note for note, _ in batch)
                set_tags(owner, {note.pk: tags for note, (_, tags) in zip(notes, batch)})
        self.stdout.write(f"Added {count} demo notes in {time.perf_counter() - started:.1f} s.")
