"""The desktop defaults, applied over a project's own settings by one call at the end of them:

    from django_desktop_shell.settings import desktop_settings
    desktop_settings(globals())

What is safe is kept; what would leave the app open to other local programs and web pages, or
write outside the data folder, is replaced, and `report` lists each replacement (the launcher logs
them). The system checks (checks.py) then refuse a start if a later line undid any of it.
"""

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import url2pathname

from csp.constants import NONE, SELF
from django.conf import global_settings

from django_desktop_shell import runtime
from django_desktop_shell.secret_key import load_or_create_host_label, load_or_create_secret_key
from django_desktop_shell.time_zones import machine_time_zone  # noqa: F401 (for a project's TIME_ZONE)

APP = "django_desktop_shell"
# The middleware that gives every answer its security headers, and those a project's MIDDLEWARE
# loses: the ones the shell's own do the work of (it usually lists Django's two, and often
# WhiteNoise, which the shell's StaticFilesMiddleware is; kept, they would only do it again), and
# Django's GZipMiddleware, which compresses a streaming answer in blocks of kilobytes: it held a
# page's event stream back until the stream ended, and on loopback compressing saves no time.
HEADER_MIDDLEWARE = ["django_desktop_shell.headers.SecurityHeadersMiddleware"]
REPLACED_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.gzip.GZipMiddleware",
]
# In this order, ahead of the project's own: every answer, the Host check's 400 and the gate's
# 403 included, gets the security headers, and nothing of the site runs for a request the gate refuses.
SHELL_MIDDLEWARE = [
    *HEADER_MIDDLEWARE,
    "django_desktop_shell.middleware.ErrorFormatMiddleware",
    "django_desktop_shell.middleware.LoopbackHostMiddleware",
    "django_desktop_shell.middleware.LaunchGateMiddleware",
    "django_desktop_shell.middleware.ShellRoutesMiddleware",
    "django_desktop_shell.static_files.StaticFilesMiddleware",
    "django_desktop_shell.updates.banner.UpdateBannerMiddleware",  # does nothing unless the app updates itself
]
# Decades (desktop_settings says why), and not past 2**31 seconds: WebKit drops such a cookie at
# once, and every POST is refused.
CSRF_COOKIE_AGE = 50 * 365 * 24 * 60 * 60
SQLITE = "django.db.backends.sqlite3"
SPATIALITE = "django.contrib.gis.db.backends.spatialite"
FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"
PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
FINGERPRINTED_STATIC_STORAGE = "django_desktop_shell.static_files.FingerprintedStaticFilesStorage"
FILE_SYSTEM_STORAGE = "django.core.files.storage.FileSystemStorage"
SERVED_FILE_FINDER = "django_desktop_shell.static_files.ServedFileFinder"
WHOLE_FILE_STORAGE = "django_desktop_shell.storage.WholeFileSystemStorage"
DJANGO_TEMPLATES = "django.template.backends.django.DjangoTemplates"
REQUIRED_AFTER = ["django.middleware.csrf.CsrfViewMiddleware"]
# `manage check --deploy` asked for SecurityMiddleware and XFrameOptionsMiddleware, whose headers
# the shell's own middleware sends (desktop.E001, E008), and for Secure cookies, which never come
# back over the app's plain HTTP on loopback (desktop.E007).
DEPLOY_CHECKS_THE_SHELL_ANSWERS = ["security.W001", "security.W002", "security.W012", "security.W016"]
CSP_REPORT_PATH = "/_desktop/csp-report"  # csp_reports.py
DEFAULT_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "report-uri": [CSP_REPORT_PATH],
    }
}
# Room for the multipart boundaries and part headers around the files and fields of a body.
MULTIPART_OVERHEAD = 64 * 1024
# waitress's own limit, for a site that sets no limit on what Django takes in memory.
UNLIMITED_BODY = 1024 * 1024 * 1024
SQLITE_OPTIONS = {
    "timeout": 10,
    "transaction_mode": "IMMEDIATE",
    # WAL lets pages read while a save commits. synchronous=FULL makes every acknowledged write
    # durable even across a power cut, not only an app crash. secure_delete overwrites what is
    # deleted with zeros rather than leave it in the file's free pages (Debian's SQLite does so by
    # default, the SQLite of Python's own builds, which the Windows and macOS installers carry, not).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
}


