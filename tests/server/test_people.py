"""A person leaving the server: their user deleted, everything of theirs goes, files included,
and nothing of anyone else's."""

from django.core.files.base import ContentFile

from embedded_site.notes.attachments import save_attachment
from embedded_site.notes.models import Attachment, Note
from embedded_site.sync import blobs
from tests.server_mode import make_user

PHOTO = b"\xff\xd8 a holiday photo" * 100


def test_deleting_a_person_deletes_their_attachment_files_and_uploads_and_keeps_the_others(db, django_capture_on_commit_callbacks):
    """Until this, the rows went and the files stayed in the storage, and its backups, for ever."""
    leaving, staying = make_user("carol"), make_user("dave")
    theirs = save_attachment(Note.objects.create(owner=leaving, title="Recipe"), "photo.jpg", [PHOTO])
    kept = save_attachment(Note.objects.create(owner=staying, title="Trip"), "photo.jpg", [PHOTO])
    uploaded = blobs.arrival_name(leaving, "0" * 64)
    storage = blobs.storage()
    storage.save(uploaded, ContentFile(b"uploaded by a device, not yet named by a note"))
    assert storage.exists(theirs.file.name) and storage.exists(uploaded)

    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()

    assert not storage.exists(theirs.file.name) and not storage.exists(uploaded)
    assert storage.exists(kept.file.name) and Attachment.objects.get(pk=kept.pk).note.owner == staying
    assert not Note.objects.filter(owner_id=leaving.pk).exists()
