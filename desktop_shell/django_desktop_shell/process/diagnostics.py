"""The diagnostics a person sends to support: `<app> --diagnose` prints them at the terminal, where
the person reads all of it before saving it to a file (`<app> --diagnose > diagnostics.txt`); in
the window, Help › Diagnostics for support writes them to <data dir>/diagnostics.txt and opens that
in the OS's text editor, to read before attaching it.

They hold the versions, the machine (its clock, its display, its web view), the data folder's
health (free space, each database's check, its migrations, its backups, a launch running on it),
the settings the shell reads, secrets left out, and the end of the log and the crash log. Never a
note's text, the secret key, a cookie or a launch token: the log holds none (process/logs.py); the
settings go through Django's own filter of secrets; the home folder is written ~, and the host
label left out.

It runs while the app runs on the data folder, or when the app will not start. It changes no data: it never
migrates nor makes a data folder, and reads each database as a `manage` command does.
"""

import importlib.metadata
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timezone
from pathlib import Path

from django_desktop_shell import runtime, user_key
from django_desktop_shell.identity import Identity
from django_desktop_shell.process import paths, single_instance, site, window
from django_desktop_shell.process.errors import DataFolderError, StartupError

REPORT_NAME = "diagnostics.txt"
LOG_LINES = 200
CRASH_LOG_LINES = 60
EARLIEST_PLAUSIBLE_YEAR = 2024  # a clock before it (a dead CMOS battery: 1999, 1970) breaks dates and backups
SHOWN_SETTINGS = ("DEBUG", "TIME_ZONE", "USE_TZ", "LANGUAGE_CODE", "DATABASES", "MEDIA_ROOT", "STATIC_ROOT",
                  "INSTALLED_APPS", "MIDDLEWARE")


def versions(identity: Identity) -> str:
    """One line: the app, the shell and what it runs on. The first line of each launch's log too."""
    def installed(distribution: str) -> str:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return (f"{identity.name} {identity.version} (desktop shell {installed('django-desktop-shell')}, "
            f"Django {installed('django')}, pywebview {installed('pywebview')}, Python {platform.python_version()}, "
            f"{operating_system()}{', packaged' if getattr(sys, 'frozen', False) else ''})")


def operating_system() -> str:
    if sys.platform.startswith("linux"):
        try:
            return f"{platform.freedesktop_os_release()['PRETTY_NAME']}, Linux {platform.release()}"
        except (OSError, KeyError):
            return f"Linux {platform.release()}"
    return platform.platform(terse=True)


def report(identity: Identity, data_dir: Path, *, django_ready: bool = False) -> str:
    """The whole report, as text. `django_ready`: the app runs in this process (its settings set up)."""
    now = datetime.now(timezone.utc)
    sections = [
        f"{identity.name} diagnostics, made {now:%Y-%m-%d %H:%M} UTC by the computer's clock",
        f"{versions(identity)}",
        section("Checks", lambda: "\n".join(checks(identity, data_dir, now, django_ready))),
        section("Data folder", lambda: folder_listing(data_dir)),
        section("Settings (secrets left out)", settings_summary),
        section(f"The log, its last {LOG_LINES} lines", lambda: tail(data_dir / "logs" / f"{identity.slug}.log", LOG_LINES)),
        section(f"The crash log, its last {CRASH_LOG_LINES} lines",
                lambda: tail(data_dir / "logs" / "crashes.log", CRASH_LOG_LINES)),
    ]
    return shareable("\n\n".join(sections), data_dir) + "\n"


def section(title: str, body: Callable[[], str]) -> str:
    """A part of the report; one that cannot be read (a folder of another user's) says why, and the rest follows."""
    try:
        return f"== {title}\n{body()}"
    except Exception as error:
        return f"== {title}\n(could not be read: {type(error).__name__}: {error})"


def shareable(text: str, data_dir: Path) -> str:
    """The home folder as ~, and the install's host label (which no other site may guess: docs/security.md) left out."""
    from django_desktop_shell.secret_key import HOST_LABEL

    home = paths.home_folder()
    text = text.replace(str(home), "~") if home is not None and len(str(home)) > 1 else text
    with suppress(OSError, UnicodeDecodeError):
        label = (data_dir / "host_label").read_text(encoding="ascii").strip()
        if HOST_LABEL.fullmatch(label):
            text = text.replace(label, "<host label>")
    return text


