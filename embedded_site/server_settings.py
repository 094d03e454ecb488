"""Django settings for Notedesk as a multi-user server (docs/server.md): the settings both modes
share, configured from the environment, on PostgreSQL, behind a reverse proxy that ends HTTPS.

None of the desktop shell's desktop layers is here (the loopback Host check, the launch token,
per-port cookies), nor its app, whose system checks require them: people log in with Django's
auth, and CSRF protects the browser UI as on the desktop. The shell's security headers, CSP and
error answers are shared.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from django_desktop_shell.identity import load as load_identity
from django_desktop_shell.settings import DEFAULT_CSP, HEADER_MIDDLEWARE

from embedded_site.common_settings import *  # noqa: F403
from embedded_site.common_settings import BASE_DIR, INSTALLED_APPS, TEMPLATES


def environment(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name} (docs/server.md).")
    return value


FLAG_VALUES = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def flag(name: str, default: bool) -> bool:
    value = environment(name, "1" if default else "0").strip().lower()
    if value not in FLAG_VALUES:
        # A typo must not turn a protection off: NOTEDESK_HTTPS=ture was taken as 0.
        raise ImproperlyConfigured(f"{name} is {value!r}: set it to 1 or 0 (docs/server.md).")
    return FLAG_VALUES[value]


def number(name: str, default: str, least: int = 0, most: int | None = None) -> int:
    value = environment(name, default).strip()
    if not value.isdigit() or int(value) < least or (most is not None and int(value) > most):
        # PORT=99999 listened on port 34463 (99999 modulo 65536); THREADS=0 answered nothing.
        bounds = f"from {least} to {most}" if most is not None else f"of {least} or more"
        raise ImproperlyConfigured(f"{name} is {value!r}: set it to a whole number {bounds} (docs/server.md).")
    return int(value)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def log_level() -> str:
    level = environment("NOTEDESK_LOG_LEVEL", "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise ImproperlyConfigured(f"NOTEDESK_LOG_LEVEL is {level!r}: set it to one of {', '.join(LOG_LEVELS)} "
                                   "(docs/server.md).")
    return level


def names(name: str, default: str | None = None) -> list[str]:
    return [item.strip() for item in environment(name, default).split(",") if item.strip()]


def secret_key() -> str:
    """SECRET_KEY, refused when it is too short or too plain to keep sessions and device
    accounts unforgeable (Django's own deploy check asks the same, but only when run)."""
    key = environment("SECRET_KEY")
    if len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be 50 or more random characters (docs/server.md): make one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    return key


def allowed_hosts() -> list[str]:
    hosts = names("ALLOWED_HOSTS")
    if not hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS is empty: every request would be refused. Set it to the host "
                                   "names the server answers, comma-separated: notes.example.org (docs/server.md).")
    return hosts


def database(url: str) -> dict:
    try:
        parsed = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except ValueError:
        parsed = {"ENGINE": None}
    if parsed["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL is not a PostgreSQL database's URL: the server's is "
                                   "postgres://USER:PASSWORD@HOST:5432/NAME (docs/server.md).")
    return parsed


NOTEDESK_SERVER = True
# Where waitress listens, and its threads (serve.py).
SERVE_HOST = environment("HOST", "127.0.0.1")
SERVE_PORT = number("PORT", "8000", most=65535)  # 0: a free port, which the start prints
SERVE_THREADS = number("THREADS", "8", least=1)
identity = load_identity(BASE_DIR)
DESKTOP_APP_NAME = identity.name
DESKTOP_APP_VERSION = identity.version
DESKTOP_START_PATH = identity.start_path  # where the error pages' way back leads

SECRET_KEY = secret_key()
DEBUG = False
ALLOWED_HOSTS = allowed_hosts()
# The origins the browser UI is served from, as the browser sees them (https://notes.example.org).
CSRF_TRUSTED_ORIGINS = names("CSRF_TRUSTED_ORIGINS", "")
DATABASES = {"default": database(environment("DATABASE_URL"))}

# The server's own folder: uploads and exports being made, and attachments on the file system.
DESKTOP_DATA_DIR = Path(environment("NOTEDESK_DATA_DIR"))

# Attachments (models.attachment_storage): the file system by default; S3 with NOTEDESK_STORAGE=s3.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
match environment("NOTEDESK_STORAGE", "filesystem"):
    case "filesystem":
        STORAGES["attachments"] = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": DESKTOP_DATA_DIR / "attachments"},
        }
    case "s3":
        # Credentials as boto3 finds them: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role.
        STORAGES["attachments"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": environment("NOTEDESK_S3_BUCKET"),
                "region_name": environment("NOTEDESK_S3_REGION", "") or None,
                "endpoint_url": environment("NOTEDESK_S3_ENDPOINT_URL", "") or None,
                "location": environment("NOTEDESK_S3_PREFIX", "attachments"),
                "default_acl": None,
                "querystring_auth": True,  # files are served through the app, never from a public bucket
                "file_overwrite": False,
            },
        }
    case other:
        raise ImproperlyConfigured(f"NOTEDESK_STORAGE is {other!r}: it is filesystem or s3.")

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "django.contrib.sessions",
    "django.contrib.postgres",
    "embedded_site.devices",
    "csp",
]
MIDDLEWARE = [
    *HEADER_MIDDLEWARE,
    "django_desktop_shell.middleware.ErrorFormatMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "embedded_site.accounts.LoginRequiredMiddleware",
    "embedded_site.time_zones.BrowserTimeZoneMiddleware",  # each person's days in their own zone
]
ROOT_URLCONF = "embedded_site.server_urls"
TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.contrib.auth.context_processors.auth")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# The login rate limit (accounts.py) counts in the cache: one waitress process, so its memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# HTTPS, ended by the reverse proxy. NOTEDESK_HTTPS=0 only to try the server on plain http://localhost.
HTTPS = flag("NOTEDESK_HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
# The health check answers over plain HTTP too: a monitor on the machine polls waitress's own port
# (shell_routes.py), where a redirect to https://127.0.0.1/ reached nothing. It tells nothing private.
SECURE_REDIRECT_EXEMPT = [r"^_desktop/health$"]
SECURE_HSTS_SECONDS = number("NOTEDESK_HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = flag("NOTEDESK_HSTS_INCLUDE_SUBDOMAINS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# The header the proxy sets to say the request came over HTTPS: trust it only behind that proxy.
if proxy_ssl_header := environment("NOTEDESK_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "django_desktop_shell.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = DEFAULT_CSP

WHITENOISE_USE_FINDERS = True  # the UI's few static files, served from the source: no collectstatic

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"dated": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"paths_without_words": {"()": "django_desktop_shell.log_paths.PathsWithoutWords"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "dated", "filters": ["paths_without_words"]},
    },
    "root": {"handlers": ["console"], "level": log_level()},
}
