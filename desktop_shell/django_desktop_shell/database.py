"""Bringing the SQLite databases up to date at start, without ever risking the person's notes.

A launch whose database has every migration file of the installed apps recorded as applied (the
usual case) learns it from the file names and one query, without importing the migrations.
Otherwise Django's migration graph decides what is pending.

Each database a launch keeps is brought up to date: the default, and every other SQLite database
of the project's that the app writes (desktop_settings() put them all in the data folder; one the
project opens read-only, shipped with the app, is left alone). Migrations run under a file lock
(a `manage` command may race a launch). Before any migration touches an existing
database, and at the first launch of a day, a copy goes to <data dir>/backups (SQLite's `VACUUM
INTO`, under a temporary name until the copy is whole and checked), once SQLite's quick check has
found the file sound; the newest BACKUPS_KEPT copies of each are kept, and the day's copy puts the
uploaded files and the window's settings beside them (copy_files_to_backups). A database SQLite cannot
read, or that the check finds damaged, stops the start with a message naming the file and the
latest backup: nothing is overwritten, and a damaged copy never pushes a sound one out. A
migration that fails puts back, from the copies made before, each database the launch migrated. The check
is made on the start path; the day's copy, when no migration needs it first, is made beside the
running site (BackgroundBackup), so that the first screen does not wait for it (0.2–0.8 s at
20,000 notes, half a minute at a million). A stop lets it finish for up to BACKUP_FINISH_WAIT_S,
then abandons it: the copies made before are untouched, and the next launch, still due, makes it.

At a clean stop each write-ahead log is folded into the database file, so that the file alone
holds everything (a copy of it to another computer, or a backup that skips `-wal` files), and
the database's write lock is then held until the process ends, so that no thread still running
writes into the emptied log.
"""

import logging
import os
import pkgutil
import shutil
import sqlite3
import sys
import threading
import time
from concurrent.futures import Future
from contextlib import closing, suppress
from datetime import datetime, timedelta, timezone
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.module_loading import import_string
from filelock import FileLock

from django_desktop_shell import runtime
from django_desktop_shell.files import TEMPORARY_PREFIX, durable_path, make_private
from django_desktop_shell.process.lifecycle import FOLD_WAIT_S, time_for
from django_desktop_shell.process.window_state import STATE_FILE as WINDOW_STATE_FILE
from django_desktop_shell.settings import read_only_sqlite, sqlite_database
from django_desktop_shell.storage import file_system_storages
from django_desktop_shell.storage_errors import NO_SHARED_MEMORY, no_shared_memory, note_opened, replaced_database

# SQLite opens no path over 512 bytes, and it opens the database's own with "-journal" after it.
LONGEST_DATABASE_PATH = 512 - len("-journal")
BACKUPS_KEPT = 5
BACKUP_EVERY = timedelta(days=1)
BACKUP_STAMP = "%Y%m%d-%H%M%S-%f"  # in the backup's name, which orders the backups
BACKUP_FINISH_WAIT_S = 0.3
BACKUP_LOOK_EVERY_S = 600.0  # while the app runs: whether a day has passed since the last copy
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
logger = logging.getLogger(__name__)


class DatabaseUnusable(Exception):
    """The database file cannot be read or is damaged; the message tells the person what to do."""


def database_path(alias: str = DEFAULT_DB_ALIAS) -> Path:
    return Path(settings.DATABASES[alias]["NAME"])


def kept_databases() -> list[str]:
    """The databases a launch migrates and backs up: the default, and every SQLite one the app writes."""
    return [alias for alias, database in settings.DATABASES.items()
            if alias == DEFAULT_DB_ALIAS or (sqlite_database(database) and not read_only_sqlite(database))]


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
    on_disk = migration_files()
    applied = applied_migrations(alias)
    return on_disk is not None and applied is not None and on_disk <= applied


