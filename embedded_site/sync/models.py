from django.conf import settings
from django.db import models


class SyncCursor(models.Model):
    """A device's place in its owner's changes on the server: moved on in the transaction that
    applies the batch it ends (client.py), so a batch cut short is pulled again."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cursor = models.BigIntegerField(default=0)
    last_synced = models.DateTimeField(null=True)
