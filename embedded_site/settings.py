"""Django settings for the site Notedesk embeds.

The desktop shell passes its choices through the environment before Django starts:
NOTEDESK_DATA_DIR (where everything is written), NOTEDESK_PORT (the loopback port it bound)
and NOTEDESK_DEBUG ("1" with --dev). Nothing here is meant to be edited per install.
"""

import os
import secrets
import sys
from pathlib import Path

from csp.constants import NONE, SELF

from embedded_site.secret_key import load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
UI_DIR = BASE_DIR / "ui"
DATA_DIR = Path(os.environ["NOTEDESK_DATA_DIR"])
PORT = int(os.environ.get("NOTEDESK_PORT", "0"))
DEBUG = os.environ.get("NOTEDESK_DEBUG") == "1"

SECRET_KEY = load_or_create_secret_key(DATA_DIR / "secret_key")

# Per-launch secrets: the window (or the holder of the --headless URL) opens /launch/?token=…
# once, and from then on proves itself with the session cookie.
NOTEDESK_LAUNCH_TOKEN = secrets.token_urlsafe(32)
NOTEDESK_SESSION_TOKEN = secrets.token_urlsafe(32)
NOTEDESK_SESSION_COOKIE = f"notedesk_session_{PORT}"

# Host is checked on every request by LoopbackHostMiddleware, with the port; Django's own
# check (which ignores the port) stays as a second line.
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
NOTEDESK_ALLOWED_HOSTS = [f"127.0.0.1:{PORT}", f"localhost:{PORT}"]
CSRF_TRUSTED_ORIGINS = [f"http://{host}" for host in NOTEDESK_ALLOWED_HOSTS]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "csp",
    "embedded_site.ajax_patterns",
    "embedded_site.notes",
]

# Order matters: the header middlewares come first so that every answer gets the headers,
# including the 400 and 403 that the Host check and the session gate give.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "embedded_site.csp_cache.CachedPolicyCSPMiddleware",  # django-csp's, with the header built once
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "embedded_site.middleware.ErrorFormatMiddleware",
    "embedded_site.middleware.LoopbackHostMiddleware",
    "embedded_site.middleware.LaunchSessionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "notedesk.sqlite3",
        # One connection per server thread, kept: opening one and running its PRAGMAs costs
        # 1-2 ms, a fifth of a small API answer (docs/performance.md).
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "timeout": 10,
            "transaction_mode": "IMMEDIATE",
            # WAL lets the UI read while a save commits. synchronous=FULL makes every
            # acknowledged save durable even across a power cut, not only an app crash:
            # notes are small and saves are debounced, so the fsync per commit is cheap.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads. A JSON request body (a note) may be a few MB; an upload above the memory size is
# spooled to a temporary file. The notes app enforces its own file limits while it reads.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
NOTEDESK_MAX_ATTACHMENT_SIZE = 25 * 1024 * 1024
NOTEDESK_MAX_IMPORT_SIZE = 200 * 1024 * 1024

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# A packaged build serves the files app.spec collected into the bundle; a source checkout
# serves ui/static directly (and collectstatic writes where NOTEDESK_COLLECT_STATIC_TO says).
FROZEN = getattr(sys, "frozen", False)
STATIC_ROOT = BASE_DIR / "collected_static" if FROZEN else os.environ.get("NOTEDESK_COLLECT_STATIC_TO")
STATICFILES_DIRS = [] if FROZEN else [UI_DIR / "static"]
WHITENOISE_USE_FINDERS = not FROZEN
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers, on every response (static files included, see MIDDLEWARE order).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
CSRF_COOKIE_NAME = f"notedesk_csrftoken_{PORT}"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "embedded_site.errors.csrf_failure"

LOGGING_CONFIG = None  # the shell configures stdlib logging (a rotating file in the data dir)
