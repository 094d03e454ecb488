from django.db import models
from django.utils import timezone

from embedded_site.notes.models import Note


class OpenedFile(models.Model):
    """A file opened from outside (`notedesk FILE`, double-click, Open with) and the note it
    became: the same path with the same content opens that note again instead of a copy."""

    path = models.TextField()
    sha256 = models.CharField(max_length=64)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="opened_files")
    opened = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["path", "sha256"], name="opened_file_lookup")]
