"""System checks that refuse a desktop start which would be unsafe, or would not work, each saying
what to change.

They run at every launch (tag "desktop"); an Error stops the start. desktop_settings() sets all
of this; these catch a project that does not call it, or undoes part of it afterwards.
"""

import re
import sqlite3
import sys
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import router
from django.db.models import FileField
from django.utils.module_loading import import_string

from django_desktop_shell import runtime
from django_desktop_shell.database import tables_of
from django_desktop_shell.errors import size_in_english
from django_desktop_shell.settings import (SHELL_MIDDLEWARE, SPATIALITE, default_max_request_body, host_settings,
                                           immutable_sqlite, read_only_sqlite, read_only_sqlite_path, sqlite_database)
from django_desktop_shell.storage import file_system_storages
from django_desktop_shell.translations import project_apps_catalogue_folders, uncompiled_catalogues

TAG = "desktop"
FIX = "Call desktop_settings(globals()) at the end of your settings module, after every other setting."
REMOTE_ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["'](?P<url>(?:https?:)?//[^"']+)["']""", re.I)
TEMPLATE_SUFFIXES = (".html", ".htm", ".txt", ".xml")
COOKIES = ("SESSION_COOKIE", "CSRF_COOKIE", "LANGUAGE_COOKIE")
TEST_RUNNER_HOST = "testserver"  # what django.test.utils.setup_test_environment adds to ALLOWED_HOSTS
PRIVATE_REFERRER_POLICIES = {"same-origin", "no-referrer"}
WAL_MODE, WAL_MODE_OFFSET = b"\x02", 18  # the SQLite header's file format write version, in WAL mode


def fix() -> str:
    """How to apply the defaults again; for split settings, in which module."""
    applied_in = getattr(settings, "DESKTOP_SETTINGS_APPLIED_IN", None)
    if applied_in and applied_in != settings.SETTINGS_MODULE:
        return (f"desktop_settings(globals()) ran in {applied_in}, and {settings.SETTINGS_MODULE}, the settings module the "
                f"app starts with, sets its own values after it: call it at the end of {settings.SETTINGS_MODULE} instead.")
    return FIX


def running() -> runtime.Runtime | None:
    return runtime.current if runtime.current and runtime.current.port else None


@register(TAG, Tags.security)
def check_middleware(app_configs, **kwargs):
    if runtime.current is None:  # the project's own manage.py: not a desktop run, its settings as they are
        return []
    middleware = list(settings.MIDDLEWARE)
    if middleware[: len(SHELL_MIDDLEWARE)] == SHELL_MIDDLEWARE:
        return []
    missing = [name for name in SHELL_MIDDLEWARE if name not in middleware]
    problem = f"is missing {', '.join(missing)}" if missing else "has the shell's middleware after the site's own"
    return [Error(f"MIDDLEWARE {problem}: requests would reach the site without the launch gate and Host check.",
                  hint=f"The shell's middleware must come first, in this order: {', '.join(SHELL_MIDDLEWARE)}. {fix()}",
                  id="desktop.E001")]


@register(TAG, Tags.security)
def check_secret_key(app_configs, **kwargs):
    run = running()
    if not run:
        return []
    key_file = run.data_dir / "secret_key"
    if key_file.exists() and settings.SECRET_KEY == key_file.read_text(encoding="ascii").strip():
        return []
    if run.read_only and not key_file.exists():
        return []  # --diagnose of a folder never launched: the key was made for that run, not kept
    return [Error("SECRET_KEY is written in the settings, so every install shares it: anyone with the source can forge "
                  "sessions and signatures.",
                  hint=f"Remove the line that sets SECRET_KEY after desktop_settings(); the shell keeps a key per install "
                       f"in the data folder. {fix()}",
                  id="desktop.E002")]


@register(TAG, Tags.security)
def check_debug(app_configs, **kwargs):
    run = running()
    if not run or run.dev or not settings.DEBUG:
        return []
    return [Error("DEBUG is on without --dev: error pages would show source code and settings to any local program.",
                  hint=f"Do not set DEBUG after desktop_settings(); start with --dev to turn it on. {fix()}", id="desktop.E003")]


@register(TAG, Tags.security)
def check_hosts(app_configs, **kwargs):
    run = running()
    if not run:
        return []
    errors = []
    own = host_settings(run)
    test_runner_host = {TEST_RUNNER_HOST} if run.testing else set()
    wider_hosts = sorted(set(settings.ALLOWED_HOSTS) - set(own["ALLOWED_HOSTS"]) - test_runner_host)
    if wider_hosts:
        errors.append(Error(f"ALLOWED_HOSTS allows {', '.join(map(repr, wider_hosts))}, beyond this app's loopback address.",
                            hint=f"Leave ALLOWED_HOSTS to the shell. {fix()}", id="desktop.E004"))
    missing_hosts = sorted(set(own["ALLOWED_HOSTS"]) - set(settings.ALLOWED_HOSTS) - {"*"})
    if missing_hosts:
        errors.append(Error(f"ALLOWED_HOSTS leaves out {', '.join(map(repr, missing_hosts))}: Django would refuse the "
                            "launch and the app's own pages with a 400.",
                            hint=f"Leave ALLOWED_HOSTS to the shell. {fix()}", id="desktop.E004"))
    wider_hosts = sorted(set(settings.DESKTOP_ALLOWED_HOSTS) - set(own["DESKTOP_ALLOWED_HOSTS"]))
    if wider_hosts:
        errors.append(Error(f"DESKTOP_ALLOWED_HOSTS allows {', '.join(map(repr, wider_hosts))}, beyond this app's loopback "
                            "addresses.", hint=f"Leave DESKTOP_ALLOWED_HOSTS to the shell. {fix()}", id="desktop.E004"))
    wider_origins = sorted(set(settings.CSRF_TRUSTED_ORIGINS) - set(own["CSRF_TRUSTED_ORIGINS"]))
    if wider_origins:
        errors.append(Error(f"CSRF_TRUSTED_ORIGINS trusts {', '.join(map(repr, wider_origins))}: pages there could post "
                            "to this app.", hint=f"Leave CSRF_TRUSTED_ORIGINS to the shell. {fix()}", id="desktop.E004"))
    if settings.DESKTOP_SESSION_HOST != own["DESKTOP_SESSION_HOST"]:
        errors.append(Error(f"DESKTOP_SESSION_HOST is {settings.DESKTOP_SESSION_HOST!r}: the session cookie would be set on "
                            f"a host other than {own['DESKTOP_SESSION_HOST']!r}.",
                            hint=f"Leave DESKTOP_SESSION_HOST to the shell. {fix()}", id="desktop.E004"))
    return errors


@register(TAG, Tags.database)
def check_database(app_configs, **kwargs):
    run = running()
    if not run or run.testing:  # the test runner's database is a throwaway one (in memory, by default)
        return []
    errors = []
    for alias, database in settings.DATABASES.items():
        if not sqlite_database(database):
            continue
        if read_only_sqlite(database):
            errors += check_shipped_database(alias, database)
            continue
        location = Path(str(database.get("NAME", ""))).resolve()
        if not location.is_relative_to(run.data_dir.resolve()):
            errors.append(Error(
                f"The database {alias!r} is at {location}, outside the data folder {run.data_dir}: in a packaged app that "
                "is a read-only or temporary folder, and every change would be lost.",
                hint=f"Leave DATABASES['{alias}']['NAME'] to the shell, or put it under settings.DESKTOP_DATA_DIR. {fix()}",
                id="desktop.E005"))
    return errors


@register(TAG, Tags.database)
def check_databases_the_shell_cannot_keep(app_configs, **kwargs):
    """A database other than SQLite (PostgreSQL, MySQL) is left as the project set it: said at the
    launch, as the shell keeps none of the person's data safe there."""
    run = running()
    if not run or run.testing:
        return []
    return [Warning(
        f"The database {alias!r} is {database.get('ENGINE')} ({database.get('HOST') or 'local'}): a person's computer "
        "has no such server unless they set one up, and the shell does nothing for it that it does for a SQLite one "
        "in the data folder: no check at start, no backups, no migrations at start, not in a copy of the data folder.",
        hint=f"Use SQLite for what the app keeps on the person's computer, or migrate it yourself "
             f"(`manage migrate --database {alias}`) and back it up with its own tools.", id="desktop.W017")
        for alias, database in settings.DATABASES.items() if not sqlite_database(database)]


