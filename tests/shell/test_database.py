"""What a launch learns about the database's migrations: an up-to-date database is seen as such
without reading the migrations, and a migration not yet applied is never missed."""

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from django_desktop_shell import database
from django_desktop_shell.database import (
    DatabaseUnusable, every_migration_file_applied, migrations_of_a_newer_version, pending_migrations, prepare_database,
)
from tests.conftest import ROOT, launcher_command

pytestmark = pytest.mark.django_db


def forget_applied(app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])


def test_a_database_with_every_migration_applied_has_none_pending():
    assert every_migration_file_applied()
    assert pending_migrations() == []


def test_a_migration_that_is_not_recorded_as_applied_is_pending():
    latest = MigrationLoader(connection).graph.leaf_nodes("notes")[0]  # what an update brings
    forget_applied(*latest)
    assert not every_migration_file_applied()
    assert [(migration.app_label, migration.name) for migration, _ in pending_migrations()] == [latest]


def test_a_database_without_the_migrations_table_has_them_all_pending():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_migrations RENAME TO django_migrations_elsewhere")
    assert not every_migration_file_applied()


@pytest.mark.desktop
def test_a_launch_on_an_up_to_date_database_does_not_import_the_migrations(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from django_desktop_shell import runtime
        from django_desktop_shell.identity import load
        from django_desktop_shell.process import paths, site
        data = Path({str(tmp_path / "data")!r}); paths.prepare_data_dir(data)
        site.configure(runtime.Runtime(identity=load(Path({str(ROOT)!r})), data_dir=data))
        from django_desktop_shell.database import prepare_database
        prepare_database()  # a new database: migrated
        print(sorted(name for name in sys.modules if ".migrations.0" in name or name.endswith(".migrations.loader")))
    """)
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert "notes.migrations.0001_initial" in first.stdout
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert again.stdout.strip() == "[]", again.stdout


def test_a_database_cache_has_its_table_made_at_the_launch(settings):
    """Django's database cache keeps its table out of the migrations: a project that ran
    `manage.py createcachetable` once on its own database answered every page that used the cache
    500 in the app, whose database is a new one ("no such table: library_cache")."""
    from django.core.cache import caches

    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                                     "LOCATION": "library_cache"}}
    prepare_database()
    caches["shared"].set("visits", 3)
    assert caches["shared"].get("visits") == 3


class SharedCache(DatabaseCache):
    """A site's own database cache, adding to Django's (as a site counting its hits would)."""


def test_a_database_cache_of_the_site_s_own_has_its_table_made_at_the_launch(settings):
    """A site's cache backend that subclasses Django's DatabaseCache was not recognised by its name:
    every page that used it answered 500, "no such table: library_cache"."""
    from django.core.cache import caches

    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": f"{__name__}.SharedCache", "LOCATION": "library_cache"}}
    prepare_database()
    caches["shared"].set("visits", 3)
    assert caches["shared"].get("visits") == 3


def record_applied(app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, '2030-01-01')", [app, name])


def test_a_database_a_newer_version_migrated_is_refused_unchanged(settings):
    record_applied("notes", "9999_what_a_newer_version_brings")
    with pytest.raises(DatabaseUnusable) as refusal:
        prepare_database()
    message = str(refusal.value)
    assert "was last used by a newer version of Notedesk" in message
    assert "notes.9999_what_a_newer_version_brings" in message
    assert f"this one (version {settings.DESKTOP_APP_VERSION})" in message
    assert "has not changed it" in message


def test_migrations_replaced_by_a_squashed_one_or_of_an_app_no_longer_installed_are_not_a_newer_version():
    record_applied("an_app_removed_since", "0001_initial")
    assert migrations_of_a_newer_version() == []
    record_applied("notes", "0001_squashed_away")
    assert migrations_of_a_newer_version() == ["notes.0001_squashed_away"]
    squashed = mock.Mock(replaces=[("notes", "0001_squashed_away")])
    with mock.patch("django.db.migrations.loader.MigrationLoader") as loader:
        loader.return_value.replacements = {("notes", "0001_squashed"): squashed}
        assert migrations_of_a_newer_version() == []


@pytest.mark.desktop
def test_the_days_backup_is_made_beside_the_running_site_and_a_stop_during_it_loses_no_earlier_copy(tmp_path):
    # The copy was made before the site started: 0.2–0.8 s more before the first screen at
    # 20,000 notes. Here it is held mid-copy: the launch goes on, a stop abandons the copy, the
    # copy of the day before stays as it was, and the next launch makes the day's.
    script = textwrap.dedent(f"""
        import hashlib, os, threading
        from datetime import datetime, timedelta, timezone
        from pathlib import Path
        from django_desktop_shell import database, runtime
        from django_desktop_shell.identity import load
        from django_desktop_shell.process import paths, site
        data = Path({str(tmp_path / "data")!r}); paths.prepare_data_dir(data)
        site.configure(runtime.Runtime(identity=load(Path({str(ROOT)!r})), data_dir=data))
        database.prepare_database()  # a new database: nothing to back up
        backups = data / "backups"
        day_before = database.backup_database(data / "notedesk.sqlite3")
        day_before = day_before.rename(backups / f"notedesk-{{datetime.now(timezone.utc) - timedelta(days=1):%Y%m%d-%H%M%S-%f}}.sqlite3")
        kept = hashlib.sha256(day_before.read_bytes()).hexdigest()
        (backups / ".partial-left-by-a-killed-launch").write_bytes(b"half a copy")

        copying, opened = threading.Event(), database.BackgroundBackup.opened
        def held(backup, connection):
            opened(backup, connection)
            if not copying.is_set():
                connection.set_progress_handler(lambda: copying.set() or backup.stopping.wait(30) and 0, 100)
        database.BackgroundBackup.opened = held
        database.prepare_database()
        print("launch went on while copying:", copying.wait(30), database.backup_in_progress())
        database.fold_write_ahead_logs()  # the stop
        print("after the stop:", sorted(path.name for path in backups.iterdir()) == [day_before.name],
              hashlib.sha256(day_before.read_bytes()).hexdigest() == kept)

        database.BackgroundBackup.opened = opened
        database.prepare_database()
        database.fold_write_ahead_logs()
        print("next launch:", len(list(backups.iterdir())), sorted(backups.iterdir())[0] == day_before,
              database.backup_in_progress())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == [
        "launch went on while copying: True True", "after the stop: True True", "next launch: 2 True False"], result.stderr


def on_notedesk_s_site(tmp_path, imports: str) -> str:
    """The start of a script that runs the shell on Notedesk's site, its data folder `data` in tmp_path."""
    return textwrap.dedent(f"""
        {imports}
        from datetime import datetime, timedelta, timezone
        from pathlib import Path
        from django_desktop_shell import database, runtime
        from django_desktop_shell.identity import load
        from django_desktop_shell.process import paths, site
        data = Path({str(tmp_path / "data")!r}); paths.prepare_data_dir(data)
        site.configure(runtime.Runtime(identity=load(Path({str(ROOT)!r})), data_dir=data))
        notes = data / "notedesk.sqlite3"
    """)


@pytest.mark.desktop
def test_the_backups_folder_alone_holds_the_uploaded_files_its_copies_name_and_the_window_s_settings(tmp_path):
    # The data folder lost with its disk, the backups folder copied to a stick: the copies of the
    # database came back with every attachment and photo missing, as they were in the data folder alone.
    script = on_notedesk_s_site(tmp_path, "import shutil") + textwrap.dedent(f"""

        def launch():
            database.prepare_database()
            database.BackgroundBackup.running.thread.join(30)
            database.fold_write_ahead_logs()

        database.prepare_database()  # a new database: nothing to back up
        (data / "attachments").mkdir(exist_ok=True)
        (data / "attachments" / "5f3a.bin").write_bytes(b"%PDF the manual")
        (data / "media" / "photos").mkdir(parents=True)
        (data / "media" / "photos" / "cat.jpg").write_bytes(b"JPEG a cat")
        (data / "window.json").write_text('{{"zoom": 1.25}}')
        launch()
        stick = Path({str(tmp_path / "stick")!r})
        shutil.copytree(data / "backups", stick)
        print("on the stick:", sorted(str(path.relative_to(stick)) for path in stick.rglob("*") if path.is_file())[:2],
              (stick / "attachments" / "5f3a.bin").read_bytes(), (stick / "media" / "photos" / "cat.jpg").read_bytes(),
              (stick / "window.json").read_text())

        (data / "media" / "photos" / "cat.jpg").unlink()  # deleted for good, no copy names it any more
        copy = database.backups(notes)[-1][1]
        copy.rename(copy.with_name(f"notedesk-{{datetime.now(timezone.utc) - timedelta(days=1):%Y%m%d-%H%M%S-%f}}.sqlite3"))
        launch()
        print("the next day:", (data / "backups" / "attachments" / "5f3a.bin").exists(),
              (data / "backups" / "media" / "photos" / "cat.jpg").exists())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == [
        "on the stick: ['attachments/5f3a.bin', 'media/photos/cat.jpg'] b'%PDF the manual' b'JPEG a cat' {\"zoom\": 1.25}",
        "the next day: True False"], result.stderr


@pytest.mark.desktop
def test_a_new_database_beside_a_kept_window_json_starts_without_a_failed_backup(tmp_path):
    # The database deleted to start afresh, the window's settings kept: its first migration, which
    # copies nothing, started the copy of the files anyway, and it failed for want of a backups folder.
    script = on_notedesk_s_site(tmp_path, "import logging, sys") + textwrap.dedent("""
        logging.getLogger("django_desktop_shell").addHandler(logging.StreamHandler(sys.stdout))
        (data / "window.json").write_text('{"zoom": 1.25}')
        database.prepare_database()
        if database.BackgroundBackup.running:
            database.BackgroundBackup.running.thread.join(30)
        print("backups:", (data / "backups").exists())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert [line for line in result.stdout.splitlines() if "backup" in line.lower()] == ["backups: False"], result.stderr


def test_manage_migrate_on_a_new_data_folder_makes_no_backup_of_the_empty_database_and_one_of_a_migrated_one(tmp_path,
                                                                                                           app_env):
    """A launch on a new data folder made no copy, but `manage migrate` on one copied the empty 4 KB
    database that its first look at the migrations had made: the backups folder showed the person a
    copy of nothing. Both decide with the one test: a database with no table is not copied."""
    data_dir = tmp_path / "data"

    def migrate():
        result = subprocess.run(launcher_command("--data-dir", str(data_dir), "manage", "migrate"), capture_output=True,
                                text=True, env=app_env, timeout=120)
        assert result.returncode == 0, result.stderr
        return sorted(path.name for path in (data_dir / "backups").glob("*.sqlite3"))

    assert migrate() == []
    assert len(migrate()) == 1  # the migrated database, whose next migration could change it


@pytest.mark.desktop
def test_the_copy_an_update_makes_before_migrating_has_the_uploaded_files_beside_it_too(tmp_path):
    # On an update's launch the copy is made before the migrations, not as the day's: the files
    # uploaded since the day before were not linked beside it, and that copy, put back, lacked them.
    script = on_notedesk_s_site(tmp_path, "") + textwrap.dedent("""
        database.prepare_database()  # a new database: nothing to back up
        (data / "attachments").mkdir(exist_ok=True)
        (data / "attachments" / "5f3a.bin").write_bytes(b"attached the day of the update")
        database.readable_plan = lambda alias: ["notes.9999_an_update"]
        database.migrate_or_put_back = lambda *arguments: None
        database.prepare_database()  # the update's launch
        if database.BackgroundBackup.running:
            database.BackgroundBackup.running.thread.join(30)
        database.fold_write_ahead_logs()
        print(len(database.backups(notes)), (data / "backups" / "attachments" / "5f3a.bin").exists())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == ["1 True"], result.stderr


def test_on_a_drive_without_links_the_backups_copy_the_uploaded_files_while_the_disk_has_room(tmp_path, monkeypatch, caplog):
    # A FAT stick has no hard links: each file is copied, and a copy that would take the disk's
    # last room, refusing the app's saves, is left out and said in the log.
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "scan.pdf").write_bytes(b"%PDF a scan")
    (tmp_path / "attachments" / "film.mp4").write_bytes(b"a film" * 1000)
    monkeypatch.setattr(database.os, "link", mock.Mock(side_effect=PermissionError(1, "Operation not permitted")))
    room = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(database.shutil, "disk_usage", lambda path: room._replace(free=5000))
    database.mirror_files(tmp_path / "attachments", tmp_path / "backups" / "attachments")
    assert sorted(os.listdir(tmp_path / "backups" / "attachments")) == ["scan.pdf"]
    assert (tmp_path / "backups" / "attachments" / "scan.pdf").read_bytes() == b"%PDF a scan"
    assert "The backups lack " + str(tmp_path / "attachments" / "film.mp4") in caplog.text


def test_a_file_deleted_while_the_backups_link_the_uploads_leaves_the_others_linked(tmp_path, monkeypatch):
    # The day's copy runs beside the site: a note deleted for good meanwhile took its file away
    # between the listing and its link, and the backup stopped there, the files after it missing.
    (tmp_path / "attachments").mkdir()
    for name in ("a-deleted.pdf", "b-kept.pdf"):
        (tmp_path / "attachments" / name).write_bytes(b"%PDF " + name.encode())
    listed = database.files_under

    def listed_then_one_deleted(folder):
        files = listed(folder)
        (tmp_path / "attachments" / "a-deleted.pdf").unlink(missing_ok=True)
        return files

    monkeypatch.setattr(database, "files_under", listed_then_one_deleted)
    database.mirror_files(tmp_path / "attachments", tmp_path / "backups" / "attachments")
    assert os.listdir(tmp_path / "backups" / "attachments") == ["b-kept.pdf"]


def test_a_file_uploaded_again_under_a_name_the_backups_hold_replaces_their_copy(tmp_path):
    # Any project's storage gives a free name back: an avatar deleted with its old photo and sent
    # again as me.jpg. The backups kept the old photo under that name, day after day, for good.
    photo = tmp_path / "media" / "avatars" / "me.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"JPEG the old face")
    a_day_ago = photo.stat().st_mtime - 86400
    os.utime(photo, (a_day_ago, a_day_ago))
    database.mirror_files(tmp_path / "media", tmp_path / "backups" / "media")
    photo.unlink()
    photo.write_bytes(b"JPEG the new face")
    database.mirror_files(tmp_path / "media", tmp_path / "backups" / "media")
    assert (tmp_path / "backups" / "media" / "avatars" / "me.jpg").read_bytes() == b"JPEG the new face"


@pytest.mark.desktop
def test_an_app_left_open_past_a_day_makes_the_days_copy_without_a_launch(tmp_path):
    # A laptop closed at night and opened in the morning, the app never quit: the only copy was
    # the one of the day it was launched, however many days it ran. The day passes here as the
    # launch's copy aged by a day, the watch looking every 0.05 s instead of every ten minutes.
    script = on_notedesk_s_site(tmp_path, "import time") + textwrap.dedent(f"""

        def a_day_ago(copy):
            copy.rename(copy.with_name(f"notedesk-{{datetime.now(timezone.utc) - timedelta(days=1, minutes=1):%Y%m%d-%H%M%S-%f}}.sqlite3"))

        def copies_within(count, timeout):
            deadline = time.monotonic() + timeout
            while (len(database.backups(notes)) < count or database.backup_in_progress()) and time.monotonic() < deadline:
                time.sleep(0.05)
            return len(database.backups(notes))

        database.prepare_database()  # the first launch, on a new database
        a_day_ago(database.backup_database(notes))
        database.fold_write_ahead_logs()  # the stop

        database.BACKUP_LOOK_EVERY_S = 0.05
        database.prepare_database()  # the launch of the next day
        print("after the launch:", copies_within(2, 30))
        a_day_ago(database.backups(notes)[-1][1])  # a day passes, the app open
        print("a day later, still open:", copies_within(3, 30))
        time.sleep(0.5)
        print("once the day has its copy:", len(database.backups(notes)))
        database.fold_write_ahead_logs()
        print("watching after the stop:", database.DayWatch.running)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == ["after the launch: 2", "a day later, still open: 3",
                                          "once the day has its copy: 3", "watching after the stop: None"], result.stderr


@pytest.mark.desktop
def test_an_app_s_thread_still_writing_as_the_quit_folds_the_log_leaves_no_write_in_it(tmp_path):
    # A thread of the app's at work a step at a time (Notedesk's search indexes merged after the
    # trash is emptied, a sync round, an import) wrote on after the quit had folded the -wal, until
    # the process ended: the -wal left held writes, which a backup put back over the file alone read in.
    script = on_notedesk_s_site(tmp_path, "import threading, time") + textwrap.dedent("""
        from django.db import connection
        database.prepare_database()  # a new database
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE steps (step INTEGER)")
        stepping = threading.Event()

        def a_step_at_a_time():
            for step in range(10**6):
                with connection.cursor() as cursor:
                    cursor.execute("INSERT INTO steps VALUES (%s)", [step])
                stepping.set()

        threading.Thread(target=a_step_at_a_time, daemon=True).start()
        stepping.wait(30)
        database.fold_write_ahead_logs()  # the quit: the thread works on until the process ends
        time.sleep(0.3)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    wal = tmp_path / "data" / "notedesk.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


@pytest.mark.desktop
def test_a_reader_open_past_the_fold_s_time_leaves_the_log_empty_once_it_ends(tmp_path):
    # A read under way as the quit folds the -wal (a request past the server's stop, another
    # program's) kept it from being emptied: the fold gave up after its 0.5 s, and the -wal stayed
    # full for good, though the reader ended long before the process did.
    script = on_notedesk_s_site(tmp_path, "import threading, time") + textwrap.dedent("""
        from django.db import connection
        database.prepare_database()  # a new database: its tables are in the -wal
        reader = sqlite3.connect(notes, check_same_thread=False)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM django_migrations").fetchall()
        threading.Timer(1.0, reader.close).start()
        database.fold_write_ahead_logs()  # the quit
        time.sleep(1.5)  # the rest of the way out
    """)
    result = subprocess.run([sys.executable, "-c", script.replace("import threading", "import sqlite3, threading")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    wal = tmp_path / "data" / "notedesk.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_after_a_clock_set_a_year_ahead_a_launch_a_day_makes_a_copy_not_every_launch(tmp_path, monkeypatch):
    # The copy made that day is named a year ahead, and those made since after it, to stay last:
    # by their names, every launch was a day since the last copy, and five launches in a day left
    # no copy of the days before to put back.
    monkeypatch.setattr(database, "backups_dir", lambda: tmp_path / "backups")
    notes = tmp_path / "notedesk.sqlite3"
    sqlite3.connect(notes).close()
    now = datetime.now(timezone.utc)
    (tmp_path / "backups").mkdir()
    for days_ago in (3, 2, 1):
        (tmp_path / "backups" / f"notedesk-{now - timedelta(days=days_ago):%Y%m%d-%H%M%S-%f}.sqlite3").touch()
    ahead = tmp_path / "backups" / f"notedesk-{now + timedelta(days=365):%Y%m%d-%H%M%S-%f}.sqlite3"
    ahead.touch()
    made = (now + timedelta(days=365)).timestamp()  # the file's time as that clock had it
    os.utime(ahead, (made, made))
    days_before = sorted(path.name for path in (tmp_path / "backups").iterdir())
    for _ in range(5):  # the clock put right; launches of one day
        if database.backup_is_due(notes):
            database.copy_to_backups(notes)
    kept = sorted(path.name for path in (tmp_path / "backups").iterdir())
    assert len(kept) == 5 and kept[:4] == days_before  # the days before, and one copy of today's


def five_days_of_copies(tmp_path, monkeypatch) -> tuple:
    """A database and a copy of it for each of the five days before; the copies' names, oldest first."""
    monkeypatch.setattr(database, "backups_dir", lambda: tmp_path / "backups")
    notes = tmp_path / "notedesk.sqlite3"
    with closing(sqlite3.connect(notes)) as writing:
        writing.execute("CREATE TABLE note (body TEXT)")
    (tmp_path / "backups").mkdir()
    now = datetime.now(timezone.utc)
    for days_ago in range(5, 0, -1):
        copy = database.copy_to_backups(notes)
        copy.rename(copy.with_name(f"notedesk-{now - timedelta(days=days_ago):%Y%m%d-%H%M%S-%f}.sqlite3"))
    return notes, sorted(path.name for path in (tmp_path / "backups").iterdir())


def test_the_days_copy_pushes_out_the_oldest_and_five_are_kept(tmp_path, monkeypatch):
    notes, days_before = five_days_of_copies(tmp_path, monkeypatch)
    todays = database.copy_to_backups(notes)
    assert sorted(path.name for path in (tmp_path / "backups").iterdir()) == [*days_before[1:], todays.name]


def test_a_copy_found_damaged_is_not_kept_and_pushes_no_sound_copy_out(tmp_path, monkeypatch):
    """The copy is checked before it gets its name: a copy the disk damaged on the way (a failing
    stick) would otherwise count among the five kept, the oldest sound one deleted for it."""
    notes, sound = five_days_of_copies(tmp_path, monkeypatch)
    real_quick_check = database.quick_check

    def copy_damaged(connection):
        copied_to = connection.execute("PRAGMA database_list").fetchone()[2]
        return "*** in database main ***\nPage 2: btreeInitPage() returns error code 11" \
            if copied_to.startswith(str(tmp_path / "backups")) else real_quick_check(connection)

    monkeypatch.setattr(database, "quick_check", copy_damaged)
    with pytest.raises(DatabaseUnusable, match="its copy is damaged: \\*\\*\\* in database main"):
        database.copy_to_backups(notes)
    assert sorted(path.name for path in (tmp_path / "backups").iterdir()) == sound


def test_a_damaged_database_without_a_backup_says_to_keep_it_and_what_to_send_support(tmp_path, monkeypatch):
    """It said "There is no backup of it yet." and no more: nothing told the person to keep the file, nor what
    support needs to help."""
    monkeypatch.setattr(database, "latest_backup", lambda path: None)
    message = database.unusable_message(tmp_path / "notedesk.sqlite3", "it is damaged: *** in database main ***")
    assert message.endswith(
        "Notedesk has not changed it. There is no backup of it yet: keep the file as it is, and send Notedesk's support "
        "the report `notedesk --diagnose` prints (in the window: Help › Diagnostics for support); most of a damaged "
        "database can often be recovered.")


def test_a_damaged_database_s_advice_moves_its_write_ahead_log_aside_too(tmp_path, monkeypatch):
    """Followed as it was ("move the damaged file aside and copy the backup in its place") after a
    crash, the -wal left beside was replayed into the backup: "database disk image is malformed",
    and the same advice again, the backup now taken for damaged too."""
    backup = tmp_path / "backups" / "notedesk-20261205-150123-190628.sqlite3"
    monkeypatch.setattr(database, "latest_backup", lambda path: backup)
    message = database.unusable_message(tmp_path / "notedesk.sqlite3", "database disk image is malformed")
    assert message.endswith(
        f"The latest backup is {backup}: quit Notedesk, move the damaged file aside, with its notedesk.sqlite3-wal and "
        "notedesk.sqlite3-shm if they are there, and copy the backup in its place.")


def test_a_backup_copied_over_a_database_whose_write_ahead_log_was_left_is_not_called_damaged(tmp_path):
    # The person put a backup back without moving the -wal of the crashed database aside: SQLite
    # read that log into the backup, and the launch called the backup damaged, and each older one.
    backup = tmp_path / "backup.sqlite3"
    with closing(sqlite3.connect(backup)) as writing:  # a layout of its own, which the log's pages do not fit
        writing.executescript("CREATE TABLE note (body TEXT); CREATE TABLE tag (name TEXT); "
                              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                              "INSERT INTO tag SELECT hex(randomblob(250)) FROM n;")
    notes = tmp_path / "notedesk.sqlite3"
    with closing(sqlite3.connect(notes)) as writing:
        writing.execute("PRAGMA journal_mode=WAL")
        writing.execute("CREATE TABLE note (body TEXT)")
        writing.executemany("INSERT INTO note VALUES (?)", [("a note" * 500,)] * 50)
        writing.commit()
        writing.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        writing.execute("PRAGMA wal_autocheckpoint=0")
        writing.executemany("INSERT INTO note VALUES (?)", [("written before the crash" * 100,)] * 50)
        writing.commit()
        shutil.copy(tmp_path / "notedesk.sqlite3-wal", tmp_path / "crashed-wal")  # as a crash leaves it
    (tmp_path / "crashed-wal").replace(tmp_path / "notedesk.sqlite3-wal")
    shutil.copy(backup, notes)
    with pytest.raises(DatabaseUnusable) as refused:
        database.check_sound(notes)
    assert "yet the file itself is sound: the notedesk.sqlite3-wal beside it is not its own" in str(refused.value)
    assert "move notedesk.sqlite3-wal and notedesk.sqlite3-shm out of the data folder" in str(refused.value)
    assert notes.read_bytes() == backup.read_bytes()


def test_a_database_that_cannot_be_read_at_all_beside_a_write_ahead_log_gets_the_damaged_file_s_message(tmp_path, monkeypatch):
    (tmp_path / "notedesk.sqlite3").mkdir()  # what SQLite cannot open at all
    (tmp_path / "notedesk.sqlite3-wal").write_bytes(b"a log")
    monkeypatch.setattr(database, "latest_backup", lambda path: None)
    message = database.unusable_message(tmp_path / "notedesk.sqlite3", "unable to open database file")
    assert message.startswith(f"Cannot open the database {tmp_path / 'notedesk.sqlite3'} (unable to open database file). "
                              "Notedesk has not changed it. There is no backup of it yet")


LEDGER_MODEL = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    operations = [migrations.CreateModel("Entry", [("id", models.AutoField(primary_key=True)),
                                                   ("label", models.CharField(max_length=50))])]
"""
LEDGER_UPDATE = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.AddField("entry", "amount", models.IntegerField(default=0))]
"""
LEDGER_FAILING_UPDATE = """
from django.db import migrations


def convert(apps, schema_editor):
    raise ValueError("cannot read the amount 'n/a' of entry 1")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_amount")]
    operations = [migrations.RunPython(convert)]
"""


def ledger_project(folder: Path) -> Path:
    (folder / "ledger" / "migrations").mkdir(parents=True)
    (folder / "pyproject.toml").write_text('[project]\nversion = "2.0"\n\n[tool.desktop-shell]\nname = "Ledger"\n'
                                           'app-id = "org.example.Ledger"\nsettings = "ledger_settings"\n')
    (folder / "ledger_settings.py").write_text(textwrap.dedent("""
        INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions", "ledger"]
        ROOT_URLCONF = "ledger_urls"
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
        from django_desktop_shell.settings import desktop_settings
        desktop_settings(globals())
    """))
    (folder / "ledger_urls.py").write_text("from django.http import HttpResponse\nfrom django.urls import path\n\n"
                                           "urlpatterns = [path('', lambda request: HttpResponse('Ledger'))]\n")
    (folder / "launcher.py").write_text("from pathlib import Path\n\nfrom django_desktop_shell.process import launcher\n\n"
                                        "launcher.run_and_exit(Path(__file__).resolve().parent)\n")
    (folder / "ledger" / "__init__.py").write_text("")
    (folder / "ledger" / "migrations" / "__init__.py").write_text("")
    (folder / "ledger" / "migrations" / "0001_initial.py").write_text(LEDGER_MODEL)
    return folder


@pytest.mark.desktop
def test_a_launch_whose_migration_fails_half_way_puts_the_database_back_for_the_previous_version(tmp_path, app_env):
    # An update's migrations ran until a data migration raised on the person's rows: SQLite took
    # that one back, but the one before it stayed applied, so the new version stopped on the same
    # migration at every launch and the version before refused the database as a newer version's
    # ("install the newer version again to open it"): the person had no version that opened it.
    project, data_dir = ledger_project(tmp_path / "project"), tmp_path / "data"
    database_file, launcher_py = data_dir / "ledger.sqlite3", str(tmp_path / "project" / "launcher.py")

    def manage(*arguments):
        return subprocess.run([sys.executable, launcher_py, "--data-dir", str(data_dir), "manage", *arguments],
                              capture_output=True, text=True, env=app_env, timeout=60)

    assert manage("migrate").returncode == 0
    with closing(sqlite3.connect(database_file)) as writing, writing:
        writing.execute("INSERT INTO ledger_entry (label) VALUES ('rent')")
    migrations = project / "ledger" / "migrations"
    (migrations / "0002_amount.py").write_text(LEDGER_UPDATE)
    (migrations / "0003_convert.py").write_text(LEDGER_FAILING_UPDATE)

    copies_before = sorted((data_dir / "backups").glob("*"))  # none: the first migrate's database held nothing

    for _ in range(2):  # the person tries again: the same, and no earlier copy is pushed out
        update = subprocess.run([sys.executable, launcher_py, "--headless", "--data-dir", str(data_dir)],
                                capture_output=True, text=True, env=app_env, timeout=60)

        assert update.returncode == 1
        assert update.stderr.strip() == (
            f"ledger: Ledger 2.0 could not update the database {database_file}: its migration ledger.0003_convert "
            f"failed (ValueError: cannot read the amount 'n/a' of entry 1). The database is back as it was before the "
            f"update: nothing in it was lost, and the version of Ledger you had before opens it. Send the log file, "
            f"{data_dir / 'logs' / 'ledger.log'}, to Ledger's makers: it has the details.")
        assert sorted((data_dir / "backups").glob("*")) == copies_before
    assert "ValueError: cannot read the amount" in (data_dir / "logs" / "ledger.log").read_text()
    (migrations / "0002_amount.py").unlink()
    (migrations / "0003_convert.py").unlink()
    previous_version = manage("showmigrations", "ledger")
    assert previous_version.returncode == 0, previous_version.stderr
    assert previous_version.stdout.split() == ["ledger", "[X]", "0001_initial"]
    with closing(sqlite3.connect(database_file)) as reading:
        assert reading.execute("SELECT label FROM ledger_entry").fetchall() == [("rent",)]


ARCHIVE_FAILING_UPDATE = """
from django.db import migrations


def convert(apps, schema_editor):
    if schema_editor.connection.alias == "archive":
        raise ValueError("cannot read the amount 'n/a' of an archived entry")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_amount")]
    operations = [migrations.RunPython(convert)]
"""


@pytest.mark.desktop
def test_a_migration_failing_on_the_second_database_puts_the_first_back_too(tmp_path, app_env):
    """The first database migrated, the second's migration failed and that one alone was put back:
    the message said the version before opens the data, and it refused the first database as a
    newer version's ("install the newer version again to open it")."""
    project, data_dir = ledger_project(tmp_path / "project"), tmp_path / "data"
    settings_file = project / "ledger_settings.py"
    settings_file.write_text(settings_file.read_text().replace(
        '"NAME": "db.sqlite3"}}', '"NAME": "db.sqlite3"}, "archive": {"ENGINE": "django.db.backends.sqlite3", "NAME": "archive.sqlite3"}}'))
    launcher_py = str(project / "launcher.py")

    def manage(*arguments):
        return subprocess.run([sys.executable, launcher_py, "--data-dir", str(data_dir), "manage", *arguments],
                              capture_output=True, text=True, env=app_env, timeout=60)

    assert manage("migrate").returncode == 0
    assert manage("migrate", "--database", "archive").returncode == 0
    migrations = project / "ledger" / "migrations"
    (migrations / "0002_amount.py").write_text(LEDGER_UPDATE)
    (migrations / "0003_convert.py").write_text(ARCHIVE_FAILING_UPDATE)

    update = subprocess.run([sys.executable, launcher_py, "--headless", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, env=app_env, timeout=60)

    assert update.returncode == 1
    assert "The database is back as it was before the update" in update.stderr
    (migrations / "0002_amount.py").unlink()
    (migrations / "0003_convert.py").unlink()
    for alias in ("default", "archive"):
        previous_version = manage("showmigrations", "ledger", "--database", alias)
        assert previous_version.returncode == 0, previous_version.stderr
        assert previous_version.stdout.split() == ["ledger", "[X]", "0001_initial"]


@pytest.mark.desktop
def test_a_launch_that_migrates_says_how_many_of_its_migrations_are_done(tmp_path):
    project, data_dir = ledger_project(tmp_path / "project"), tmp_path / "data"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from django_desktop_shell import runtime
        from django_desktop_shell.identity import load
        from django_desktop_shell.process import paths, site
        data = Path({str(data_dir)!r}); paths.prepare_data_dir(data)
        site.configure(runtime.Runtime(identity=load(Path({str(project)!r})), data_dir=data))
        from django_desktop_shell.database import prepare_database
        prepare_database(lambda applied, total, new: print(applied, total, new))
    """)

    def launch():
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True).stdout

    first = launch().splitlines()
    total = int(first[0].split()[1])
    assert first == [f"{applied} {total} True" for applied in range(total + 1)]
    assert total > 10  # contenttypes', auth's and sessions' migrations, and the ledger's
    (project / "ledger" / "migrations" / "0002_amount.py").write_text(LEDGER_UPDATE)
    assert launch().splitlines() == ["0 1 False", "1 1 False"]
    assert launch() == ""  # nothing to migrate: nothing said