def desktop_settings(namespace: dict) -> list[str]:
    """Apply the desktop defaults to a settings module's globals(); return what was replaced."""
    run = runtime.current
    if run is None:
        return []
    report = Report(namespace)
    namespace["DESKTOP_SETTINGS_APPLIED_IN"] = namespace.get("__name__")  # for the checks' hints, with split settings
    identity, port, data_dir = run.identity, run.port, run.data_dir
    frozen = getattr(sys, "frozen", False)

    report.set("DEBUG", run.dev)
    report.set("SECRET_KEY", load_or_create_secret_key(data_dir / "secret_key", keep=not run.read_only), show=False)
    hosts = host_settings(run)
    # The Host check (LoopbackHostMiddleware) holds the port too; Django's own ignores it.
    report.set("ALLOWED_HOSTS", hosts["ALLOWED_HOSTS"])
    report.set("CSRF_TRUSTED_ORIGINS", hosts["CSRF_TRUSTED_ORIGINS"])
    namespace.update(
        DESKTOP_APP_NAME=identity.name,
        DESKTOP_APP_VERSION=identity.version,
        DESKTOP_START_PATH=identity.start_path,
        DESKTOP_DATA_DIR=data_dir,
        DESKTOP_PORT=port,
        DESKTOP_ALLOWED_HOSTS=hosts["DESKTOP_ALLOWED_HOSTS"],
        DESKTOP_SESSION_HOST=hosts["DESKTOP_SESSION_HOST"],
        DESKTOP_LAUNCH_TOKEN=run.launch_token,
        DESKTOP_SESSION_TOKEN=run.session_token,
        DESKTOP_SESSION_COOKIE=identity.cookie_name("launch", port),
    )
    namespace.setdefault("DESKTOP_JSON_PATH_PREFIXES", ())
    # The largest request body the server reads: it refuses a larger one, and any body of a request
    # without the session, before reading it (process/server.py). A site that takes uploads says
    # its largest; by default it is what Django takes in memory, with room for a form's boundaries.
    namespace.setdefault("DESKTOP_MAX_REQUEST_BODY", default_max_request_body(namespace))

    # django-csp works as middleware alone; its app (template tags, checks for its 3.x settings)
    # stays only where the project lists it: its checks import importlib.metadata, ~5 ms a launch.
    apps = list(namespace.get("INSTALLED_APPS", []))
    if not lists_app(apps, APP):
        apps.append(APP)
    report.set("INSTALLED_APPS", apps, show=False)
    project_middleware = [name for name in namespace.get("MIDDLEWARE", [])
                          if name not in SHELL_MIDDLEWARE and name not in REPLACED_MIDDLEWARE]
    missing = [name for name in REQUIRED_AFTER if name not in project_middleware]
    report.set("MIDDLEWARE", [*SHELL_MIDDLEWARE, *project_middleware, *missing])

    databases = namespace.get("DATABASES") or {"default": {}}
    databases.setdefault("default", {})
    moved = {}  # the file each alias the shell moved was at, for desktop.E020
    for alias, database in databases.items():
        if read_only_sqlite(database):
            # Django's test runner would put a new, empty database in its place, without its tables,
            # and delete the file a TEST NAME named; a mirror of itself is read as it is.
            database.setdefault("TEST", {}).setdefault("MIRROR", alias)
        if not sqlite_database(database) or read_only_sqlite(database):
            continue  # a file shipped with the app is read where it lies, as it is
        wanted = {"ENGINE": database.get("ENGINE", SQLITE), "NAME": data_dir / sqlite_file_name(identity.slug, alias),
                  "OPTIONS": {**database.get("OPTIONS", {}), **SQLITE_OPTIONS}}
        # One connection per server thread, kept: opening one and running its PRAGMAs costs 1-2 ms.
        database.setdefault("CONN_MAX_AGE", None)
        if Path(str(database.get("NAME", ""))) != wanted["NAME"]:
            report.replaced.append(f"DATABASES[{alias!r}]['NAME'] (now in the data folder: {wanted['NAME']})")
            if database.get("NAME"):
                moved[alias] = Path(str(database["NAME"]))
        database.update(wanted)
    namespace["DATABASES"] = databases
    namespace["DESKTOP_MOVED_DATABASES"] = moved

    # A file cache beside the code is refused in an installed app (/opt, Program Files: every
    # view that sets it answers 500) and lost with the one-file binary's folder; one in /var/tmp
    # is shared with every other user and app.
    for alias, cache in (namespace.get("CACHES") or {}).items():
        if cache.get("BACKEND") != FILE_CACHE:
            continue
        location = data_dir / "cache" / alias
        if Path(str(cache.get("LOCATION", ""))) != location:
            report.replaced.append(f"CACHES[{alias!r}]['LOCATION'] (now in the data folder: {location})")
        cache["LOCATION"] = str(location)

    for kind, setting in (("sessionid", "SESSION_COOKIE"), ("csrftoken", "CSRF_COOKIE"), ("language", "LANGUAGE_COOKIE")):
        report.set(f"{setting}_NAME", identity.cookie_name(kind, port))
        report.set(f"{setting}_SAMESITE", "Strict")
        report.set(f"{setting}_HTTPONLY", True)
        report.set(f"{setting}_PATH", "/")
        report.set(f"{setting}_DOMAIN", None)
        report.set(f"{setting}_SECURE", False)  # the app is served over plain HTTP on loopback
    # The web view dates the CSRF cookie's end by its clock as it comes: a year, by Django's
    # default, and a clock put right by years while the app ran (a flat battery's, set by the
    # network) ended it, and every save was refused until the page was loaded again.
    report.set("CSRF_COOKIE_AGE", CSRF_COOKIE_AGE)
    # Django's language cookie lasts as long as the browser, and the window's ends at each quit: the
    # language a person chose in the app was gone at the next launch. An age of the project's own stays, None too.
    if "LANGUAGE_COOKIE_AGE" not in namespace:
        namespace["LANGUAGE_COOKIE_AGE"] = CSRF_COOKIE_AGE
    report.set("MESSAGE_STORAGE", "django_desktop_shell.messages.DesktopMessageStorage")
    report.set("CSRF_FAILURE_VIEW", "django_desktop_shell.errors.csrf_failure")
    report.set("SECURE_CONTENT_TYPE_NOSNIFF", True)
    report.set("SECURE_REFERRER_POLICY", "same-origin")
    report.set("X_FRAME_OPTIONS", "DENY")
    report.set("SECURE_SSL_REDIRECT", False)  # nothing answers https:// on loopback
    namespace["SILENCED_SYSTEM_CHECKS"] = [*namespace.get("SILENCED_SYSTEM_CHECKS", []), *DEPLOY_CHECKS_THE_SHELL_ANSWERS]
    # Cross-Origin-Opener-Policy keeps pages of other sites from holding a reference to this one
    # across window.open. A browser needs it; the app's own window never holds a page of another
    # origin (the navigation lock sends those to the browser), and there the header made WebKit
    # start a second web process for the first page, 0.11 s of every launch (docs/performance.md).
    report.set("SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin" if run.browser else None)
    policy = namespace.setdefault("CONTENT_SECURITY_POLICY", DEFAULT_CSP)
    if isinstance(policy, dict):  # a site's own policy reports its refusals to the log too
        policy.setdefault("DIRECTIVES", {}).setdefault("report-uri", [CSP_REPORT_PATH])
    report.set("LOGGING_CONFIG", None, show=False)  # the shell logs to a rotating file in the data folder
    if namespace.get("LOGGING"):
        report.replaced.append("LOGGING (every logger writes to the shell's log, in the data folder's logs/)")

    # A packaged build serves the static files its build collected into the bundle; a source
    # checkout serves them through the finders.
    namespace.setdefault("STATIC_URL", "/static/")
    if frozen:
        namespace["STATIC_ROOT"] = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "collected_static"
        namespace["STATICFILES_DIRS"] = []
    namespace["WHITENOISE_USE_FINDERS"] = not frozen
    finders = list(namespace.get("STATICFILES_FINDERS", global_settings.STATICFILES_FINDERS))
    if SERVED_FILE_FINDER not in finders:
        namespace["STATICFILES_FINDERS"] = [*finders, SERVED_FILE_FINDER]
    storages = namespace.setdefault("STORAGES", {})
    if storages.get("default", {}).get("BACKEND", FILE_SYSTEM_STORAGE) == FILE_SYSTEM_STORAGE:
        storages["default"] = {**storages.get("default", {}), "BACKEND": WHOLE_FILE_STORAGE}
    # django-compressor compressing ahead (COMPRESS_OFFLINE) finds each block's output in its
    # manifest by the block's {% static %} addresses as `manage compress` rendered them: plain, as
    # a fingerprint is not known until every static file, that output among them, is there.
    compressor = lists_app(apps, "compressor")
    compressed_ahead = compressor and bool(namespace.get("COMPRESS_OFFLINE"))
    if storages.get("staticfiles", {}).get("BACKEND", PLAIN_STATIC_STORAGE) == PLAIN_STATIC_STORAGE:
        storages["staticfiles"] = {"BACKEND": PLAIN_STATIC_STORAGE if compressed_ahead else FINGERPRINTED_STATIC_STORAGE}
    namespace["WHITENOISE_AUTOREFRESH"] = run.dev
    # Compressing as pages first use them, compressor writes each block's output by default under
    # STATIC_ROOT: beside the code, which an installed app may not write (/opt, Program Files) and
    # the one-file binary deletes as it quits. It goes to the data folder, from where the static
    # files middleware serves it. Compressed ahead, the output and its manifest are read where
    # `manage compress` wrote them: in a build, its static files.
    if compressed_ahead and frozen:
        namespace["COMPRESS_ROOT"] = namespace["STATIC_ROOT"]
    elif compressor and not compressed_ahead:
        report.set("COMPRESS_ROOT", data_dir / "compressor")
    if run.dev:
        namespace["TEMPLATES"] = [read_at_each_render(engine) for engine in namespace.get("TEMPLATES", [])]
    report.set("MEDIA_ROOT", data_dir / "media")
    # Django's default gives every upload 0644: the data folder is the owner's only, and what is
    # copied out of it (a backup) keeps its modes.
    report.set("FILE_UPLOAD_PERMISSIONS", 0o600)
    report.set("FILE_UPLOAD_DIRECTORY_PERMISSIONS", 0o700)
    namespace["DESKTOP_REPLACED_SETTINGS"] = report.replaced
    return report.replaced


