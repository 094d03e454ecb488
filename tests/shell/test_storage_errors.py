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


@pytest.fixture
def read_only_file():
    """Makes a file read-only for this user, as a sync service or another program may: its mode for
    a user, its immutable attribute for root, whom no mode stops; undone after the test."""
    made = []

    def make(path):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", str(path)], check=True)
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
