"""`python -m embedded_site.serve`: waitress on the shell's channels and threads answers."""

import http.client
import os
import socket
import subprocess
import sys
import threading

import pytest
from django.db import connection as db_connection

from embedded_site import serve
from tests.conftest import ROOT


def test_the_server_answers_a_request(monkeypatch, settings, transactional_db):
    """Its channels, the body guard's, need the shell's pool of threads: on waitress's own, every
    request was dropped unanswered ("Exception when servicing", AttributeError)."""
    settings.SERVE_HOST, settings.SERVE_PORT = "127.0.0.1", 0
    monkeypatch.setattr(serve, "database_problem", lambda: None)
    monkeypatch.setattr("embedded_site.notes.upkeep.keep_up_in_background", lambda: None)
    made = []

    def create_server(*args, **kwargs):
        server = serve_create_server(*args, **kwargs)
        server.run = lambda: threading.Thread(target=type(server).run, args=(server,), daemon=True).start()
        made.append(server)
        return server

    serve_create_server = serve.create_server
    monkeypatch.setattr(serve, "create_server", create_server)
    serve.main()
    [server] = made
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        connection.request("GET", "/_desktop/health", headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b'{"status": "ok"}')
    finally:
        server.close()
        # The server's thread keeps its database connection (CONN_MAX_AGE): else the test database cannot be dropped.
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


GOOD_ENVIRONMENT = {
    "SECRET_KEY": "serve-test-" + "k" * 40, "ALLOWED_HOSTS": "notes.example.org", "NOTEDESK_DATA_DIR": "/tmp/x",
    "DATABASE_URL": "postgres://a@b/c", "DJANGO_SETTINGS_MODULE": "embedded_site.server_settings",
}


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("SECRET_KEY", None, "Set the environment variable SECRET_KEY (docs/server.md)."),
    # It listened on port 34463 (99999 modulo 65536), and with no thread answered nothing.
    ("PORT", "99999", "PORT is '99999': set it to a whole number from 0 to 65535 (docs/server.md)."),
    ("THREADS", "0", "THREADS is '0': set it to a whole number of 1 or more (docs/server.md)."),
    ("NOTEDESK_LOG_LEVEL", "loud",
     "NOTEDESK_LOG_LEVEL is 'LOUD': set it to one of DEBUG, INFO, WARNING, ERROR, CRITICAL (docs/server.md)."),
])
def test_a_wrong_setting_is_one_line_at_the_terminal(setting, value, message):
    """Until this, the message came at the end of a 20-line traceback (ImproperlyConfigured; for the
    log level, logging's "Unable to configure root logger" and nothing of which setting)."""
    env = {**os.environ, **GOOD_ENVIRONMENT, setting: value}
    if value is None:
        del env[setting]
    result = subprocess.run([sys.executable, "-m", "embedded_site.serve"], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stderr) == (1, f"Notedesk does not start: {message}\n")


@pytest.fixture
def starting(monkeypatch, settings):
    """serve.main() with a database that serves, and no upkeep."""
    settings.SERVE_HOST = "127.0.0.1"
    monkeypatch.setattr(serve, "database_problem", lambda: None)
    monkeypatch.setattr("embedded_site.notes.upkeep.keep_up_in_background", lambda: None)
    return settings


def test_a_port_in_use_is_one_line_at_the_terminal(starting):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        starting.SERVE_PORT = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            serve.main()
    assert str(stopped.value) == (f"Notedesk does not start: it cannot listen on 127.0.0.1:{starting.SERVE_PORT} "
                                  "(HOST and PORT in the environment): Address already in use.")


def test_a_data_folder_that_cannot_take_files_stops_the_start(starting, tmp_path):
    """Until this, the server started, and every upload, import and export failed."""
    (tmp_path / "a-file").write_text("")
    starting.DESKTOP_DATA_DIR = tmp_path / "a-file" / "data"
    with pytest.raises(SystemExit) as stopped:
        serve.main()
    assert str(stopped.value) == (f"Notedesk does not start: NOTEDESK_DATA_DIR {tmp_path}/a-file/data cannot take "
                                  "files: Not a directory.")