def read_at_each_render(engine: dict) -> dict:
    """With --dev, a Django template engine that names no loaders reads its templates at each
    render, as the static files are served afresh: Django caches them whatever DEBUG is, and only
    runserver's autoreloader empties that cache. An edited template showed as it was until a
    restart, and a single-page app whose index.html `vite build` rewrote, deleting the hashed files
    the old one named, showed a blank page."""
    options = engine.get("OPTIONS", {})
    if engine.get("BACKEND") != DJANGO_TEMPLATES or "loaders" in options:
        return engine
    loaders = ["django.template.loaders.filesystem.Loader"]
    if engine.get("APP_DIRS"):
        loaders.append("django.template.loaders.app_directories.Loader")
    return {**{key: value for key, value in engine.items() if key != "APP_DIRS"}, "OPTIONS": {**options, "loaders": loaders}}


def lists_app(installed_apps: list[str], app: str) -> bool:
    """Whether INSTALLED_APPS lists `app` by its name or by an AppConfig of its apps module, as
    Django's docs list one: for the settings, read before apps.is_installed() can answer."""
    return any(name == app or name.startswith(f"{app}.apps.") for name in installed_apps)


def sqlite_database(database: dict) -> bool:
    """A SQLite file, plain or GeoDjango's SpatiaLite one (SQLite with spatial tables and functions):
    the shell keeps either in the data folder, checks it and backs it up."""
    return database.get("ENGINE", SQLITE) in (SQLITE, SPATIALITE)


