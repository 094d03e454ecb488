"""The server process (embedded_site/serve.py): it keeps its notes within their limits from its
start (notes/upkeep.py), and refuses a stranger's large request from its headers alone
(accounts.body_refusal), before waitress keeps a byte of its body."""

import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest

from tests.reliability.conftest import poll
from tests.conftest import ROOT
from tests.sync.conftest import SyncServer, server_python


def test_the_server_empties_its_expired_trash_once_started(sync_postgres, tmp_path):
    server = SyncServer(sync_postgres, tmp_path / "server")
    server_python(server.environment, "-c", (
        "import django; django.setup()\n"
        "from datetime import timedelta\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from embedded_site.notes.models import Note\n"
        "person = get_user_model().objects.create(username='person')\n"
        "Note.objects.create(owner=person, title='Trashed long ago', trashed_at=timezone.now() - timedelta(days=31))\n"
        "Note.objects.create(owner=person, title='Trashed today', trashed_at=timezone.now())\n"
    ))

    def titles() -> list[str]:
        return server_python(server.environment, "-c", (
            "import django; django.setup()\n"
            "from embedded_site.notes.models import Note\n"
            "print(sorted(Note.objects.values_list('title', flat=True)))"
        )).strip()

    assert titles() == "['Trashed long ago', 'Trashed today']"
    server.start()
    try:
        poll(lambda: titles() == "['Trashed today']", 30, "the expired trash emptied")
    finally:
        server.stop()


def test_a_strangers_large_upload_is_refused_before_its_body_is_sent(sync_server):
    with socket.create_connection(("127.0.0.1", sync_server.port), timeout=10) as connection:
        connection.sendall(b"POST /api/jobs/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                           b"Content-Type: application/octet-stream\r\nContent-Length: 100000000\r\n\r\n")
        answer = b""  # answered at once, though not one byte of the body was sent, and closed
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]
    assert b"Log in first" in answer


@pytest.mark.parametrize(("database_exists", "message"), [
    (True, r"the database lacks \d+ migration\(s\) of this version: run `python -m django migrate` first"),
    (False, r"cannot reach the database of DATABASE_URL: connection failed: .* does not exist"),
])
def test_the_server_does_not_start_on_a_database_it_cannot_serve_from(sync_postgres, tmp_path, database_exists, message):
    """A database not migrated after an upgrade, or one it cannot reach: until this, the server
    started, and answered every request with a 500."""
    database = "unmigrated_" + uuid.uuid4().hex[:12]
    if database_exists:
        sync_postgres.create_database(database)
    environment = sync_postgres.environment(database, tmp_path)
    started = subprocess.run([sys.executable, "-m", "embedded_site.serve"], env=environment, cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 1
    assert re.match(f"Notedesk does not start: {message}", started.stderr)


def test_a_request_through_a_proxy_the_server_does_not_trust_is_named_in_the_log_once(sync_server):
    """Behind nginx without TRUSTED_PROXY: until this, HTTPS requests were redirected to HTTPS for
    ever, and the log said nothing of why."""
    for _ in range(2):
        request = urllib.request.Request(f"{sync_server.url}/api/sync/v1/changes/?since=0", headers={
            "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=30)
    log = sync_server.log.read_text()
    assert log.count("A request came through a reverse proxy (X-Forwarded-For, X-Forwarded-Proto, …) from 127.0.0.1, "
                     "which TRUSTED_PROXY does not name: its headers are ignored") == 1
    assert "Set TRUSTED_PROXY to the proxy's address (docs/server.md, Behind nginx)." in log
