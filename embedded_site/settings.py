"""Django settings for Notedesk on the desktop: the settings both modes share, then the desktop
shell's defaults (data folder, port, secrets, security middleware, cookies, SQLite), applied over
them by the last line. A server uses server_settings.py instead."""

from django_desktop_shell.settings import MULTIPART_OVERHEAD, desktop_settings, machine_time_zone

from embedded_site.common_settings import *  # noqa: F403
from embedded_site.common_settings import MIDDLEWARE, NOTEDESK_MAX_IMPORT_SIZE

# The person's own zone, which Django gives the process and so the window: the note list's and the
# history's times, the dates in a Markdown export's zip, the days counted as launch days.
TIME_ZONE = machine_time_zone()

# Django's CommonMiddleware is left out on the desktop: the shell checks the Host exactly and
# gives every answer its length; its slash-appending redirects are for typed addresses, which the
# app has none of. No login on the desktop: every request is the local owner's (notes/owners.py).
MIDDLEWARE = [*(name for name in MIDDLEWARE if name != "django.middleware.common.CommonMiddleware"),
              "embedded_site.notes.owners.LocalOwnerMiddleware"]

# The largest body the server reads at all: an import file, in its multipart form.
DESKTOP_MAX_REQUEST_BODY = NOTEDESK_MAX_IMPORT_SIZE + MULTIPART_OVERHEAD

# Files and links opened from outside, and files dropped onto the editor (django_desktop_shell.opening).
DESKTOP_OPEN_FILES = "embedded_site.open_with.handlers.open_files"
DESKTOP_OPEN_URL = "embedded_site.open_with.handlers.open_url"

# Sync with a server (docs/sync.md): how often, in seconds, a connected device asks it for news.
NOTEDESK_SYNC_INTERVAL = 60

desktop_settings(globals())
