import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.utils import timezone

TITLE_MAX_LENGTH = 300
TAG_MAX_LENGTH = 50
ATTACHMENT_NAME_MAX_LENGTH = 255
# Ids a query carries at most: well under what a query may hold (SQLite's own builds: 32,766
# variables, Debian's 250,000; PostgreSQL's protocol: 65,535 parameters).
MOST_IDS_A_QUERY = 10_000


def attachment_storage() -> Storage:
    """Where attachment files go: the storage a server's settings name "attachments" (the file
    system or S3, server_settings.py); on the desktop, the data folder, never the (possibly
    read-only) app bundle."""
    if "attachments" in settings.STORAGES:
        return storages["attachments"]
    return FileSystemStorage(location=settings.DESKTOP_DATA_DIR / "attachments")


class OwnedQuerySet(models.QuerySet):
    """The one way every query of the notes app is scoped to a person: `Model.objects.owned_by(user)`.
    A note and a tag have an owner; an attachment, a revision and a link belong through their note."""

    owner_field = "owner"

    # By the owner's id: given a user object (the desktop's is lazy), Django's lookups would
    # inspect it at length, a few hundred microseconds a query.
    def owned_by(self, user) -> "OwnedQuerySet":
        return self.filter(**{f"{self.owner_field}_id": user.pk})

    def owned_by_others_than(self, user) -> "OwnedQuerySet":
        # Two ranges rather than `!=`, which no index serves: on the desktop both are empty.
        owner_id = f"{self.owner_field}_id"
        return self.filter(models.Q(**{f"{owner_id}__lt": user.pk}) | models.Q(**{f"{owner_id}__gt": user.pk}))

    def in_parts_among(self, ids) -> list["OwnedQuerySet"]:
        """These rows among `ids` (a list a client sends: up to 100,000 notes), as queries of at
        most MOST_IDS_A_QUERY ids each, in the ids' order."""
        ordered = sorted(set(ids))
        return [self.filter(pk__in=ordered[start : start + MOST_IDS_A_QUERY]) for start in range(0, len(ordered), MOST_IDS_A_QUERY)]


class ThroughNoteQuerySet(OwnedQuerySet):
    owner_field = "note__owner"


class LinkQuerySet(OwnedQuerySet):
    owner_field = "source__owner"


def title_key(title: str) -> str:
    """What titles are matched on, for links between notes: case-insensitively (Unicode case
    folding: "Straße" is "STRASSE"), with runs of spaces as one."""
    return " ".join(title.split()).casefold()


class TitleKeyField(models.CharField):
    """The note's title_key(title), set by every save() and bulk_create(); an update() or
    bulk_update() that writes the title must write it too (editing.py, links.index_notes)."""

    def pre_save(self, model_instance, add):
        value = title_key(model_instance.title)
        setattr(model_instance, self.attname, value)
        return value


class Tag(models.Model):
    # Indexed by the constraint below, which starts with it.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    name = models.CharField(max_length=TAG_MAX_LENGTH)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="notes_tag_name_per_owner")]

    def __str__(self):
        return self.name


class Note(models.Model):
    # Identity across export and import: ids are per database, the uid travels with the note.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    # Indexed only as the first column of the indexes below: an index of its own, which on the
    # desktop holds one value, could be chosen by SQLite (which has no statistics) over a better one.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    title_key = TitleKeyField(max_length=3 * TITLE_MAX_LENGTH, blank=True, default="", editable=False)
    body = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, related_name="notes", blank=True)
    pinned = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    trashed_at = models.DateTimeField(null=True, blank=True)
    # How many characters of the body the saves since its last revision removed (revisions.py);
    # null for none counted yet. Nullable so that adding it left the table as it was (no rebuild).
    removed_since_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        # A uid names a note within its owner's notes only: another person's uid touches nothing of theirs.
        constraints = [models.UniqueConstraint(fields=["uid", "owner"], name="notes_uid_per_owner")]
        indexes = [
            # The list's filter and order (read backwards: pinned first, newest first, then id).
            models.Index(fields=["owner", "trashed_at", "pinned", "updated"], name="notes_listing"),
            # Links by title and the `[[` completion: a title, or the titles starting with some text.
            models.Index(fields=["owner", "title_key"], name="notes_title_key"),
            # The first and last note made, which bound the previous and next day's walk (days.py).
            models.Index(fields=["owner", "trashed_at", "created"], name="notes_created"),
        ]

    def __str__(self):
        return self.title or f"Note {self.pk}"


