from django.conf import settings
from django.db import models


class SyncCursor(models.Model):
    """A device's place in its owner's changes on the server: moved on in the transaction that
    applies the batch it ends (client.py), so a batch cut short is pulled again."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cursor = models.BigIntegerField(default=0)
    last_synced = models.DateTimeField(null=True)
    # The server's history the cursor is a place in (protocol.database_history): a new one means
    # the server was restored from an older copy, and the device starts afresh.
    history = models.CharField(max_length=40, blank=True)
    # The account the device's sync state is about (each note's server version and the text last in
    # step), as the server names it (protocol.account_id, client.same_account). Empty: not known yet.
    account = models.CharField(max_length=100, blank=True)


class SyncClient(models.Model):
    """On the server, a device's connection, by the client id its change ids begin with, and the
    last change number the device had made when it last pushed: a device that later reports fewer
    was restored from an older copy of its data folder, and starts afresh (docs/sync.md)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=100)
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "client_id"], name="sync_client_once")]