@register(TAG, Tags.database)
def check_spatialite_loads(app_configs, **kwargs):
    """SpatiaLite is an extension SQLite loads as each connection opens, and a Python's sqlite3 may
    be built unable to load any (pyenv's, by default): the app would stop at its first query, and a
    build made with that Python, which carries its sqlite3, on every computer."""
    if hasattr(sqlite3.Connection, "enable_load_extension"):
        return []
    return [Error(
        f"The database {alias!r} is SpatiaLite, which SQLite loads as an extension, and this Python's sqlite3 "
        f"({sys.executable}) cannot load extensions: the app would stop at its first query, and an app built with "
        "this Python on every computer.",
        hint="Run and build it with a Python whose sqlite3 loads extensions: Debian's and Ubuntu's python3, "
             "Homebrew's, python.org's installers; pyenv builds one with "
             "PYTHON_CONFIGURE_OPTS=--enable-loadable-sqlite-extensions.", id="desktop.E022")
        for alias, database in settings.DATABASES.items() if database.get("ENGINE") == SPATIALITE]


@register(TAG, Tags.database)
def check_moved_databases_the_router_leaves_empty(app_configs, **kwargs):
    """A database file of the project's with tables (data shipped with the app, in a plain path), moved
    to the data folder as a new file its router lets no migration fill: every query of it would fail."""
    run = running()
    if not run or run.testing:
        return []
    errors = []
    for alias, project_file in getattr(settings, "DESKTOP_MOVED_DATABASES", {}).items():
        if any(router.allow_migrate_model(alias, model) for model in apps.get_models(include_auto_created=True)):
            continue
        tables = []
        with suppress(sqlite3.DatabaseError):  # not a SQLite file: nothing of it is lost
            tables = tables_of(project_file)
        if tables:
            errors.append(Error(
                f"The database {alias!r} is the file {project_file}, with tables ({', '.join(tables[:5])}), but the app "
                f"opens {settings.DATABASES[alias]['NAME']} in the data folder instead, where DATABASE_ROUTERS let no "
                "migration make a table: every query of it would fail with \"no such table\".",
                hint="If it is data shipped with the app and only read, open it read-only where it is: NAME = "
                     "(BASE_DIR / ...).as_uri() + '?mode=ro'. If the app writes it, copy it to "
                     f"{settings.DATABASES[alias]['NAME']} before the first launch.",
                id="desktop.E020"))
    return errors


