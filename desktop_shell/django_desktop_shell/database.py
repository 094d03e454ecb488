"""Bringing the SQLite databases up to date at start, without ever risking the person's notes.

A launch whose database has every migration file of the installed apps recorded as applied (the
usual case) learns it from the file names and one query, without importing the migrations.
Otherwise Django's migration graph decides what is pending.

Each database a launch keeps is brought up to date: the default, and every other SQLite database
of the project's (desktop_settings() put them all in the data folder). Migrations run under a
file lock (a `manage` command may race a launch). Before any migration touches an existing
database, a copy goes to <data dir>/backups through SQLite's backup API; the newest BACKUPS_KEPT
copies of each are kept. A database SQLite cannot read stops the start with a
message naming the file and the latest backup: nothing is overwritten.
"""

import os
import pkgutil
import sqlite3
from datetime import datetime, timezone
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from filelock import FileLock

from django_desktop_shell.settings import SQLITE

BACKUPS_KEPT = 5


class DatabaseUnusable(Exception):
    """The database file cannot be read or is damaged; the message tells the person what to do."""


def database_path(alias: str = DEFAULT_DB_ALIAS) -> Path:
    return Path(settings.DATABASES[alias]["NAME"])


def kept_databases() -> list[str]:
    """The databases a launch migrates and backs up: the default, and every SQLite one."""
    return [alias for alias, database in settings.DATABASES.items()
            if alias == DEFAULT_DB_ALIAS or database.get("ENGINE") == SQLITE]


def backups_dir() -> Path:
    return database_path().parent / "backups"


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list:
    if every_migration_file_applied(alias):
        return []
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def every_migration_file_applied(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """True when each migration file the installed apps have is recorded in django_migrations, so
    that nothing can be pending. False whenever that is not certain; Django's graph then decides."""
    on_disk = set()
    for app_config in apps.get_app_configs():
        # Where MigrationLoader.migrations_module() looks; importing it would import every operation.
        module_name = settings.MIGRATION_MODULES.get(app_config.label, f"{app_config.name}.migrations")
        if module_name is None:
            continue
        try:
            package = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and (module_name == error.name or module_name.startswith(error.name + ".")):
                continue  # an app without migrations
            return False
        except ImportError:
            return False
        if not hasattr(package, "__path__"):
            return False
        on_disk |= {(app_config.label, name) for _, name, is_package in pkgutil.iter_modules(package.__path__)
                    if not is_package and name[0] not in "_~"}
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            if "django_migrations" not in connection.introspection.table_names(cursor):
                return False
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except DatabaseError:
        return False  # a damaged file: the full check says so
    return on_disk <= applied


def has_data(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def migration_lock() -> FileLock:
    return FileLock(database_path().parent / "migrate.lock")


def readable_plan(alias: str) -> list:
    try:
        return pending_migrations(alias)
    except DatabaseError as error:
        raise DatabaseUnusable(unusable_message(database_path(alias), error)) from error


def prepare_database() -> None:
    """At a launch: back up each database with migrations pending, then apply them."""
    from django.core.management import call_command

    with migration_lock():
        for alias in kept_databases():
            path = database_path(alias)
            existed = has_data(path)
            if readable_plan(alias):
                if existed:
                    backup_database(path)
                call_command("migrate", database=alias, interactive=False, verbosity=0)
    for alias in kept_databases():
        path = database_path(alias)
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists():
                os.chmod(file, 0o600)


def run_migrate_command(argv: list[str], run) -> None:
    """`manage migrate …`: the launch's backups first (unless it only reports), under the same lock."""
    with migration_lock():
        for alias in kept_databases():
            readable_plan(alias)
            if has_data(database_path(alias)) and not {"--plan", "--check"} & set(argv):
                backup_database(database_path(alias))
        run(argv)


def pending_migrations_warning() -> str | None:
    """For every other command, which sees the databases as they are: say if a launch would change them."""
    aliases = kept_databases()
    pending = {alias: len(plan) for alias in aliases if (plan := readable_plan(alias))}
    if not pending:
        return None
    if aliases == [DEFAULT_DB_ALIAS]:
        return (f"{pending[DEFAULT_DB_ALIAS]} migration(s) are pending on this database, which is shown as it is; "
                "starting the app, or `manage migrate`, applies them (after a backup).")
    counts = " and ".join(f"{count} on {alias!r}" for alias, count in pending.items())
    return (f"Migrations are pending ({counts}), and the databases are shown as they are; starting the app applies them, "
            "or `manage migrate --database <alias>` for each (after a backup).")


def backup_database(path: Path) -> Path:
    folder = backups_dir()
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}.sqlite3"
    source = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    os.chmod(target, 0o600)
    for old in sorted(folder.glob(f"{path.stem}-*.sqlite3"))[:-BACKUPS_KEPT]:
        old.unlink()
    return target


def latest_backup(path: Path) -> Path | None:
    backups = sorted(backups_dir().glob(f"{path.stem}-*.sqlite3"))
    return backups[-1] if backups else None


def unusable_message(path: Path, error: Exception) -> str:
    backup = latest_backup(path)
    advice = (
        f"The latest backup is {backup}: quit {settings.DESKTOP_APP_NAME}, move the damaged file aside and copy the backup in its place."
        if backup
        else "There is no backup of it yet."
    )
    return f"Cannot open the database {path} ({error}). {settings.DESKTOP_APP_NAME} has not changed it. {advice}"