def read_only_sqlite(database: dict) -> bool:
    """A SQLite database the project opens read-only, the way SQLite and Django have for it: NAME a
    `file:` URI with `mode=ro` or `immutable=1` (Django opens every SQLite NAME as a URI, OPTIONS'
    "uri" or not). Data shipped with the app (a catalogue), read from the install folder or the
    one-file binary's: never moved, migrated or written."""
    name = str(database.get("NAME", ""))
    if not sqlite_database(database) or not name.startswith("file:"):
        return False
    return sqlite_uri_parameters(database).get("mode") == ["ro"] or immutable_sqlite(database)


def immutable_sqlite(database: dict) -> bool:
    """A read-only database whose URI also says it never changes (`immutable=1`): SQLite takes no
    locks and makes no -shm file for it."""
    return sqlite_uri_parameters(database).get("immutable") == ["1"]


def sqlite_uri_parameters(database: dict) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(database["NAME"])).query)


def read_only_sqlite_path(database: dict) -> Path:
    return Path(url2pathname(urlsplit(str(database["NAME"])).path))


def sqlite_file_name(slug: str, alias: str) -> str:
    """The default database is <slug>.sqlite3; another SQLite database of the project's (an archive,
    a cache) is <slug>.<alias>.sqlite3 beside it, whose backups' names never match the default's."""
    return f"{slug}.sqlite3" if alias == "default" else f"{slug}.{alias}.sqlite3"