def checks(identity: Identity, data_dir: Path, now: datetime, django_ready: bool) -> list[str]:
    """One line each: "ok: …", or "PROBLEM: …" saying what is wrong."""
    lines = [checked(description, check) for description, check in (
        ("the clock", lambda: clock(now)),
        ("the display", display),
        ("the web view", web_view),
        ("the data folder", lambda: data_folder(data_dir)),
        ("the user's own key", lambda: user_key_folder(identity)),
    )]
    if not data_dir.is_dir():
        return lines
    lines.append(checked("a launch on this data folder", lambda: running_launch(identity, data_dir)))
    lines += [checked(f"the database {path.name}", lambda path=path: database_file(path))
              for path in sorted(data_dir.glob("*.sqlite3"))]
    lines += django_checks(identity, data_dir, django_ready)
    return lines


def checked(description: str, check: Callable[[], str]) -> str:
    """The check's own line, or a PROBLEM line for what it raised (a check never stops the report)."""
    try:
        return check()
    except Exception as error:
        return f"PROBLEM: could not check {description}: {type(error).__name__}: {error}"


def clock(now: datetime) -> str:
    if now.year < EARLIEST_PLAUSIBLE_YEAR:
        return (f"PROBLEM: the computer's clock reads {now:%Y-%m-%d}: set it right (dates of notes, and which backup "
                "is the latest, go by it)")
    local = now.astimezone()
    return f"ok: the clock reads {local:%Y-%m-%d %H:%M} {local.tzname()}"


def display() -> str:
    if window.has_display():
        problem = window.display_that_does_not_answer()
        return f"PROBLEM: {problem}" if problem else "ok: a display to open the window on"
    return "PROBLEM: no display (DISPLAY and WAYLAND_DISPLAY are unset): only --headless and --browser can run"


def web_view() -> str:
    if window.gui() != "gtk":
        return "ok: the web view is the system's own"
    problem = window.missing_web_view()
    if problem:
        return f"PROBLEM: {problem}"
    from gi.repository import WebKit2

    return f"ok: WebKitGTK {WebKit2.get_major_version()}.{WebKit2.get_minor_version()}.{WebKit2.get_micro_version()}"


def data_folder(data_dir: Path) -> str:
    if not data_dir.exists():
        return f"ok: the data folder {data_dir} does not exist yet: the first launch makes it"
    if not data_dir.is_dir():
        return f"PROBLEM: the data folder {data_dir} is not a folder"
    free = shutil.disk_usage(data_dir).free
    problems = []
    if not os.access(data_dir, os.W_OK):
        problems.append("it cannot be written to")
    if free < 100 * 1024 * 1024:
        problems.append(f"the disk has only {size(free)} free")
    try:
        paths.refuse_unusable_entries(data_dir)
    except DataFolderError as error:
        problems.append(str(error))
    if problems:
        return f"PROBLEM: the data folder {data_dir}: {'; '.join(problems)}"
    return f"ok: the data folder {data_dir} can be written to; {size(free)} free on its disk"


def user_key_folder(identity: Identity) -> str:
    """Where the key that signs the start page kept between launches is (user_key.py): outside the
    data folder, under the home folder, which may be read-only or missing (HOME unset, a kiosk)."""
    folder = user_key.key_folder(identity.slug)
    nearest = next(folder for folder in (folder, *folder.parents) if folder.exists())
    with suppress(OSError), tempfile.TemporaryFile(dir=nearest):  # as it would make the folder and the key there
        return f"ok: the user's own key can be kept in {folder}"
    return (f"PROBLEM: the user's own key cannot be kept in {folder} ({nearest} cannot be written to): the start page "
            "is not kept between launches, so each one starts slower. Check the home folder (HOME)")


def running_launch(identity: Identity, data_dir: Path) -> str:
    if single_instance.held(data_dir):
        return f"ok: {identity.name} is running on this data folder"
    return f"ok: {identity.name} is not running on this data folder"


def database_file(path: Path) -> str:
    from django_desktop_shell.database import quick_check_of

    verdict = quick_check_of(path)
    described = f"the database {path.name} ({size(path.stat().st_size)})"
    if verdict != "ok":
        return f"PROBLEM: {described} is damaged: {verdict}"
    return f"ok: {described} is sound"


