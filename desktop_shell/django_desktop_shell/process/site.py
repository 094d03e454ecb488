"""The Django side as the launcher sees it: set up the project's settings for this run, refuse
an unsafe start, bring the database up to date, and hand over the WSGI app."""

import os
import pkgutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django_desktop_shell import runtime
from django_desktop_shell.process.errors import StartupError
from django_desktop_shell.process.server import DEFAULT_THREADS, BodyGuard

SHELL_HEALTH_PATH = "/_desktop/health"
LAUNCH_PATH = "/launch/"  # where the window's launch opens a session (middleware.LaunchGateMiddleware)
PROBE_PATH = "/_desktop/probe/"


@dataclass(frozen=True)
class Site:
    wsgi_app: object
    launch_path: str  # opens a session; carries the per-launch secret, so never log it
    session_origin: str  # where the session lives: 127.0.0.1 for the window, this install's own host in a browser
    health_path: str
    auth_headers: dict  # lets the shell's own requests (the health poll) through the launch gate
    body_guard: BodyGuard
    server_threads: int


def configure(run: runtime.Runtime) -> None:
    """Set up Django with the project's settings for this run: its data folder and port, a browser
    (--headless, --browser) or the app's own window, its launch secrets."""
    runtime.configure(run)
    identity = run.identity
    os.environ["DJANGO_SETTINGS_MODULE"] = identity.settings
    if str(identity.project_dir) not in sys.path:
        sys.path.insert(0, str(identity.project_dir))
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        # Read before django.setup(), which would set up the project's own LOGGING if the desktop
        # defaults did not replace it: the refusal below would then reach its handlers too.
        defaults_applied = hasattr(settings, "DESKTOP_LAUNCH_TOKEN")
        if defaults_applied:
            django.setup()
    except ImportError as error:
        raise StartupError(f"Cannot import the settings module {identity.settings!r} named in pyproject.toml: {error}.") from None
    except ImproperlyConfigured as error:
        if settings.configured:  # the module was read: an app's or a setting's own complaint, with its traceback
            raise
        if identity.settings in sys.modules:  # imported, then refused by Django as it read it (a tuple setting's type)
            raise StartupError(f"The settings module {identity.settings} cannot be used: {error}") from None
        # Raised by the module itself: django-environ's env() for a variable that is not set.
        raise StartupError(settings_need_the_environment(identity, error)) from None
    if not defaults_applied:
        raise StartupError(defaults_not_applied(identity))


def settings_need_the_environment(identity, error: Exception) -> str:
    message = str(error)
    ending = "" if message.endswith((".", "!", "?")) else "."
    return (f"The settings module {identity.settings} stopped as it was read: {message}{ending} A person's computer has "
            "none of your servers' environment variables, nor their .env file: set what the settings read from it in "
            "the module the app starts with, before it imports the others "
            f"(os.environ[\"DATABASE_URL\"] = \"sqlite:///{identity.slug}.sqlite3\": the shell puts the file in the data "
            "folder), or give each env() a default (docs/shipping-your-django-app.md, \"Split settings and "
            "django-environ\").")


APPLY_DEFAULTS = "    from django_desktop_shell.settings import desktop_settings\n    desktop_settings(globals())"


def defaults_not_applied(identity) -> str:
    """Why the settings module named was refused, and what to write where. A package (split
    settings, cookiecutter-django's config/settings/) is not where the lines go: its __init__.py
    holds no settings for them to apply to."""
    name = identity.settings
    module = sys.modules.get(name)
    if module is None or not hasattr(module, "__path__"):
        return (f"The settings module {name} does not apply the desktop defaults, so the app would run without its "
                f"protections. Add at its end:\n{APPLY_DEFAULTS}")
    init = Path(module.__file__ or next(iter(module.__path__)))  # a folder without __init__.py has no file
    if init.is_relative_to(identity.project_dir):
        init = init.relative_to(identity.project_dir)
    modules = ", ".join(sorted(f"{name}.{found.name}" for found in pkgutil.iter_modules(module.__path__) if not found.ispkg))
    return (f"The settings module {name} is a package ({init}), not the module of your settings: name one of its "
            f"modules in pyproject.toml's settings ({modules}). With split settings, one of the app's own is clearest, "
            f"{name}.desktop, holding `from .base import *` and, last, the desktop defaults:\n{APPLY_DEFAULTS}")


def refuse_unsafe_settings() -> list[str]:
    """Run the shell's system checks: raise on an Error (a setting that is unsafe, or that would
    stop the app from working), silenced or not, and return the texts of the warnings that
    SILENCED_SYSTEM_CHECKS does not name."""
    from django.core.checks import ERROR, run_checks

    from django_desktop_shell import checks

    messages = run_checks(tags=[checks.TAG], include_deployment_checks=False)
    errors = [message for message in messages if message.level >= ERROR]
    if errors:
        raise settings_refused(errors)
    return [f"{message.msg} {message.hint} ({message.id})" for message in messages if not message.is_silenced()]


