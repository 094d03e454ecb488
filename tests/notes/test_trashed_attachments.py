"""A trashed note's attachments are not changed: an upload or a removal is the 409 an edit of a
trashed note gets, and nothing is written."""

from datetime import datetime, timezone

from embedded_site.notes import views
from embedded_site.notes.models import Attachment


def stored_files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_an_upload_to_a_trashed_note_is_the_edits_409_and_stores_nothing(api, make_note, attachments_dir):
    note = make_note(title="Old", body="before", trashed_at=datetime.now(timezone.utc))
    response = api.upload(f"/api/notes/{note.pk}/attachments/", "late.txt", b"too late")
    assert response.status_code == 409
    edit = api.patch(f"/api/notes/{note.pk}/", {"version": 1, "body": "typed"})
    assert response.json() == edit.json()
    assert response.json()["error"] == "This note is in the trash, so nothing was saved. Restore it to edit it."
    assert response.json()["current"]["trashed_at"] is not None
    assert not Attachment.objects.exists()
    assert stored_files(attachments_dir) == []


def test_a_note_trashed_while_its_upload_is_written_refuses_it_and_keeps_no_file(
    api, make_note, attachments_dir, monkeypatch
):
    note = make_note(body="live")
    real_store = views.store_attachment

    def trashed_meanwhile(note, upload, check=None):
        api.delete(f"/api/notes/{note.pk}/")
        return real_store(note, upload, check)

    monkeypatch.setattr(views, "store_attachment", trashed_meanwhile)
    response = api.upload(f"/api/notes/{note.pk}/attachments/", "late.txt", b"too late")
    assert response.status_code == 409
    assert "in the trash" in response.json()["error"]
    assert not Attachment.objects.exists()
    assert stored_files(attachments_dir) == []


def test_removing_an_attachment_of_a_trashed_note_is_the_edits_409_and_keeps_it(
    api, make_note, attachments_dir, django_capture_on_commit_callbacks
):
    note = make_note(title="Old")
    attachment = api.upload(f"/api/notes/{note.pk}/attachments/", "kept.txt", b"kept").json()
    api.delete(f"/api/notes/{note.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/notes/{note.pk}/attachments/{attachment['id']}/")
    assert response.status_code == 409
    assert response.json()["error"] == "This note is in the trash, so nothing was saved. Restore it to edit it."
    assert response.json()["current"]["attachments"] == [attachment]
    assert len(stored_files(attachments_dir)) == 1
    assert b"".join(api.get(attachment["url"]).streaming_content) == b"kept"


def test_restored_the_note_takes_uploads_and_removals_again(api, make_note, attachments_dir):
    note = make_note(title="Back", trashed_at=datetime.now(timezone.utc))
    api.post(f"/api/notes/{note.pk}/restore/")
    attachment = api.upload(f"/api/notes/{note.pk}/attachments/", "a.txt", b"a")
    assert attachment.status_code == 201
    assert api.delete(f"/api/notes/{note.pk}/attachments/{attachment.json()['id']}/").status_code == 204


def test_an_upload_to_a_missing_note_is_still_404(api, attachments_dir):
    assert api.upload("/api/notes/4040/attachments/", "a.txt", b"a").status_code == 404
    assert stored_files(attachments_dir) == []
