import json
import sqlite3

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.backends.signals import connection_created

from embedded_site.notes.models import Attachment, Note
from embedded_site.notes.owners import local_owner
from embedded_site.notes.search_query import PINNED_WORD_INDEX, WORD_INDEX
from embedded_site.notes.tagging import set_tags

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
# The `index` a search answers with when it matches substrings: FTS5's trigram index on the
# desktop, a scan on PostgreSQL (embedded_site/notes/search_postgres.py).
SUBSTRING_INDEX = "scan" if getattr(settings, "NOTEDESK_SERVER", False) else "trigram"


def check_search_index() -> None:
    """Raise unless the FTS5 word indexes hold exactly the notes' current text, and the pinned
    notes' one theirs alone (FTS5's own check). On PostgreSQL, whose vector column the database
    generates: unless its GIN index is there, valid."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'notes_note_search'::regclass")
            assert cursor.fetchone() == (True,)
            return
        for index in (WORD_INDEX, PINNED_WORD_INDEX):
            cursor.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")


class Api:
    """The notes API called as the UI's ajax.js calls it: X-Requested-With set, JSON bodies."""

    def __init__(self, client):
        self.client = client

    def get(self, path, params=None):
        return self.client.get(path, params or {}, **XHR)

    def post(self, path, payload=None):
        return self.client.post(path, json.dumps(payload or {}), content_type="application/json", **XHR)

    def patch(self, path, payload):
        return self.client.patch(path, json.dumps(payload), content_type="application/json", **XHR)

    def delete(self, path):
        return self.client.delete(path, **XHR)

    def preview(self, body, **fields):
        """The HTML of the preview of `body` (`note`: the note whose files it may show)."""
        response = self.post("/api/preview/", {"body": body, **fields})
        assert response.status_code == 200, response.content
        return response.json()["html"]

    def upload(self, path, name, content, **extra):
        return self.client.post(path, {"file": SimpleUploadedFile(name, content)}, **XHR, **extra)


# More ids than a query may carry anywhere: SQLite's own builds take 32,766 variables (Debian's
# 250,000), PostgreSQL's protocol 65,535 parameters.
TOO_MANY_FOR_ONE_QUERY = 70_000


@pytest.fixture
def sqlite_as_most_systems_build_it():
    """Every SQLite connection of the test, the test's own and a job thread's, as SQLite's own
    build makes it: at most 32,766 variables in a query, where Debian's (this machine's) takes
    250,000."""

    def limit(connection, **kwargs):
        if connection.vendor == "sqlite":
            connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)

    connection_created.connect(limit)
    if connection.connection is not None:
        limit(connection)
    yield
    connection_created.disconnect(limit)


@pytest.fixture(autouse=True)
def attachments_dir(tmp_path, monkeypatch):
    """Each test's attachment files in a folder of its own, so a test can see all it stored."""
    folder = tmp_path / "attachments"
    monkeypatch.setattr(Attachment.file.field, "storage", FileSystemStorage(location=folder))
    return folder


@pytest.fixture
def owner(request, db):
    """Whose notes the API shows the test's client: the desktop's local owner; on a server, the
    user the client is logged in as."""
    if getattr(settings, "NOTEDESK_SERVER", False):
        return request.getfixturevalue("server_user")
    return local_owner()


@pytest.fixture
def api(client, owner):
    """As at a launch, the local owner exists before the first request."""
    return Api(client)


@pytest.fixture
def make_note(owner):
    def make(title="A note", body="", tags=(), **fields):
        note = Note.objects.create(owner=owner, title=title, body=body, **fields)
        set_tags(owner, {note.pk: list(tags)})
        return note

    return make
