"""Settings for pytest-django: the real settings, on a throwaway data dir and a fixed port."""

import os
import tempfile

os.environ.setdefault("NOTEDESK_DATA_DIR", tempfile.mkdtemp(prefix="notedesk-test-"))
os.environ.setdefault("NOTEDESK_PORT", "8765")

from embedded_site.settings import *  # noqa: E402,F403

# A file, not the in-memory default, so the live server's waitress threads share the test DB.
DATABASES["default"]["TEST"] = {"NAME": DATA_DIR / "test.sqlite3"}  # noqa: F405

# Playwright's sync API keeps an asyncio loop running in the test thread; Django would otherwise
# refuse the test framework's own DB calls (flush, fixtures) from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