def migrations_of_a_newer_version(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations recorded as applied to an installed app that none of its files is, nor replaces
    (a squashed one): a newer version of the app wrote this database."""
    on_disk = migration_files()
    applied = applied_migrations(alias)
    if not on_disk or not applied:
        return []
    apps_with_files = {app for app, _ in on_disk}
    unknown = {(app, name) for app, name in applied if app in apps_with_files} - on_disk
    if unknown:
        from django.db.migrations.loader import MigrationLoader

        replacements = MigrationLoader(None, ignore_no_migrations=True).replacements.values()
        unknown -= {replaced for squashed in replacements for replaced in squashed.replaces}
    return sorted(f"{app}.{name}" for app, name in unknown)


def migration_files() -> set | None:
    """(app label, migration name) of each migration file of the installed apps; None if a
    migrations module cannot be listed without Django's loader."""
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
            return None
        except ImportError:
            return None
        if not hasattr(package, "__path__"):
            return None
        on_disk |= {(app_config.label, name) for _, name, is_package in pkgutil.iter_modules(package.__path__)
                    if not is_package and name[0] not in "_~"}
    return on_disk


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> set | None:
    """(app label, migration name) of each migration recorded as applied; None without the table
    or when the file cannot be read (the full check says why)."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            if "django_migrations" not in connection.introspection.table_names(cursor):
                return None
            cursor.execute("SELECT app, name FROM django_migrations")
            return set(cursor.fetchall())
    except DatabaseError:
        return None


def another_programs_tables(path: Path) -> list[str]:
    """The tables of a database Django never migrated (another program's file put in the app's
    place); [] for the app's own, or a new empty one."""
    tables = tables_of(path)
    return [] if "django_migrations" in tables else tables


def tables_of(path: Path) -> list[str]:
    """The tables of a SQLite file, [] for a missing or empty one. Read without changing it, before
    Django's connection, which would turn the file to WAL."""
    if not has_data(path):
        return []
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as reading:
        return [name for (name,) in reading.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")]


def has_data(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def migration_lock() -> FileLock:
    return FileLock(database_path().parent / "migrate.lock")


def readable_plan(alias: str) -> list:
    path = database_path(alias)
    try:
        foreign = another_programs_tables(path)
        if foreign:
            name = settings.DESKTOP_APP_NAME
            raise DatabaseUnusable(
                f"The database {path} is not {name}'s: it holds another program's tables ({', '.join(foreign[:5])}) "
                f"and none of {name}'s. {name} has not changed it. Move it out of the data folder, then start {name} again.")
        plan = pending_migrations(alias)
    except (sqlite3.DatabaseError, DatabaseError) as error:
        raise DatabaseUnusable(unusable_message(path, error)) from error
    newer = migrations_of_a_newer_version(alias)
    if newer:
        raise DatabaseUnusable(newer_version_message(path, newer))
    return plan


def prepare_database(progress=lambda applied, total, new: None) -> None:
    """At a launch: back up each database before a migration, then apply whatever migrations are
    pending, telling `progress` after each (how many of how many, and whether the database is a
    new one); check the others due for the day's copy, which is made in the background."""
    from django.core.management import call_command

    due = []
    migrated = []  # (alias, its copy) of each database this launch has migrated
    with migration_lock():
        for alias in kept_databases():
            path = database_path(alias)
            existed = has_data(path)
            plan = readable_plan(alias)
            backup = copy_before_migrating(path) if plan else None
            if existed and not plan and backup_is_due(path):
                check_sound(path)
                due.append(path)
            if plan:
                logger.info("Applying %d migration(s) to %s", len(plan), path)
                progress(0, len(plan), not existed)
                command = reporting_migrate(lambda applied, total=len(plan), new=not existed: progress(applied, total, new))
                migrate_or_put_back(alias, plan, backup,
                                    lambda alias=alias: call_command(command, database=alias, interactive=False, verbosity=0),
                                    migrated)
                migrated.append((alias, backup))
            make_cache_tables(alias)
    for alias in kept_databases():
        path = database_path(alias)
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists():
                make_private(file, 0o600)
        if sqlite_database(settings.DATABASES[alias]):
            note_opened(path)
    if due or any(backup for _, backup in migrated):  # a copy made before migrating needs the files beside it too
        BackgroundBackup.start(due)
    DayWatch.start()


def make_cache_tables(alias: str) -> None:
    """Django's database cache keeps its table out of the migrations (`manage.py createcachetable`,
    run once on the developer's own database): on the app's new one, every page that used the cache
    answered 500, "no such table". Made where missing, as the command makes it, where the routers
    allow it."""
    from django.core.management import call_command

    if any(is_database_cache(cache["BACKEND"]) for cache in settings.CACHES.values()):
        call_command("createcachetable", database=alias, verbosity=0)


def is_database_cache(backend: str) -> bool:
    """Whether the cache backend class `backend` names is Django's database cache or a subclass of
    it (a site's own, adding to it). Django's database cache module is not imported for it: the
    build leaves it out unless a setting names it, or a module of the site imports it, as a
    subclass's does (checks.py stops the start on a backend that cannot be imported)."""
    backend_class = import_string(backend)
    database_caches = sys.modules.get(DATABASE_CACHE.rpartition(".")[0])
    return database_caches is not None and issubclass(backend_class, database_caches.DatabaseCache)


def reporting_migrate(applied_so_far):
    """Django's migrate command, calling `applied_so_far(count)` as each migration is applied: a
    first launch of a project of 250 models migrates for about a minute."""
    from django.core.management.commands.migrate import Command

    class ReportingMigrate(Command):
        applied = 0

        def migration_progress_callback(self, action, migration=None, fake=False):
            super().migration_progress_callback(action, migration, fake)
            if action == "apply_success":
                self.applied += 1
                applied_so_far(self.applied)

    return ReportingMigrate()


def migrate_or_put_back(alias: str, plan: list, backup: Path | None, migrate, migrated_before=()) -> None:
    """Run `migrate()`; if a migration fails half-way (a data migration that raises on the person's
    rows), the database goes back to what it was before: the copy `backup` made just before, or no
    file for a database this launch made; so do the databases this launch migrated before it
    (`migrated_before`, (alias, copy) pairs), which the previous version would refuse as newer. SQLite
    takes back the failing migration alone, and a database left with the ones before it recorded is
    one that neither this version (which stops on the same migration) nor the previous one (which
    refuses a newer version's database) opens."""
    try:
        migrate()
    except Exception as error:
        path = database_path(alias)
        failed = first_unapplied(alias, plan)
        for migrated, copy in [*migrated_before, (alias, backup)]:
            put_back(migrated, copy)
        logger.error("The migration %s of %s failed; the database is back as it was before the launch migrated it",
                     failed, path, exc_info=error)
        raise DatabaseUnusable(failed_migration_message(path, failed, backup is None, error)) from error


def put_back(alias: str, backup: Path | None) -> None:
    """The database as `backup` holds it, or no file if None (a database this launch made). The copy
    goes once put back: the database is that copy again, and each launch that failed so would
    otherwise have pushed one of the days before out of the BACKUPS_KEPT."""
    path = database_path(alias)
    connections[alias].close()  # its last connection: SQLite folds the write-ahead log into the file
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    if backup is None:
        path.unlink(missing_ok=True)
    else:
        with durable_path(path) as draft:
            shutil.copyfile(backup, draft)
        backup.unlink()


def first_unapplied(alias: str, plan: list) -> str:
    """The migration of `plan` that failed: the first one not recorded as applied."""
    applied = applied_migrations(alias)
    failed = [f"{migration.app_label}.{migration.name}" for migration, _ in plan
              if applied is not None and (migration.app_label, migration.name) not in applied]
    return failed[0] if failed else "one of its migrations"


def failed_migration_message(path: Path, failed: str, new: bool, error: Exception) -> str:
    from django_desktop_shell.process.errors import see_the_log

    name, version = settings.DESKTOP_APP_NAME, settings.DESKTOP_APP_VERSION
    cause = f"{type(error).__name__}: {error}".rstrip(".")
    report = see_the_log(f"Send the log file, {{}}, to {name}'s makers: it has the details.")
    if new:
        return (f"{name} {version} could not set up its database {path}: its migration {failed} failed ({cause}). "
                f"Nothing of it was kept, and the next launch tries again. {report}")
    return (f"{name} {version} could not update the database {path}: its migration {failed} failed ({cause}). The "
            f"database is back as it was before the update: nothing in it was lost, and the version of {name} you had "
            f"before opens it. {report}")


def run_migrate_command(argv: list[str], run) -> None:
    """`manage migrate …`: the launch's backup of the database it migrates first (unless it only
    reports), under the same lock. Only that one: each copy pushes the oldest of BACKUPS_KEPT out."""
    target = migrate_target(argv)
    if read_only_sqlite(settings.DATABASES.get(target, {})):
        raise DatabaseUnusable(f"The database {target!r} is opened read-only ({settings.DATABASES[target]['NAME']}): it "
                               "is data shipped with the app, which nothing migrates; its tables are those it was built with.")
    with migration_lock():
        for alias in kept_databases():
            readable_plan(alias)
        if target in kept_databases() and not {"--plan", "--check"} & set(argv):
            copy_before_migrating(database_path(target))
        run(argv)


def copy_before_migrating(path: Path) -> Path | None:
    """The copy of a database a migration is about to change (a launch's, `manage migrate`'s), or None
    for one that holds no table: a new data folder's, a 4 KB file once Django has looked for its
    migrations, whose copy the backups folder would show the person as a backup of nothing."""
    return backup_database(path) if tables_of(path) else None


def migrate_target(argv: list[str]) -> str:
    """The alias `manage migrate …` migrates (its --database), read as Django's command reads it."""
    from django.core.management.commands.migrate import Command

    options, _ = Command().create_parser("manage", "migrate").parse_known_args(argv[1:])
    return options.database


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


def fold_write_ahead_logs() -> None:
    """After the server has stopped: move the commits in each SQLite database's `<db>-wal` into its
    file, empty the log, and keep it empty until the process ends. SQLite does it by itself only when
    the last connection closes, and the threads that served requests keep theirs to the end."""
    DayWatch.stop()
    BackgroundBackup.stop()  # its reading would keep the log from being folded
    for alias in kept_databases():
        if sqlite_database(settings.DATABASES[alias]):
            fold_write_ahead_log(database_path(alias))


# The databases whose write lock a fold holds until the process ends: nothing has been written to them since.
writes_held: set[Path] = set()


def fold_write_ahead_log(path: Path) -> None:
    if replaced_database() == path:
        set_aside_write_ahead_log(path)
        return
    if path in writes_held:
        return
    folded: Future[str | None] = Future()
    budget = time_for(f"Folding the write-ahead log into {path}", FOLD_WAIT_S)
    threading.Thread(target=fold_and_hold_writes, args=(path, budget, folded), name="desktop-writes-held",
                     daemon=True).start()
    unfolded = folded.result()
    if unfolded:
        threads = sorted(thread.name for thread in threading.enumerate() if thread.is_alive())
        logger.warning("Could not empty the write-ahead log of %s (%s), which is tried on until the process ends: a "
                       "log left holds the last writes, read from it at the next launch, and a copy of the database "
                       "file alone lacks them (threads still running: %s)", path, unfolded, threads)


def fold_and_hold_writes(path: Path, budget: float, folded: Future) -> None:
    """Fold the log into `path` and empty it, then hold the database's write lock until the process
    ends, and say `folded` (None, or why the log is not empty after `budget` seconds, past which it
    is tried on, beside the rest of the way out): an app's thread still at work (a search index
    merged a step at a time, a sync round, an import) wrote on after the fold, and the -wal the quit
    left held writes. The connection is this thread's to the end, never closed: the interpreter's
    exit would give the lock back while those threads still run."""
    log = path.with_name(path.name + "-wal")
    deadline = time.monotonic() + budget
    try:
        # Tried again at once rather than through SQLite's busy handler, whose waits (up to 100 ms)
        # never met the gap between two steps of a thread writing one after the other.
        holding = sqlite3.connect(path, timeout=0, isolation_level=None)
        while not emptied_and_held(holding, log):
            if time.monotonic() >= deadline:
                if not folded.done():
                    folded.set_result(f"a connection was still {'reading' if holding.in_transaction else 'writing to'} it "
                                      f"after {budget:.2f} s")
                time.sleep(0.01)  # holding the write lock, if it has it, meanwhile
            if holding.in_transaction:
                holding.execute("ROLLBACK")  # a write came in between, or a reader kept the log: again
    except (sqlite3.Error, OSError) as error:
        if not folded.done():
            folded.set_result(str(error))
        return
    writes_held.add(path)
    if not folded.done():
        folded.set_result(None)
    threading.Event().wait()


def emptied_and_held(holding: sqlite3.Connection, log: Path) -> bool:
    """Whether `holding` has folded and emptied the log, and now has the write lock. It may have the
    lock all the same: a reader kept the log from being emptied, or a write came in between."""
    try:
        busy, _, _ = holding.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        holding.execute("BEGIN IMMEDIATE")  # from here on no other connection writes
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        return False
    return not busy and not has_data(log)


def set_aside_write_ahead_log(path: Path) -> None:
    """The file was replaced while the app ran: its log holds pages of the file it replaced, which
    SQLite would read into this one, a mix of the two. Moved aside, named for when, and kept."""
    log = path.with_name(path.name + "-wal")
    aside = log.with_name(f"{log.name}.replaced-{datetime.now(timezone.utc).strftime(BACKUP_STAMP)}")
    with suppress(FileNotFoundError):
        log.rename(aside)
        logger.warning("%s was replaced while the app ran: its write-ahead log, of the file it replaced, is kept as %s",
                       path, aside)
    with suppress(FileNotFoundError):
        path.with_name(path.name + "-shm").unlink()


def backup_database(path: Path) -> Path:
    """A copy of the database in the backups folder, if SQLite's quick check finds it sound."""
    check_sound(path)
    return copy_to_backups(path)


def check_sound(path: Path) -> None:
    """Raise DatabaseUnusable, naming the latest backup, if SQLite's quick check finds the file damaged."""
    verdict = quick_check_of(path)
    if verdict != "ok":
        raise DatabaseUnusable(unusable_message(path, f"it is damaged: {verdict}"))


def damaged_database(error: Exception) -> DatabaseUnusable | None:
    """After a database error in the launch's start-up work: DatabaseUnusable, saying what to do,
    for the first kept SQLite database that SQLite's quick check finds damaged; None if all are
    sound. The launch's own reads (its migrations table, the day's copy if due) miss damage where
    only the apps' start-up reads, such as a backup put back beside a forced quit's -wal."""
    for alias in kept_databases():
        path = database_path(alias)
        if not (sqlite_database(settings.DATABASES[alias]) and has_data(path)):
            continue
        if quick_check_of(path) != "ok":
            return DatabaseUnusable(unusable_message(path, error))
    return None


def quick_check_of(path: Path) -> str:
    """SQLite's quick check of the file, read without changing it: "ok", or what is damaged."""
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as reading:
        return quick_check(reading)


def quick_check(connection: sqlite3.Connection) -> str:
    try:
        [[verdict], *_] = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    return verdict


def copy_to_backups(path: Path, on_open=lambda connection: None) -> Path:
    """Copy the database into the backups folder under a temporary name, check the copy, then give
    it its name; drop the oldest past BACKUPS_KEPT. `on_open` is handed each connection the copy
    opens (to the database, then to the copy), which it may interrupt(). A copy that does not end
    whole leaves nothing behind."""
    folder = backups_dir()
    folder.mkdir(mode=0o700, exist_ok=True)
    for leftover in folder.glob(f"{TEMPORARY_PREFIX}*"):  # a copy a killed launch did not finish
        leftover.unlink(missing_ok=True)
    taken_at = datetime.now(timezone.utc)
    kept = backups(path)
    if kept and kept[-1][0] >= taken_at:  # the clock was set back: the newest copy is still named last
        taken_at = kept[-1][0] + timedelta(microseconds=1)
    target = folder / f"{path.stem}-{taken_at.strftime(BACKUP_STAMP)}.sqlite3"
    with durable_path(target) as draft:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as source:
            on_open(source)
            source.execute("VACUUM INTO ?", (str(draft),))
        with closing(sqlite3.connect(f"{draft.as_uri()}?mode=ro", uri=True)) as copy:
            on_open(copy)
            verdict = quick_check(copy)
        if verdict != "ok":
            raise DatabaseUnusable(unusable_message(path, f"its copy is damaged: {verdict}"))
    for _, old in backups(path)[:-BACKUPS_KEPT]:
        old.unlink()
    return target


def copy_files_to_backups() -> None:
    """Each uploaded file beside the day's copies, under its path in the data folder
    (`backups/media/…`), and the window's settings (its size, zoom and spell check), so that the
    backups folder alone, copied to a stick, puts back the database, the files it names and the
    window as it was: with the copies of the database alone, a data folder lost with its disk
    came back with every photo and attachment missing. A file is hard-linked, which takes no room
    (uploads are written once), or copied where the drive has no links (FAT); one gone from its
    folder is dropped here too, and one uploaded again under a name the backups hold replaces theirs."""
    data_dir = backups_dir().parent.resolve()
    folders = {folder for _, folder in file_system_storages()
               if folder.is_relative_to(data_dir) and not backups_dir().resolve().is_relative_to(folder)}
    for folder in sorted(folders):
        mirror_files(folder, backups_dir() / folder.relative_to(data_dir))
    window_settings = data_dir / WINDOW_STATE_FILE
    if window_settings.is_file():
        with durable_path(backups_dir() / WINDOW_STATE_FILE) as draft:
            shutil.copyfile(window_settings, draft)


def mirror_files(folder: Path, copy: Path) -> None:
    uploaded, mirrored = files_under(folder), files_under(copy)
    for relative in sorted(uploaded):
        source, target = folder / relative, copy / relative
        with suppress(FileNotFoundError):  # deleted since the listing: the site runs beside the backup
            if relative in mirrored:
                # Linked or copied after the upload was written, unless a file uploaded again took its
                # name since (a storage gives a free name back): that one replaces it.
                if target.stat().st_mtime_ns >= source.stat().st_mtime_ns:
                    continue
                target.unlink()
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            link_or_copy(source, target)
    for relative in mirrored - uploaded:
        (copy / relative).unlink()


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:  # a drive without links (FAT): a copy, if it leaves the app room for its saves
        if shutil.disk_usage(target.parent).free <= 2 * source.stat().st_size:
            logger.warning("The backups lack %s: the disk has no room for a copy of it", source)
            return
        with durable_path(target) as draft:
            shutil.copyfile(source, draft)


def files_under(folder: Path) -> set[str]:
    """The files in `folder` and its subfolders, relative to it, but those being written."""
    return {os.path.join(os.path.relpath(parent, folder), name) for parent, _, names in os.walk(folder)
            for name in names if not name.startswith(TEMPORARY_PREFIX)}


class BackgroundBackup:
    """The day's copies of the databases, made in a thread beside the running site, under the
    migration lock (a `manage migrate` waits for them). One at a time per process."""

    running: "BackgroundBackup | None" = None

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self.stopping = threading.Event()
        self.guard = threading.Lock()  # between a stop and the connection it interrupts
        self.open: sqlite3.Connection | None = None  # the copy's, to interrupt
        self.thread = threading.Thread(target=self.run, name="desktop-backup", daemon=True)

    @classmethod
    def start(cls, paths: list[Path]) -> None:
        cls.running = cls(paths)
        cls.running.thread.start()

    @classmethod
    def stop(cls) -> None:
        """Let the copy finish for up to BACKUP_FINISH_WAIT_S, then abandon it."""
        backup, cls.running = cls.running, None
        if backup is None:
            return
        backup.thread.join(time_for("Finishing the day's copy of the database", BACKUP_FINISH_WAIT_S, leaving=FOLD_WAIT_S))
        with backup.guard:
            backup.stopping.set()
            if backup.open is not None:
                with suppress(sqlite3.ProgrammingError):  # closed already, between its two connections
                    backup.open.interrupt()
        # A thread still waiting for the lock ends with the process.
        backup.thread.join(time_for("Abandoning the day's copy of the database", BACKUP_FINISH_WAIT_S, leaving=FOLD_WAIT_S))

    def opened(self, connection: sqlite3.Connection) -> None:
        with self.guard:
            if self.stopping.is_set():
                raise sqlite3.OperationalError("interrupted")
            self.open = connection

    def run(self) -> None:
        try:
            with migration_lock():
                for path in self.paths:
                    logger.info("Backed up %s to %s", path, copy_to_backups(path, self.opened))
                copy_files_to_backups()
        except Exception as error:
            if self.stopping.is_set():
                logger.info("The day's backup was left unfinished by the stop: the next launch makes it")
            else:
                logger.exception("The day's backup failed (%s): the copies made before are kept", error)
        finally:
            with self.guard:
                self.open = None


class DayWatch:
    """The day's copies of an app left open: a laptop closed at night and opened in the morning,
    the app never quit, had only the copy of the day it was launched, weeks old. Every
    BACKUP_LOOK_EVERY_S of the app's running (the time asleep does not count), each database a
    day past its last copy gets the day's, in the background as at a launch."""

    running: "DayWatch | None" = None

    def __init__(self):
        self.stopping = threading.Event()
        self.guard = threading.Lock()  # between a stop and a copy it would start
        self.waiting_for_room = False
        threading.Thread(target=self.run, name="desktop-backup-day-watch", daemon=True).start()

    @classmethod
    def start(cls) -> None:
        cls.stop()
        cls.running = cls()

    @classmethod
    def stop(cls) -> None:
        watch, cls.running = cls.running, None
        if watch is not None:
            with watch.guard:
                watch.stopping.set()

    def run(self) -> None:
        while not self.stopping.wait(BACKUP_LOOK_EVERY_S):
            with self.guard:
                if self.stopping.is_set() or backup_in_progress():
                    continue
                try:
                    due = [path for path in map(database_path, kept_databases()) if has_data(path) and backup_is_due(path)]
                    roomy = [path for path in due if room_for_a_copy(path)]
                except OSError as error:  # the drive pulled out: the copies wait for it
                    logger.warning("Could not tell whether the day's backup is due: %s", error)
                    continue
                if len(roomy) < len(due) and not self.waiting_for_room:
                    logger.warning("The day's backup waits for room on the disk: a copy of the database would take "
                                   "the last of it, and the app's saves would be refused while it was made")
                self.waiting_for_room = len(roomy) < len(due)
                if roomy:
                    BackgroundBackup.start(roomy)


def room_for_a_copy(path: Path) -> bool:
    """Whether the disk holds a copy of the database and as much again. Tried every ten minutes on a
    nearly full disk, a copy took its last bytes each time until it failed, and the app's saves
    meanwhile were refused."""
    size = sum(file.stat().st_size for file in (path, path.with_name(path.name + "-wal")) if file.exists())
    return shutil.disk_usage(backups_dir().parent).free > 2 * size


def backup_in_progress() -> bool:
    """Whether this process is copying a database to the backups folder: the copy, not among
    backups() until it is whole, may name what the kept ones do not."""
    running = BackgroundBackup.running
    return running is not None and running.thread.is_alive()


def backups(path: Path) -> list[tuple[datetime, Path]]:
    """The backups of the database at `path`, oldest first, each with when it was taken (from its name)."""
    prefix = f"{path.stem}-"
    found = []
    for path in backups_dir().glob(f"{prefix}*.sqlite3"):
        try:
            found.append((datetime.strptime(path.stem.removeprefix(prefix), BACKUP_STAMP).replace(tzinfo=timezone.utc), path))
        except ValueError:
            continue  # a file of the person's own
    return sorted(found)


def backup_is_due(path: Path) -> bool:
    kept = backups(path)
    if not kept:
        return True
    now = datetime.now(timezone.utc)
    made_at, newest = kept[-1]
    if made_at > now:
        # The clock was set back since the copy so named (it was ahead then, or is behind now), and
        # those made since are named after it, to stay last: their file's time says when they were
        # made. By the name alone, every launch made a copy until the clock caught up, and five
        # launches in a day left no copy of the days before.
        made_at = datetime.fromtimestamp(newest.stat().st_mtime, timezone.utc)
    return not timedelta(0) <= now - made_at < BACKUP_EVERY  # less than 0: the clock was set back since


def latest_backup(path: Path) -> Path | None:
    kept = backups(path)
    return kept[-1][1] if kept else None


def newer_version_message(path: Path, newer: list[str]) -> str:
    name, version = settings.DESKTOP_APP_NAME, settings.DESKTOP_APP_VERSION
    return (f"The database {path} was last used by a newer version of {name}: it has changes that this one (version "
            f"{version}) does not know ({', '.join(newer)}). Opened here, it could be misread, or written in a way the "
            f"newer version cannot read. {name} has not changed it: install the newer version again to open it.")


def sound_without_its_write_ahead_log(path: Path) -> bool:
    """Whether the file, read alone (`immutable`: without the -wal beside it), passes SQLite's quick
    check, while a -wal is there: copied over a database whose -wal was left, a sound backup was
    called damaged, and so was each older one tried after it."""
    log = path.with_name(path.name + "-wal")
    try:
        if not (log.exists() and log.stat().st_size and has_data(path)):
            return False
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)) as reading:
            return quick_check(reading) == "ok"
    except (OSError, sqlite3.Error):  # unreadable: the message for a damaged file stands
        return False


def unusable_message(path: Path, error: Exception | str) -> str:
    length = len(os.fsencode(path))
    if length > LONGEST_DATABASE_PATH:
        return (f"Cannot open the database {path}: its path is {length} bytes long, and SQLite opens none over "
                f"{LONGEST_DATABASE_PATH}. {settings.DESKTOP_APP_NAME} has not changed it. Start "
                f"{settings.DESKTOP_APP_NAME} with --data-dir naming a folder with a shorter path (move this one there "
                "first if it holds your notes).")
    if isinstance(error, Exception) and no_shared_memory(error):
        # The file is sound: restoring a backup over it, as the advice below says, would lose
        # every note written since.
        return (f"Cannot open the database {path}, and {settings.DESKTOP_APP_NAME} has not changed it. "
                + NO_SHARED_MEMORY.format(app=settings.DESKTOP_APP_NAME))
    if sound_without_its_write_ahead_log(path):
        return (f"Cannot open the database {path} ({error}), yet the file itself is sound: the {path.name}-wal beside it "
                "is not its own (left from the file it replaced, when a backup was copied over it?) or is damaged, and "
                f"SQLite reads it into the file. {settings.DESKTOP_APP_NAME} has not changed either. Quit "
                f"{settings.DESKTOP_APP_NAME}, move {path.name}-wal and {path.name}-shm out of the data folder (keep "
                f"them: they may hold the last changes of the file that was there before), and start "
                f"{settings.DESKTOP_APP_NAME} again.")
    backup = latest_backup(path)
    advice = (
        # A -wal left beside is replayed into the copy: "database disk image is malformed", the backup taken for damaged.
        f"The latest backup is {backup}: quit {settings.DESKTOP_APP_NAME}, move the damaged file aside, with its "
        f"{path.name}-wal and {path.name}-shm if they are there, and copy the backup in its place."
        if backup
        # Deleted or replaced, it would be lost for good: SQLite's .recover often gets most of it back.
        else f"There is no backup of it yet: keep the file as it is, and send {settings.DESKTOP_APP_NAME}'s support the "
             f"report `{runtime.current.identity.slug} --diagnose` prints (in the window: Help › Diagnostics for "
             "support); most of a damaged database can often be recovered."
    )
    return f"Cannot open the database {path} ({error}). {settings.DESKTOP_APP_NAME} has not changed it. {advice}"
