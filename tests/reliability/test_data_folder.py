"""The data folder as a person moving to a new computer or backing up sees it once the app is
closed: the files they copy hold every note."""

import random
import shutil
import sqlite3
import string
import subprocess
from contextlib import closing

from embedded_site.notes.search_folding import FOLD_FUNCTION, fold
from tests.conftest import launcher_command
from tests.reliability.conftest import integrity_problems, new_uid, poll


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


def test_a_daily_backup_put_back_after_the_trash_was_emptied_has_the_notes_files_until_no_backup_needs_them(notedesk):
    """A note deleted by mistake and the trash emptied: the day's backup, put back as the README
    says, has the note and its attached file. Once no kept backup names the file, a launch deletes it."""
    app = notedesk()
    api = app.client()
    note = api.send_json("POST", "/api/notes/", {"title": "Receipts", "body": "for the tax return"}).json()
    assert api.upload(f"/api/notes/{note['id']}/attachments/", "scan.pdf", b"%PDF scan " * 500).status == 201
    api.close()
    app.stop()
    backups = app.data_dir / "backups"
    shutil.rmtree(backups, ignore_errors=True)  # so that the next launch backs the database up, as a new day's first does

    app = notedesk()
    poll(lambda: list(backups.glob("notedesk-*.sqlite3")), 60, "the day's backup")
    api = app.client()
    assert api.request("DELETE", f"/api/notes/{note['id']}/").status == 200
    assert api.request("DELETE", "/api/trash/").json() == {"deleted": 1}
    api.close()
    app.stop()

    (backup,) = backups.glob("notedesk-*.sqlite3")
    for file in app.data_dir.glob("notedesk.sqlite3*"):  # the -wal and -shm too: a quit cut short leaves one that holds writes
        file.rename(file.with_name(file.name.replace("notedesk.sqlite3", "notedesk.sqlite3.mistake")))
    shutil.copyfile(backup, app.database)
    app = notedesk()
    api = app.client()
    (attachment,) = api.request("GET", f"/api/notes/{note['id']}/").json()["attachments"]
    assert api.request("GET", attachment["url"]).body == b"%PDF scan " * 500
    assert api.request("GET", "/api/export/?format=json").status == 200

    assert api.request("DELETE", f"/api/notes/{note['id']}/").status == 200
    assert api.request("DELETE", "/api/trash/").json() == {"deleted": 1}
    api.close()
    app.stop()
    assert len(list((app.data_dir / "attachments").iterdir())) == 1  # the backup still names it
    shutil.rmtree(backups)  # five days on, the copies that named it have been replaced
    app = notedesk()
    assert list((app.data_dir / "attachments").iterdir()) == []


def test_a_quit_while_the_emptied_trash_s_words_are_forgotten_leaves_no_write_in_the_wal(notedesk):
    """Emptying the trash has a thread merge the search indexes a step at a time, for seconds at a
    few hundred notes. A quit meanwhile folded the -wal into the file, and the thread wrote on into
    it until the process ended: the -wal left held writes, and the day's backup put back over the
    database file alone read them in ("database disk image is malformed", seen on CI)."""
    app = notedesk()
    api = app.client()
    letters = random.Random(0)
    ids = [api.send_json("POST", "/api/notes/", {"title": f"Trip {number}", "body": " ".join(
        "".join(letters.choices(string.ascii_lowercase, k=8)) for _ in range(300))}).json()["id"] for number in range(100)]
    api.close()
    app.stop()
    shutil.rmtree(app.data_dir / "backups", ignore_errors=True)  # so that the next launch backs the database up

    app = notedesk()
    (backup,) = poll(lambda: list((app.data_dir / "backups").glob("notedesk-*.sqlite3")), 60, "the day's backup")
    api = app.client()
    for note in ids:
        assert api.request("DELETE", f"/api/notes/{note}/").status == 200
    assert api.request("DELETE", "/api/trash/").json() == {"deleted": len(ids)}
    api.close()
    app.stop()

    wal = app.data_dir / "notedesk.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    shutil.copyfile(backup, app.database)
    api = notedesk().client()
    assert api.request("GET", "/api/notes/").json()["total"] == len(ids)


def test_a_database_a_sync_service_puts_in_place_while_the_app_runs_is_neither_written_to_nor_mixed(notedesk, tmp_path):
    """Dropbox, Syncthing and OneDrive bring another computer's copy by renaming it over the file.
    Before, the app's saves went on being acknowledged, into the file that was replaced (gone at
    the quit) or, through its write-ahead log, into the new one: a mix of two databases."""
    app = notedesk()
    api = app.client()
    note = api.send_json("POST", "/api/notes/", {"title": "Plans", "body": "written on this computer"}).json()
    other_computer = tmp_path / "other computer.sqlite3"
    with closing(sqlite3.connect(app.database)) as here, closing(sqlite3.connect(other_computer)) as there:
        here.backup(there)
        there.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)
        there.execute("UPDATE notes_note SET body = 'written on the other computer', version = version + 1")
        there.commit()
    synced = app.data_dir / ".syncthing.notedesk.sqlite3.tmp"
    shutil.copyfile(other_computer, synced)
    synced.rename(app.database)

    refused = api.send_json("PATCH", f"/api/notes/{note['id']}/", {"body": "edited after", "version": note["version"]})
    assert refused.status == 503
    assert refused.json()["error"].startswith("The database file was replaced while Notedesk was running: a sync "
                                              "service (Dropbox, Syncthing, OneDrive…) or another program put another "
                                              "copy in its place, so nothing was saved")
    api.close()
    app.stop()

    assert integrity_problems(app.database) == []
    api = notedesk().client()
    assert api.request("GET", f"/api/notes/{note['id']}/").json()["body"] == "written on the other computer"


def test_a_database_damaged_where_only_the_apps_start_up_reads_says_so_and_names_the_backup(notedesk):
    """Damage the launch's own reads miss (its migrations table is sound, and the day's copy, which
    checks the whole file, is made): the app's start-up read its notes and the launch stopped on
    "Unexpected error: DatabaseError: database disk image is malformed", which said neither what
    nor what to do. Seen after a backup was put back beside a write-ahead log left by a forced quit."""
    app = notedesk()
    api = app.client()
    assert api.send_json("POST", "/api/notes/", {"title": "Plan", "body": "words " * 2000}).status == 201
    api.close()
    app.stop()
    app = notedesk()
    poll(lambda: list((app.data_dir / "backups").glob("notedesk-*.sqlite3")), 60, "the day's backup")
    app.stop()

    with closing(sqlite3.connect(app.database)) as reading:
        (page_size,) = reading.execute("PRAGMA page_size").fetchone()
        (users_page,) = reading.execute("SELECT rootpage FROM sqlite_master WHERE name = 'auth_user'").fetchone()
    with app.database.open("r+b") as damaging:
        damaging.seek((users_page - 1) * page_size)
        damaging.write(b"\xff" * 64)

    damaged = app.database.read_bytes()
    (backup,) = (app.data_dir / "backups").glob("notedesk-*.sqlite3")
    launch = subprocess.run(launcher_command("--headless", "--data-dir", str(app.data_dir)), capture_output=True,
                            text=True, timeout=120)
    assert launch.returncode == 1
    assert launch.stderr.startswith(f"notedesk: Cannot open the database {app.database} (database disk image is "
                                    "malformed). Notedesk has not changed it. The latest backup is "
                                    f"{backup}: quit Notedesk, move the damaged file aside")
    assert app.database.read_bytes() == damaged
