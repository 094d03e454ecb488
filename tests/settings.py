"""Settings for pytest-django: the real settings, on a throwaway data dir and a fixed port."""

import os
import tempfile

os.environ.setdefault("NOTEDESK_DATA_DIR", tempfile.mkdtemp(prefix="notedesk-test-"))
os.environ.setdefault("NOTEDESK_PORT", "8765")

from embedded_site.settings import *  # noqa: E402,F403
