"""What the person is told when a write fails: the data folder's fault, said so, or the app's own."""

import os
import sqlite3
import subprocess
from contextlib import closing

import pytest
from django.conf import settings

from django_desktop_shell.storage_errors import READ_ONLY, storage_problem


def test_a_write_to_a_database_shipped_read_only_is_not_blamed_on_the_data_folder(monkeypatch, tmp_path):
    """A view that wrote to the catalogue shipped with the app, which the project opens read-only, was
    answered 503 "The folder that holds your data has become read-only… Make it writable again (or
    restart the computer)", the data folder being as writable as ever: the person was sent to fix
    what was not broken, and the developer misled. It is the app's own error (a 500, logged)."""
    own = tmp_path / "polls.sqlite3"  # the app's own database, there and writable
    sqlite3.connect(own).close()
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", own)
    catalogue = tmp_path / "catalogue.sqlite3"
    with closing(sqlite3.connect(catalogue)) as database:
        database.execute("CREATE TABLE plant (name TEXT)")
    name = catalogue.as_uri() + "?mode=ro"
    monkeypatch.setitem(settings.DATABASES, "catalogue",
                        {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": {"uri": True}})
    with closing(sqlite3.connect(name, uri=True)) as reading, pytest.raises(sqlite3.OperationalError) as refused:
        reading.execute("INSERT INTO plant VALUES ('sage')")
    assert refused.value.sqlite_errorname == "SQLITE_READONLY"
    assert storage_problem(refused.value) is None


def test_a_second_database_deleted_while_the_app_runs_is_said_to_be_gone(monkeypatch, tmp_path):
    """The shell looked for the default database alone: a project's second database in the data
    folder (its analytics), deleted by a cleaner or a sync service, refused every write to it, and
    the person was answered "something went wrong" instead of what happened and what to do."""
    own = tmp_path / "app.sqlite3"
    sqlite3.connect(own).close()
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", own)
    analytics = tmp_path / "analytics.sqlite3"
    monkeypatch.setitem(settings.DATABASES, "analytics", {"ENGINE": "django.db.backends.sqlite3", "NAME": analytics})
    with closing(sqlite3.connect(analytics)) as writing:
        writing.execute("CREATE TABLE visit (page TEXT)")
        writing.commit()
        analytics.unlink()
        with pytest.raises(sqlite3.OperationalError) as refused:
            writing.execute("INSERT INTO visit VALUES ('/')")
    assert storage_problem(refused.value) == (
        f"The database file was moved or deleted while {settings.DESKTOP_APP_NAME} was running, so nothing was "
        f"saved. Quit {settings.DESKTOP_APP_NAME}, put its data folder back, and start it again.")


@pytest.fixture
def read_only_file():
    """Makes a file read-only for this user, as a sync service or another program may: its mode for
    a user, its immutable attribute for root, whom no mode stops; undone after the test."""
    made = []

    def make(path):
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip(f"root, and the file system of {path} has no immutable attribute: no way to make it read-only")
        else:
            path.chmod(0o444)
        made.append(path)

    yield make
    for path in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_write_to_the_apps_own_database_made_read_only_says_so(monkeypatch, tmp_path, read_only_file):
    """The data folder writable, the app's database file in it read-only (a sync service's doing):
    the person is told the data is read-only, not that the app failed (a 500)."""
    own = tmp_path / "polls.sqlite3"
    with closing(sqlite3.connect(own)) as database, database:
        database.execute("CREATE TABLE note (body TEXT)")
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", own)
    monkeypatch.setattr(settings, "DESKTOP_DATA_DIR", tmp_path)
    read_only_file(own)
    with closing(sqlite3.connect(own)) as writing, pytest.raises(sqlite3.OperationalError) as refused:
        writing.execute("INSERT INTO note VALUES ('tea')")
    assert refused.value.sqlite_errorname == "SQLITE_READONLY"
    assert storage_problem(refused.value) == READ_ONLY
