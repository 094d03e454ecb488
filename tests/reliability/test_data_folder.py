"""The data folder as a person moving to a new computer or backing up sees it once the app is
closed: the files they copy hold every note."""

import shutil
import sqlite3

from tests.reliability.conftest import new_uid


def test_after_a_quit_the_database_file_alone_holds_every_note(notedesk, tmp_path):
    app = notedesk()
    api = app.client()
    uids = set()
    for number in range(20):
        uid = new_uid()
        answer = api.send_json("POST", "/api/notes/", {"uid": uid, "title": f"Note {number}", "body": "words " * 200})
        assert answer.status == 201, answer.body
        uids.add(uid)
    api.close()
    app.stop()

    # What a copy of "the database" to another computer, or a backup that skips -wal files, gets.
    copied = tmp_path / "elsewhere" / "notedesk.sqlite3"
    copied.parent.mkdir()
    shutil.copyfile(app.database, copied)
    with sqlite3.connect(copied) as connection:
        assert {uid.replace("-", "") for (uid,) in connection.execute("SELECT uid FROM notes_note")} == {
            uid.replace("-", "") for uid in uids}


def test_a_launch_on_another_database_leaves_the_attachment_files_for_the_one_put_back(notedesk, tmp_path):
    """As after "move the damaged file aside and copy the backup in its place", or a database file
    moved away by mistake: the files the database in place does not name are still someone's."""
    app = notedesk()
    api = app.client()
    note = api.send_json("POST", "/api/notes/", {"title": "Photos", "body": "of the trip"}).json()
    photos = {f"photo{number}.jpg": bytes([number]) * 5000 for number in range(3)}
    for name, content in photos.items():
        assert api.upload(f"/api/notes/{note['id']}/attachments/", name, content).status == 201
    api.close()
    app.stop()

    aside = tmp_path / "aside"
    aside.mkdir()
    for file in app.data_dir.glob("notedesk.sqlite3*"):
        file.rename(aside / file.name)
    notedesk().stop()  # a launch on a fresh database
    for file in app.data_dir.glob("notedesk.sqlite3*"):
        file.unlink()
    for file in aside.iterdir():
        file.rename(app.data_dir / file.name)

    api = notedesk().client()
    attachments = api.request("GET", f"/api/notes/{note['id']}/").json()["attachments"]
    assert {attachment["name"]: api.request("GET", attachment["url"]).body for attachment in attachments} == photos