def check_shipped_database(alias: str, database: dict) -> list[Error]:
    """A read-only database shipped with the app must be found from any working directory, be there,
    and open from a read-only folder."""
    location = read_only_sqlite_path(database)
    where = "Name it from the code's own folder: (BASE_DIR / 'catalogue.sqlite3').as_uri() + '?mode=ro'."
    if not location.is_absolute():
        return [Error(f"The read-only database {alias!r} is at {str(location)!r}, relative to the working directory: the "
                      "installed app, started from a menu, would look for it in the person's home folder.",
                      hint=where, id="desktop.E019")]
    if not location.is_file():
        return [Error(f"The read-only database {alias!r} is at {location}, which does not exist.", hint=where,
                      id="desktop.E019")]
    # With mode=ro, SQLite opens a database in WAL mode only where it can make its -shm file beside it.
    if not immutable_sqlite(database) and sqlite_write_version(location) == WAL_MODE:
        return [Error(f"The read-only database {alias!r}, {location}, is in WAL mode: it opens from the source, but SQLite "
                      "cannot open it from a read-only install folder (/opt, Program Files): \"unable to open database file\".",
                      hint=f"Ship it in SQLite's default journal mode: sqlite3 {location.name} 'PRAGMA journal_mode=DELETE'.",
                      id="desktop.E019")]
    return []


def sqlite_write_version(location: Path) -> bytes:
    """The file format write version in a SQLite file's header, read alone: a shipped catalogue may
    be gigabytes, and this runs at every launch."""
    with location.open("rb") as file:
        file.seek(WAL_MODE_OFFSET)
        return file.read(1)


@register(TAG, Tags.files)
def check_media_root(app_configs, **kwargs):
    run = running()
    if not run:
        return []
    data_dir = run.data_dir.resolve()
    return [Error(f"Uploaded files ({source}) go to {location}, outside the data folder {run.data_dir}: in a packaged "
                  "app that is a read-only or temporary folder, and every upload would be lost.",
                  hint=f"Leave MEDIA_ROOT to the shell, and give a storage of your own a location under "
                       f"settings.DESKTOP_DATA_DIR (a relative one is taken from the folder the app starts in). {fix()}",
                  id="desktop.E005")
            for source, location in file_system_storages() if not location.is_relative_to(data_dir)]