def host_settings(run: runtime.Runtime) -> dict:
    """The hosts this run answers, and the one its session lives on.

    The app's window uses 127.0.0.1. A browser gets a host name of this install's own,
    <random label>.<slug>.localhost: browsers resolve every name under .localhost to the loopback
    address themselves (RFC 6761), and they keep cookies by host name, not by port. On 127.0.0.1
    the session and CSRF cookies would go to every server on 127.0.0.1, whatever its port, that a
    link, a navigation or the address bar leads the browser to; on this name, only here. The
    session is opened (/launch/) on one host only: 127.0.0.1 for the window, this name in a browser.
    """
    browser = f"{load_or_create_host_label(run.data_dir / 'host_label', keep=not run.read_only)}.{run.identity.slug}.localhost:{run.port}"
    window = f"127.0.0.1:{run.port}"
    hosts = [window, f"localhost:{run.port}", browser]
    return {
        "ALLOWED_HOSTS": [host.rsplit(":", 1)[0] for host in hosts],
        "CSRF_TRUSTED_ORIGINS": [f"http://{host}" for host in hosts],
        "DESKTOP_ALLOWED_HOSTS": hosts,
        "DESKTOP_SESSION_HOST": browser if run.browser else window,
    }


def default_max_request_body(namespace: dict) -> int:
    in_memory = namespace.get("DATA_UPLOAD_MAX_MEMORY_SIZE", global_settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return UNLIMITED_BODY if in_memory is None else in_memory + MULTIPART_OVERHEAD


class Report:
    """Sets settings, noting each one the project had set to something else."""

    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.replaced: list[str] = []

    def set(self, name: str, value, *, show: bool = True) -> None:
        if name in self.namespace and self.namespace[name] != value:
            self.replaced.append(f"{name} (was {self.namespace[name]!r})" if show else name)
        self.namespace[name] = value
