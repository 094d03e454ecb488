"""The settings both modes share: the desktop's (settings.py) and a server's (server_settings.py)
start from these and add their own."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
UI_DIR = BASE_DIR / "ui"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "embedded_site.ajax_patterns",
    "embedded_site.notes",
    "embedded_site.sync",
    "embedded_site.open_with",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

ROOT_URLCONF = "embedded_site.urls"
WSGI_APPLICATION = "embedded_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [UI_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.csrf",
                "django.template.context_processors.static",
                "embedded_site.context_processors.notedesk",
            ],
        },
    },
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads. A JSON request body (a note) may be a few MB; an upload above the memory size is
# spooled to a temporary file. The notes app enforces its own file limits while it reads.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
NOTEDESK_MAX_ATTACHMENT_SIZE = 25 * 1024 * 1024
NOTEDESK_MAX_IMPORT_SIZE = 200 * 1024 * 1024
# Version history (embedded_site/notes/revisions.py): how long a revision is kept.
NOTEDESK_REVISIONS_KEPT_DAYS = 90

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [UI_DIR / "static"]

# Clients of the JSON API (scripts holding the launch token) get JSON errors without asking.
DESKTOP_JSON_PATH_PREFIXES = ("/api/",)
