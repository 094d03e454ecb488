from django.conf import settings
from django.db import models
from django.utils import timezone

from embedded_site.notes.models import OwnedQuerySet

DEVICE_NAME_MAX_LENGTH = 100


class Device(models.Model):
    """A desktop that syncs with the server, by a token of its own (tokens.py): only the token's
    SHA-256 is kept, so the database never holds a token that works."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=DEVICE_NAME_MAX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    def __str__(self):
        return self.name