def django_checks(identity: Identity, data_dir: Path, django_ready: bool) -> list[str]:
    """The site's settings and the shell's checks of them, each database's migrations and backups:
    what a launch would find."""
    if not django_ready:
        from django_desktop_shell.process.server import HOME_PORTS, home_port_of

        # With a port, as a launch has: the shell's checks skip a run without one (a `manage` command).
        port = home_port_of(data_dir) or HOME_PORTS.start
        try:
            site.configure(runtime.Runtime(identity=identity, data_dir=data_dir, port=port, read_only=True))
        except StartupError as error:
            return [f"PROBLEM: the settings: {error}"]
        except Exception as error:  # the settings module's own error: what stops the launch, and the report is for
            return [f"PROBLEM: the settings {identity.settings} cannot be loaded: {type(error).__name__}: {error}"]
    lines = [checked("the settings", settings_checks)]
    from django_desktop_shell.database import kept_databases

    for alias in kept_databases():
        lines.append(checked(f"the database {alias!r}'s migrations", lambda alias=alias: migrations(alias)))
        lines.append(checked(f"the database {alias!r}'s backups", lambda alias=alias: backups_of(alias)))
    return lines


def settings_checks() -> str:
    try:
        warnings = site.refuse_unsafe_settings()
    except StartupError as error:
        return f"PROBLEM: {error}"
    return "\n".join(f"PROBLEM: {warning}" for warning in warnings) or "ok: the shell's checks of the settings pass"


def migrations(alias: str) -> str:
    from django_desktop_shell.database import DatabaseUnusable, database_path, has_data, readable_plan

    if not has_data(database_path(alias)):
        return f"ok: the database {alias!r} is not made yet: the next launch makes it"
    try:
        plan = readable_plan(alias)
    except DatabaseUnusable as error:
        return f"PROBLEM: {error}"
    if plan:
        return f"ok: the database {alias!r} has {len(plan)} migration(s) the next launch applies, after a backup"
    return f"ok: the database {alias!r} is up to date with this version"


def backups_of(alias: str) -> str:
    from django_desktop_shell.database import backups, database_path

    kept = backups(database_path(alias))
    if not kept:
        return f"ok: the database {alias!r} has no backup yet (a launch makes one each day)"
    newest, _ = kept[-1]
    return f"ok: the database {alias!r} has {len(kept)} backup(s), the latest of {newest:%Y-%m-%d %H:%M} UTC"


def folder_listing(data_dir: Path) -> str:
    """Each file and folder at the top of the data folder, with its size: names the app chose.
    A folder's contents are counted, not named (attachments carry the person's file names)."""
    if not data_dir.is_dir():
        return "(none)"
    lines = []
    for entry in sorted(data_dir.iterdir()):
        try:
            if entry.is_dir() and not entry.is_symlink():
                files = [path for path in entry.rglob("*") if path.is_file()]
                described = f"{entry.name}/  {len(files)} file(s), {size(sum(path.stat().st_size for path in files))}"
            else:
                status = entry.lstat()
                modified = datetime.fromtimestamp(status.st_mtime).astimezone()
                described = f"{entry.name}  {size(status.st_size)}, changed {modified:%Y-%m-%d %H:%M}"
            mode = oct(entry.lstat().st_mode & 0o777)[2:]
            lines.append(f"{described}, mode {mode}")
        except OSError as error:
            lines.append(f"{entry.name}  cannot be read: {error.strerror}")
    return "\n".join(lines) or "(empty)"


def settings_summary() -> str:
    from django.views.debug import SafeExceptionReporterFilter

    try:
        safe = SafeExceptionReporterFilter().get_safe_settings()
    except Exception:  # not configured, or a settings module that does not import (Checks says why)
        return "(the settings could not be read)"
    names = [*SHOWN_SETTINGS, *sorted(name for name in safe if name.startswith("DESKTOP_"))]
    return "\n".join(f"{name} = {safe[name]!r}" for name in names if name in safe)


def tail(path: Path, lines: int) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            kept = file.read().splitlines()[-lines:]
    except FileNotFoundError:
        return "(none)"
    return "\n".join(kept) or "(empty)"


def size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
