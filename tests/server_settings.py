"""Settings for the tests of server mode (make test-server): Notedesk's server settings, on a
PostgreSQL cluster in a throwaway folder that tests/server_mode.py starts for the session."""

import os
import tempfile
from pathlib import Path

CLUSTER_FOLDER = Path(tempfile.mkdtemp(prefix="notedesk-test-pg-", dir="/tmp"))
os.environ.update({
    "SECRET_KEY": "tests-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "CSRF_TRUSTED_ORIGINS": "https://testserver",
    # Where the cluster's socket will be: the session fixture starts it there before any query.
    "DATABASE_URL": "postgres://notedesk@" + str(CLUSTER_FOLDER).replace("/", "%2F") + "/notedesk",
    "NOTEDESK_DATA_DIR": tempfile.mkdtemp(prefix="notedesk-test-server-"),
})

from embedded_site.server_settings import *  # noqa: E402,F403

# Playwright's sync API keeps an asyncio loop running in the test thread (tests/settings.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