@register(TAG, Tags.files)
def check_upload_size(app_configs, **kwargs):
    """A model that takes files, in a project that never said how large a body the app reads: the
    default is Django's DATA_UPLOAD_MAX_MEMORY_SIZE, which leaves files out under runserver and
    counts them here, so a 3 MB photo that runserver took got a 413 in the app alone, before the
    form or the serializer saw it."""
    limit = settings.DESKTOP_MAX_REQUEST_BODY if running() else None
    in_memory = {"DATA_UPLOAD_MAX_MEMORY_SIZE": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    if limit is None or limit != default_max_request_body(in_memory):
        return []
    fields = [f"{model._meta.label}.{field.name}" for model in apps.get_models() for field in model._meta.fields
              if isinstance(field, FileField)]
    if not fields:
        return []
    return [Warning(
        f"{', '.join(fields)} take{'s' if len(fields) == 1 else ''} uploads, but DESKTOP_MAX_REQUEST_BODY is not set: "
        f"the app refuses any request larger than {size_in_english(limit)} with a 413 (\"The request is larger than "
        f"{size_in_english(limit)}…\"), before your form or serializer sees it, where runserver takes the file.",
        hint="Set DESKTOP_MAX_REQUEST_BODY in your settings to your largest upload plus "
             "django_desktop_shell.settings.MULTIPART_OVERHEAD, even to keep this limit (docs/shipping-your-django-app.md, "
             "section 3).", id="desktop.W028")]


@register(TAG, Tags.security)
def check_plain_http(app_configs, **kwargs):
    if not running():
        return []
    https_only = [name for name in ("SECURE_SSL_REDIRECT", *(f"{cookie}_SECURE" for cookie in COOKIES))
                  if getattr(settings, name)]
    if not https_only:
        return []
    return [Error(f"{', '.join(https_only)} {'is' if len(https_only) == 1 else 'are'} on, but the app is served over plain "
                  "HTTP on 127.0.0.1: every request would be redirected to an https:// address nothing answers, or its "
                  "cookies never sent back, so every form would be refused.",
                  hint=f"Remove these lines after desktop_settings(); loopback traffic never leaves the machine. {fix()}",
                  id="desktop.E007")]


@register(TAG, Tags.security)
def check_security_headers(app_configs, **kwargs):
    if not running():
        return []
    weaker = []
    if not settings.SECURE_CONTENT_TYPE_NOSNIFF:
        weaker.append("SECURE_CONTENT_TYPE_NOSNIFF=False")
    if settings.X_FRAME_OPTIONS != "DENY":
        weaker.append(f"X_FRAME_OPTIONS={settings.X_FRAME_OPTIONS!r}")
    policy = settings.SECURE_REFERRER_POLICY
    policies = {part.strip() for part in policy.split(",")} if isinstance(policy, str) else set(policy or ())
    if not policies or not policies <= PRIVATE_REFERRER_POLICIES:
        weaker.append(f"SECURE_REFERRER_POLICY={policy!r} (other sites would learn the app's address)")
    if not weaker:
        return []
    return [Error(f"Security headers weaker than the shell's: {'; '.join(weaker)}.",
                  hint=f"Remove these lines after desktop_settings(). {fix()}", id="desktop.E008")]


@register(TAG, Tags.security)
def check_cookies(app_configs, **kwargs):
    run = running()
    if not run:
        return []
    weaker = []
    for setting in COOKIES:
        name = getattr(settings, f"{setting}_NAME")
        if not name.endswith(f"_{run.port}") or not name.startswith(run.identity.cookie_prefix):
            weaker.append(f"{setting}_NAME={name!r} (not named for this app and port)")
        if getattr(settings, f"{setting}_SAMESITE") != "Strict":
            weaker.append(f"{setting}_SAMESITE={getattr(settings, f'{setting}_SAMESITE')!r}")
        if not getattr(settings, f"{setting}_HTTPONLY"):
            weaker.append(f"{setting}_HTTPONLY=False")
        if getattr(settings, f"{setting}_DOMAIN"):
            weaker.append(f"{setting}_DOMAIN={getattr(settings, f'{setting}_DOMAIN')!r}")
    if settings.MESSAGE_STORAGE != "django_desktop_shell.messages.DesktopMessageStorage":
        weaker.append(f"MESSAGE_STORAGE={settings.MESSAGE_STORAGE!r} (its cookie is not named for this app and port)")
    if not weaker:
        return []
    return [Error(f"Cookie settings weaker than the shell's: {'; '.join(weaker)}.",
                  hint=f"Remove these lines after desktop_settings(). {fix()}", id="desktop.E006")]


@register(TAG, Tags.staticfiles)
def check_static_manifest(app_configs, **kwargs):
    """A manifest storage (Django's ManifestStaticFilesStorage, WhiteNoise's compressed one) names
    each static file by the manifest `collectstatic` writes; without one every page that uses
    {% static %} is a 500, the error page included. A build collects the files (and writes the
    manifest) into the bundle; run from the source, there may be none. With DEBUG (--dev) the
    storage gives the plain names and needs none."""
    if not running() or getattr(sys, "frozen", False) or settings.DEBUG:
        return []
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if not issubclass(import_string(backend), ManifestFilesMixin):
        return []
    try:  # Django's manifest storage reads its manifest as it is made: without STATIC_ROOT, it cannot be made
        storage = storages["staticfiles"]
        if storage.read_manifest() is not None:
            return []
        where = f"there is none at {storage.manifest_storage.path(storage.manifest_name)}"
    except ImproperlyConfigured:
        where = "and STATIC_ROOT, where it would be, is not set"
    return [Error(
        f"STORAGES['staticfiles'] is {backend}, which names every static file by the manifest collectstatic writes, "
        f"{where}: every page that uses {{% static %}} would fail with a 500.",
        hint="Leave the static files to the shell: in the settings module the desktop app starts with, set "
             "STORAGES = {\"default\": STORAGES[\"default\"]} before desktop_settings(globals()); its own storage gives "
             "each file a fingerprinted address without a collectstatic, and a build collects them either way. Or, with a "
             "STATIC_ROOT set, run `python launcher.py manage collectstatic --noinput`, again after every change to a "
             "static file.",
        id="desktop.E009")]


@register(TAG)
def check_offline_compression(app_configs, **kwargs):
    """With COMPRESS_OFFLINE, django-compressor renders each `{% compress %}` block from the
    manifest `manage compress` writes, and every page with a block is a 500 without it. A build
    compresses into the bundle (collect_bundle_static); run from the source, there may be none.
    Read from the settings compressor's app fills in as it loads, not from compressor's modules,
    which a build would otherwise carry into every app."""
    if not running() or getattr(sys, "frozen", False) or not apps.is_installed("compressor"):
        return []
    if not (settings.COMPRESS_ENABLED and settings.COMPRESS_OFFLINE):
        return []
    manifest = Path(settings.COMPRESS_ROOT, settings.COMPRESS_OUTPUT_DIR, settings.COMPRESS_OFFLINE_MANIFEST)
    if manifest.is_file():
        return []
    return [Error(
        f"COMPRESS_OFFLINE is on and there is no offline manifest at {manifest}: every page with a {{% compress %}} "
        "block would fail with a 500.",
        hint="Run `python launcher.py manage compress`, again after every change to a compressed file or block, as on a "
             "server. The build compresses into the app itself.",
        id="desktop.E021")]


@register(TAG)
def check_remote_assets(app_configs, **kwargs):
    if not running():
        return []
    warnings = []
    for directive, sources in (settings.CONTENT_SECURITY_POLICY or {}).get("DIRECTIVES", {}).items():
        for source in sources or ():
            if isinstance(source, str) and re.match(r"^(https?:)?//|^https?:$|^\*", source):
                warnings.append(Warning(
                    f"CONTENT_SECURITY_POLICY's {directive} allows {source!r}: the app would need the network, and "
                    "trust it.", hint="Vendor the asset into static/ and drop the remote source.", id="desktop.W001"))
    for template, url in remote_assets_in_templates():
        warnings.append(Warning(
            f"The template {template} loads {url}, which the Content-Security-Policy blocks (and which needs the network).",
            hint="Download it into your app's static/ folder and load it with {% static %} instead.", id="desktop.W001"))
    return warnings


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
LOCAL_MAIL_HOSTS = ("localhost", "127.0.0.1", "::1")
NO_MAIL_HOST = ""  # Django's backend then connects nowhere: "please run connect() first"
# Django's form (django.contrib.auth.urls, the admin's link to it) and django-allauth's have this name.
PASSWORD_RESET_VIEW = "PasswordResetView"


@register(TAG)
def check_password_reset_mail(app_configs, **kwargs):
    """Django's default mail server is one on this computer, which a person's desktop has none of
    (and settings reading it from the environment leave it empty there): a password reset form
    says the e-mail was sent (Django logs the failure and shows the same page, so as not to tell
    who has an account) and nothing is. Only for a site with logins (sessions and auth), so that
    the URLconf is not imported at the launch of any other."""
    mail_server = unreachable_mail_server()
    if not running() or mail_server is None:
        return []
    if not apps.is_installed("django.contrib.auth") or \
            "django.contrib.sessions.middleware.SessionMiddleware" not in settings.MIDDLEWARE:
        return []
    page = password_reset_page()
    if page is None:
        return []
    return [Warning(
        f"The site has a password reset form ({page}) and sends its e-mail to {mail_server}: the form says the "
        "e-mail was sent, and none is (the log says \"Failed to send password reset email\").",
        hint="Set EMAIL_HOST (with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) to a mail service "
             "the app may send through, or leave the form out of the desktop app: a forgotten password is reset with "
             f"`{running().identity.slug} manage changepassword <name>` (docs/shipping-your-django-app.md, \"Logins\").",
        id="desktop.W002")]


def unreachable_mail_server() -> str | None:
    """Where the site sends its e-mail, when that is nowhere a person's computer has: Django's default
    SMTP server on localhost, or none at all."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND or settings.EMAIL_HOST not in (*LOCAL_MAIL_HOSTS, NO_MAIL_HOST):
        return None
    if settings.EMAIL_HOST == NO_MAIL_HOST:
        return "no mail server: EMAIL_HOST is empty"
    return (f"a mail server on this computer ({settings.EMAIL_HOST}:{settings.EMAIL_PORT}), which a person's computer "
            "does not have")


# django-allauth's default, and what its older spelling (True, False) means.
ALLAUTH_VERIFICATION_DEFAULT = "optional"
ALLAUTH_VERIFICATION_SPELLED_AS_BOOLEAN = {True: "mandatory", False: "optional"}


@register(TAG)
def check_allauth_address_confirmation_mail(app_configs, **kwargs):
    """django-allauth sends the confirmation of a new address from the sign-up view itself, and a mail
    it cannot send raises there: cookiecutter-django's sign-up answered 500 on every desktop."""
    mail_server = unreachable_mail_server()
    if not running() or mail_server is None or not apps.is_installed("allauth.account"):
        return []
    verification = getattr(settings, "ACCOUNT_EMAIL_VERIFICATION", ALLAUTH_VERIFICATION_DEFAULT)
    verification = ALLAUTH_VERIFICATION_SPELLED_AS_BOOLEAN.get(verification, verification)
    if verification == "none":
        return []
    logins = (", and no one whose address is unconfirmed can log in (the log-in sends the confirmation again)"
              if verification == "mandatory" else "")
    return [Warning(
        f"django-allauth confirms each address by e-mail (ACCOUNT_EMAIL_VERIFICATION is {verification!r}) and sends it "
        f"to {mail_server}: signing up answers 500 Internal Server Error (the log says why the mail could not be "
        f"sent){logins}.",
        hint="Set ACCOUNT_EMAIL_VERIFICATION = \"none\" after desktop_settings() in the settings the app starts with "
             "(on one person's computer there is no one to confirm an address to), or set EMAIL_HOST (with EMAIL_PORT, "
             "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) to a mail service the app may send through "
             "(docs/shipping-your-django-app.md, \"Logins on a desktop\").",
        id="desktop.W038")]


def password_reset_page() -> str | None:
    """The address of the first password reset form in the URLconf, whatever its URL name: a view
    class named PasswordResetView, or a subclass of one."""
    from django.urls import URLResolver, get_resolver

    def routes(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), getattr(pattern.callback, "view_class", None)

    for route, view_class in routes(get_resolver().url_patterns, "/"):
        if view_class and any(cls.__name__ == PASSWORD_RESET_VIEW for cls in view_class.__mro__):
            return route
    return None


CACHE_SESSIONS = "django.contrib.sessions.backends.cache"
CACHES_ENDING_WITH_THE_APP = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@register(TAG)
def check_uncompiled_translations(app_configs, **kwargs):
    """Run from the source, a catalogue of the project's never compiled gave that language's pages
    in the source strings, without a word of why (the build stops on it: packaging/contents.py)."""
    run = running()
    if not run or getattr(sys, "frozen", False) or not settings.USE_I18N:
        return []
    app_names = [config.name for config in apps.get_app_configs()]
    folders = [*(folder for folder in map(Path, settings.LOCALE_PATHS) if folder.is_dir()),
               *project_apps_catalogue_folders(run.identity.project_dir, app_names)]
    uncompiled = uncompiled_catalogues(folders)
    if not uncompiled:
        return []
    return [Warning(
        f"{', '.join(map(str, uncompiled))}: not compiled (no .mo file beside it), so pages in that language show "
        "untranslated: Django reads only the .mo.",
        hint="Run `python manage.py compilemessages` (it needs GNU gettext's msgfmt), again after each change to a .po "
             "file; a build stops until it is done.", id="desktop.W048")]


@register(TAG)
def check_cache_backends_import(app_configs, **kwargs):
    """A cache backend misspelt, or its package left out, let the app start, and every page that
    used the cache answered 500; nor could the launch tell whether the cache keeps a table in the
    database (database.is_database_cache)."""
    refused = []
    for alias, cache in settings.CACHES.items():
        backend = cache.get("BACKEND", "")
        try:
            import_string(backend)
        except ImportError as error:
            refused.append(Error(
                f"CACHES[{alias!r}]['BACKEND'] is {backend!r}, which cannot be imported ({error}).",
                hint="Name a cache backend class by its full dotted path, one of Django's "
                     "(django.core.cache.backends.…) or your own, whose package the app has.", id="desktop.E010"))
    return refused


@register(TAG)
def check_sessions_outlive_the_app(app_configs, **kwargs):
    """Sessions kept only in a cache held in the app's memory end with it: the window keeps its
    session cookie from launch to launch, and the session it names is gone."""
    if not running() or settings.SESSION_ENGINE != CACHE_SESSIONS:
        return []
    backend = settings.CACHES.get(settings.SESSION_CACHE_ALIAS, {}).get("BACKEND")
    if backend not in CACHES_ENDING_WITH_THE_APP:
        return []
    return [Warning(
        f"SESSION_ENGINE keeps the sessions only in the cache {settings.SESSION_CACHE_ALIAS!r}, a {backend.rsplit('.', 1)[1]} "
        "held in the app's memory: every quit ends every session, and the person has to log in again at each launch.",
        hint="Use SESSION_ENGINE = \"django.contrib.sessions.backends.cached_db\" (or Django's default, the database) in "
             "the desktop app.", id="desktop.W003")]


ALLAUTH_SOCIAL_ACCOUNTS = "allauth.socialaccount"
# Its provider apps: without one it shows no "Log in with …" (cookiecutter-django installs it so, and
# its users app imports it, so that leaving it out stopped the start).
ALLAUTH_PROVIDERS = "allauth.socialaccount.providers."
OUTSIDE_PROVIDER_LOGIN_APPS = {
    ALLAUTH_SOCIAL_ACCOUNTS: "django-allauth's social accounts",
    "social_django": "social-auth-app-django",
    "mozilla_django_oidc": "mozilla-django-oidc",
}


@register(TAG)
def check_outside_provider_logins(app_configs, **kwargs):
    """A login with an outside provider (OAuth 2, OpenID Connect) needs the provider's redirect to
    come back to the page that asked for it, with its session: the window hands the provider's page
    to the system browser (the navigation lock), and the browser's redirect back has no session
    with the app, so the launch gate refuses it."""
    run = running()
    if not run:
        return []
    installed = {name: [name] for name in OUTSIDE_PROVIDER_LOGIN_APPS if apps.is_installed(name)}
    if ALLAUTH_SOCIAL_ACCOUNTS in installed:
        providers = [config.name for config in apps.get_app_configs() if config.name.startswith(ALLAUTH_PROVIDERS)]
        if providers:
            installed[ALLAUTH_SOCIAL_ACCOUNTS] = providers
        else:
            del installed[ALLAUTH_SOCIAL_ACCOUNTS]
    if not installed:
        return []
    return [Warning(
        f"{', '.join(OUTSIDE_PROVIDER_LOGIN_APPS[name] for name in installed)} "
        f"({', '.join(app for apps_of_it in installed.values() for app in apps_of_it)}) cannot log anyone "
        "in to the desktop app: its \"Log in with …\" opens the provider's page in the system browser, not in the window, "
        f"and the provider sends the browser back to http://127.0.0.1:{run.port}/…, where the browser has no session with "
        "the app and gets the shell's 403 page; the window stays on the page it was on, logged out.",
        hint="In the desktop app, log people in with accounts of the app's own database and leave the provider's apps "
             "out of INSTALLED_APPS (docs/shipping-your-django-app.md, \"Logins on a desktop\").",
        id="desktop.W007")]


def remote_assets_in_templates():
    for folder in template_folders():
        for path in sorted(folder.rglob("*")):
            if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                for match in REMOTE_ASSET.finditer(path.read_text(encoding="utf-8", errors="replace")):
                    yield path, match["url"]


def template_folders() -> list[Path]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    if any(engine.get("APP_DIRS") for engine in settings.TEMPLATES):
        folders += [Path(config.path) / "templates" for config in apps.get_app_configs()
                    if not config.name.startswith("django.")]
    return [folder for folder in folders if folder.is_dir()]


REALTIME_DOC = "docs/shipping-your-django-app.md, \"Websockets, task queues and schedules\""


@register(TAG)
def check_websockets(app_configs, **kwargs):
    """ASGI_APPLICATION is read by Channels and Daphne, never by Django: a project sets it only to
    serve websockets (or other ASGI protocols) beside its pages."""
    application = getattr(settings, "ASGI_APPLICATION", None)
    if not running() or not application:
        return []
    return [Warning(
        f"ASGI_APPLICATION is {application!r}, but the desktop app serves the site over WSGI: a websocket the page opens "
        "is answered 404 and never connects (the log says \"Not Found: /ws/…\"), and a consumer never runs.",
        hint="Send live updates as server-sent events from a view that streams a plain generator, or poll with fetch(); "
             f"keep the consumer for your server ({REALTIME_DOC}).", id="desktop.W004")]


@register(TAG)
def check_admin_map_widgets(app_configs, **kwargs):
    """Django's map widget for geometry fields (GISModelAdmin's, and a plain ModelAdmin's) loads
    OpenLayers from a CDN, its base map from online tile servers, and starts from an inline script."""
    if not running() or not apps.is_installed("django.contrib.gis") or not apps.is_installed("django.contrib.admin"):
        return []
    from django.contrib.admin.sites import all_sites
    from django.contrib.gis.db.models import GeometryField
    from django.contrib.gis.forms import OpenLayersWidget

    widgets = {}
    for site in all_sites:
        for model, model_admin in site._registry.items():
            for field in model._meta.fields:
                if isinstance(field, GeometryField) and issubclass(widget := admin_widget(model_admin, field), OpenLayersWidget):
                    widgets[f"{model._meta.label}.{field.name}"] = widget.__name__
    if not widgets:
        return []
    return [Warning(
        f"The admin edits {', '.join(widgets)} with Django's OpenLayers map ({', '.join(sorted(set(widgets.values())))}), "
        "which loads OpenLayers from cdn.jsdelivr.net and its map from an online tile server, and starts from an inline "
        "script: the app's Content-Security-Policy refuses all three, so the map is blank and its text box hidden, and "
        "a person can neither enter nor change those fields.",
        hint="Give them a text box, which takes WKT or GeoJSON (gis_widget = django.forms.Textarea on a GISModelAdmin), "
             "or a map widget of your own whose script and tiles are in your static files (docs/shipping-your-django-"
             "app.md, \"A GeoDjango project\").", id="desktop.W058")]


def admin_widget(model_admin, field) -> type:
    """The widget class the admin edits a geometry field with, asked without a request (none is at
    hand at the launch). An admin that reads the request there (request.user) is judged by the
    widget its class names (GISModelAdmin's gis_widget) or the field's own: a check that raised
    stopped the start."""
    try:
        return type(getattr(model_admin.formfield_for_dbfield(field, request=None), "widget", None))
    except Exception:
        return getattr(model_admin, "gis_widget", None) or type(field.formfield().widget)


@register(TAG)
def check_task_broker(app_configs, **kwargs):
    broker = getattr(settings, "CELERY_BROKER_URL", None)
    if not running() or not broker or getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return []
    return [Warning(
        f"CELERY_BROKER_URL sends tasks to {without_password(broker)}, a broker and workers a person's computer does not "
        "have: a view that queues a task (.delay(), .apply_async()) waits on the broker (\"Connection to Redis lost: "
        "Retry\"), and no worker ever runs it.",
        hint="Set CELERY_TASK_ALWAYS_EAGER = True after desktop_settings() in the settings the app starts with, so that a "
             f"task runs in the request that queues it, or run a slow one in a thread of yours ({REALTIME_DOC}).",
        id="desktop.W005")]


@register(TAG)
def check_task_queues(app_configs, **kwargs):
    """The other task queues (django-q2, django-rq, Huey) hand tasks to a worker process of their
    own, which nothing starts on a person's computer; each has a setting that runs a task at once
    where it is queued, as CELERY_TASK_ALWAYS_EAGER does."""
    if not running():
        return []
    queues = []
    if apps.is_installed("django_q") and not getattr(settings, "Q_CLUSTER", {}).get("sync"):
        queues.append(("django-q2 (django_q) hands async_task() to a cluster (manage qcluster)",
                       "Set Q_CLUSTER['sync'] = True"))
    waiting = [name for name, queue in getattr(settings, "RQ_QUEUES", {}).items() if queue.get("ASYNC", True)]
    if apps.is_installed("django_rq") and waiting:
        queues.append((f"django-rq puts jobs on the queues {', '.join(map(repr, waiting))} for an rqworker",
                       "Set 'ASYNC': False in each of RQ_QUEUES' queues"))
    huey = getattr(settings, "HUEY", {})
    # Huey's default is DEBUG: a --dev launch would run the tasks, and the installed app would not.
    immediate = huey.get("immediate") if isinstance(huey, dict) else huey.immediate
    if apps.is_installed("huey.contrib.djhuey") and not immediate:
        queues.append(("Huey (huey.contrib.djhuey) hands tasks to a consumer (manage run_huey)",
                       "Set HUEY['immediate'] = True"))
    return [Warning(
        f"{queue}, which never runs on a person's computer: a queued task never runs.",
        hint=f"{setting} after desktop_settings() in the settings the app starts with, so that a task runs in the request "
             f"that queues it, or run a slow one in a thread of yours ({REALTIME_DOC}).",
        id="desktop.W005") for queue, setting in queues]


@register(TAG)
def check_periodic_jobs(app_configs, **kwargs):
    if not running():
        return []
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None) or {}
    if schedule:
        jobs = f"CELERY_BEAT_SCHEDULE has {len(schedule)} periodic job{'s' if len(schedule) > 1 else ''} " \
               f"({', '.join(map(repr, schedule))}), and no celery beat runs"
    elif apps.is_installed("django_celery_beat"):
        jobs = "django_celery_beat is installed, its periodic tasks kept in the database, and no celery beat runs"
    elif apps.is_installed("django_apscheduler"):
        jobs = ("django_apscheduler is installed, its jobs kept in the database for a scheduler started by a command of "
                "the project's own, and no such command runs")
    else:
        return []
    return [Warning(
        f"{jobs} on a person's computer: none of them ever runs.",
        hint="Run them from a thread of yours started on django_desktop_shell.signals.database_ready and stopped on "
             f"app_stopping, while the app is open ({REALTIME_DOC}).", id="desktop.W006")]