class Journal(models.Model):
    """A person's day notes: Today's note gives each the uid of `base` with its day in the lowest
    bits (days.py), unlike anyone else's day notes, so that another person's exported journal
    imported meets none of them. The same on each of the person's devices: sync carries the
    server's (docs/sync.md)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+")
    base = models.UUIDField()


class OwnerNoteCount(models.Model):
    """How many notes an owner has out of the trash and in it, kept by the database's own triggers
    as notes are added, trashed, restored and deleted (migration 0014): the list's total is read,
    not counted (70 ms at a million notes, at every refresh of the list). The app never writes it."""

    owner_id = models.BigIntegerField(primary_key=True)
    live = models.BigIntegerField(default=0)
    trashed = models.BigIntegerField(default=0)


class TagNoteCount(models.Model):
    """How many notes carry a tag, in the trash or not, kept by the database's own triggers as tags
    are added to and taken from notes (migration 0014): the sidebar's counts are read, not counted
    (190 ms at a million notes). The app never writes it."""

    tag = models.OneToOneField(Tag, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    notes = models.BigIntegerField(default=0)


class Attachment(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="attachments")
    # What the person called the file, sanitised for display; the file on disk has a generated name.
    name = models.CharField(max_length=ATTACHMENT_NAME_MAX_LENGTH)
    file = models.FileField(storage=attachment_storage)
    size = models.PositiveBigIntegerField()
    # Of the file's content: sync sends each content once, and checks it on arrival (docs/sync.md).
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    created = models.DateTimeField(default=timezone.now)

    objects = ThroughNoteQuerySet.as_manager()

    def __str__(self):
        return self.name


class DiscardedFile(models.Model):
    """An attachment file whose row is gone, kept on a desktop while a backup of the database names
    it (attachments.discard_files)."""

    name = models.CharField(max_length=100, unique=True)  # Attachment.file's stored name


class Revision(models.Model):
    """A note as it was before a change that replaced it (revisions.py says when one is kept).

    The body is zlib-compressed, either whole (a keyframe, `base` empty) or with the body of
    `base`, the note's revision before it, as zlib's preset dictionary: consecutive versions of a
    note share most of their text, so such a revision takes tens of bytes.
    """

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    # The same revision on every device that syncs the note (docs/sync.md); looked up within its note.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    created = models.DateTimeField(default=timezone.now)  # when it was kept
    saved_at = models.DateTimeField()  # when the note got this text (its `updated` then)
    reason = models.CharField(max_length=20)
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    tags = models.JSONField(default=list)
    pinned = models.BooleanField(default=False)
    body = models.BinaryField()
    # Never looked up by: no index (reading a revision follows base from it to its keyframe).
    base = models.ForeignKey(
        "self", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)  # how many bases lead to a keyframe
    size = models.PositiveIntegerField()  # of the body, in UTF-8 bytes
    summary = models.CharField(max_length=200, blank=True)  # what changed since the revision before

    objects = ThroughNoteQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["created"], name="notes_revision_created")]


class NoteLink(models.Model):
    """A `[[Title]]` in a note's body (links.py), written with the body in the same transaction:
    the note it goes to is found by `target_key` (title_key of the title) when it is followed."""

    source = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="links")
    target_key = models.CharField(max_length=3 * TITLE_MAX_LENGTH)
    snippet = models.CharField(max_length=300)  # the body around the first such link, for backlinks

    objects = LinkQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target_key"], name="notes_link_once")]
        indexes = [models.Index(fields=["target_key"], name="notes_link_target")]


class NoteChange(models.Model):
    """The latest change of a note, for sync (changes.py): one row per note uid, kept after the
    note is purged as its tombstone. `seq` grows with every change of its owner's notes.

    A device keeps what the server acknowledged (acknowledged_seq, server_version); the server
    keeps the device change it applied last, to answer a replay the same (docs/sync.md)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note_uid = models.UUIDField()
    seq = models.BigIntegerField()
    purged = models.BooleanField(default=False)
    acknowledged_seq = models.BigIntegerField(default=0)
    server_version = models.PositiveIntegerField(null=True)
    # What the note's text was when last in step with the server (sync/client.py text_hash): a
    # conflict keeps this device's text as a copy only if it changed since.
    acknowledged_text = models.CharField(max_length=64, blank=True)
    # Whether it was pinned then: a pin changed here since goes onto the server's note in a
    # conflict. None where the device last synced the note before this was kept.
    acknowledged_pinned = models.BooleanField(null=True)
    # Its attachments then, [[sha256, name], …]: in a conflict, one added here goes onto the
    # server's note and one removed here comes off it, and one the server's lacks is not put back
    # unless it was added here. None where the device last synced the note before this was kept.
    acknowledged_attachments = models.JSONField(null=True)
    # Its text then in parts, {"title": hash, "body": hash, "tags": [names]}: a conflict whose two
    # sides changed different parts (or tags each) merges them instead of keeping a copy. None
    # where the device last synced the note before this was kept.
    acknowledged_parts = models.JSONField(null=True)
    applied_change = models.CharField(max_length=100, blank=True)
    applied_version = models.PositiveIntegerField(null=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "note_uid"], name="notes_change_once")]
        indexes = [
            models.Index(fields=["owner", "seq"], name="notes_change_seq"),  # a pull: seq > cursor
            # A device's pending changes, counted by its sidebar every few seconds: only those rows
            # (a count at 100,000 notes: 8.3 ms through the index above, 0.01 ms through this one).
            models.Index(
                fields=["owner", "seq"], name="notes_change_pending", condition=models.Q(seq__gt=models.F("acknowledged_seq"))
            ),
        ]


class ChangeCounter(models.Model):
    """The last change number handed out for an owner; its row is locked by each change until that
    commits, so changes commit in the order of their numbers and a cursor never skips one."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last = models.BigIntegerField(default=0)


class LaunchDay(models.Model):
    """A day, by the clock, on which the desktop app was launched (launch_days.py)."""

    day = models.DateField(unique=True)
