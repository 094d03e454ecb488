"""A person removed from the server (their user deleted, docs/server.md: Users): the rows of their
notes go with them by cascade, and their files, which no row would name any more, are deleted
too once that commits: their attachments, and the contents their devices uploaded that no note
took yet. Until this, the files stayed in the storage, and in every backup of it, for ever."""

from django.db import transaction

from embedded_site.notes.models import Attachment
from embedded_site.notes.trash import delete_files
from embedded_site.sync import blobs


def remove_their_files(sender, instance, **kwargs) -> None:
    storage = blobs.storage()
    names = list(Attachment.objects.filter(note__owner_id=instance.pk).values_list("file", flat=True))
    arrivals = blobs.arrivals_folder(instance)

    def delete() -> None:
        try:
            waiting = storage.listdir(arrivals)[1]
        except FileNotFoundError:  # none ever arrived (on the file system; S3 lists no files)
            waiting = []
        delete_files(storage, names + [f"{arrivals}/{name}" for name in waiting])

    transaction.on_commit(delete)