ANSWER_AFTER_THE_URLCONF = {"django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
                            "django.contrib.redirects.middleware.RedirectFallbackMiddleware"}


@register(TAG, Tags.urls)
def check_start_path(app_configs, **kwargs):
    """The window opens at start-path ("/" unless set) and has no address bar: a project whose
    URLconf has nothing there (an admin-only one, whose urls.py has only admin/) showed "Not Found"
    and no way on. A project whose flat pages or redirects (Django's fallback middleware, which
    answers what the URLconf does not) may serve the start path is not warned: what they hold is in
    the database, which the checks do not read."""
    if not running() or set(settings.MIDDLEWARE) & ANSWER_AFTER_THE_URLCONF:
        return []
    from django.conf.urls.i18n import is_language_prefix_patterns_used
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    if is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]:  # LocaleMiddleware redirects to the language's prefix
        return []
    start_path = urlsplit(settings.DESKTOP_START_PATH).path
    candidates = [start_path, f"{start_path}/"] if settings.APPEND_SLASH and not start_path.endswith("/") else [start_path]
    for candidate in candidates:
        with suppress(Resolver404):
            resolve(candidate)
            return []
    try:
        suggestion = f'start-path = "{reverse("admin:index")}" for your admin, or the path of another page of yours'
    except NoReverseMatch:
        suggestion = "start-path = the path of a page of yours"
    return [Warning(
        f"The window opens at {start_path}, where your URLconf ({settings.ROOT_URLCONF}) has no page: it shows \"Not "
        "Found\", and the window has no address bar to go anywhere else.",
        hint=f"Set {suggestion}, in [tool.desktop-shell] in pyproject.toml (docs/shipping-your-django-app.md, section 2).",
        id="desktop.W068")]


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
