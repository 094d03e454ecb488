"""Settings for pytest-django: Notedesk's real settings, as the shell sets them up for a launch,
on a throwaway data folder and a fixed port (docs/shipping-your-django-app.md, "Testing")."""

import os
from pathlib import Path

from django_desktop_shell import testing

testing.configure(Path(__file__).resolve().parent.parent)

from embedded_site.settings import *  # noqa: E402,F403

# A file, not the in-memory default, so the live server's waitress threads share the test DB.
DATABASES["default"]["TEST"] = {"NAME": DESKTOP_DATA_DIR / "test.sqlite3"}  # noqa: F405

# Playwright's sync API keeps an asyncio loop running in the test thread; Django would otherwise
# refuse the test framework's own DB calls (flush, fixtures) from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
