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