def settings_refused(errors) -> StartupError:
    return StartupError("The settings cannot be used for a desktop app:\n" + "\n".join(
        f"- {message.msg} ({message.id}) {message.hint}" for message in errors))


class StartupProgress:
    """What the start is doing, for the loading view to say: told by the start's thread, read by the
    window's; and whether the databases are up to date (`migrated`), for a quit during the start."""

    def __init__(self):
        self.said: str | None = None
        self.changed = threading.Event()
        self.migrated = threading.Event()

    def say(self, text: str) -> None:
        self.said = text
        self.changed.set()

    def migrations(self, applied: int, total: int, new: bool) -> None:
        doing = "Setting up its database for the first launch" if new else \
            "Updating its database for this version (a copy of it was made first)"
        self.say(f"{doing}: {applied} of {total} steps done.")

    def wait_for_news(self, timeout: float) -> str | None:
        if not self.changed.wait(timeout):
            return None
        self.changed.clear()
        return self.said


def start(next_path: str = "/", progress: StartupProgress | None = None) -> Site:
    """Bring the database up to date (telling `progress` how far the migrations are), let the apps
    do their start-up work, return the WSGI app."""
    import sqlite3

    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import DatabaseError

    from django_desktop_shell.database import DatabaseUnusable, damaged_database, prepare_database
    from django_desktop_shell.signals import database_ready

    progress = progress or StartupProgress()
    try:
        prepare_database(progress.migrations)
        progress.migrated.set()
        database_ready.send(sender=Site)
    except DatabaseUnusable as error:
        raise StartupError(str(error)) from None
    except (DatabaseError, sqlite3.DatabaseError) as error:
        damaged = damaged_database(error)
        if damaged is None:
            raise
        raise StartupError(str(damaged)) from error
    identity = runtime.current.identity
    token = settings.DESKTOP_LAUNCH_TOKEN
    return Site(
        wsgi_app=get_wsgi_application(),
        launch_path=launch_path(token, next_path),
        session_origin=f"http://{settings.DESKTOP_SESSION_HOST}",
        health_path=identity.health_path or SHELL_HEALTH_PATH,
        auth_headers={"Authorization": f"Bearer {token}"},
        body_guard=body_guard(),
        server_threads=server_threads(),
    )


def launch_path(token: str, next_path: str) -> str:
    return f"{LAUNCH_PATH}?{urlencode({'token': token, 'next': next_path})}"


def body_guard() -> BodyGuard:
    """The server's check of request bodies (process/server.py), from the site's settings."""
    from django.conf import settings

    from django_desktop_shell.middleware import body_refusal, body_unkept

    return BodyGuard(limit=settings.DESKTOP_MAX_REQUEST_BODY, refusal=body_refusal, unkept=body_unkept)


def server_threads() -> int:
    from django.conf import settings

    # Requests served at once; each streaming answer or long poll holds a thread while it lasts.
    threads = getattr(settings, "DESKTOP_SERVER_THREADS", DEFAULT_THREADS)
    if type(threads) is not int or threads < 1:
        raise StartupError(f"DESKTOP_SERVER_THREADS is {threads!r}: it must be a whole number, 1 or more.")
    return threads


# runserver's address is not one the shell's Host check takes, and nothing opens a launch for it.
RUNSERVER_REFUSED = ("`manage runserver` would answer every request 400: the app's server answers its own window only. "
                     "For a window with DEBUG on, run `python launcher.py --dev`; for a browser, `python launcher.py "
                     "--headless --dev`; for runserver on your own settings, `python manage.py runserver`.")


def run_management_command(argv: list[str]) -> None:
    """Run a Django command on the data folder as it is: only a launch, or `migrate`, migrates."""
    from django.core.management import execute_from_command_line

    from django_desktop_shell.checks import check_spatialite_loads
    from django_desktop_shell.database import DatabaseUnusable, pending_migrations_warning, run_migrate_command

    if argv[:1] == ["runserver"]:
        raise StartupError(RUNSERVER_REFUSED)
    # The one check whose failure is the database failing to open, which a command does before
    # Django's checks run (the backup before `migrate`, the migrations pending before the others).
    unloadable = check_spatialite_loads(None)
    if unloadable:
        raise settings_refused(unloadable)
    program = f"{runtime.current.identity.slug} manage"

    def run(arguments):
        execute_from_command_line([program, *arguments])

    try:
        if argv[:1] == ["migrate"]:
            run_migrate_command(argv, run)
            return
        warning = pending_migrations_warning()
    except DatabaseUnusable as error:
        raise StartupError(str(error)) from None
    if warning:
        print(f"{runtime.current.identity.slug}: {warning}", file=sys.stderr)
    run(argv)
