"""Logging to a rotating, size-capped file in the data dir; the terminal gets only clear lines.
A crash of the process itself (a fault in GTK or WebKit) leaves every thread's Python stack in
<data dir>/logs/crashes.log."""

import faulthandler
import logging
import logging.handlers
import sys
import threading
import time
import zoneinfo
from datetime import datetime
from pathlib import Path

from django_desktop_shell.files import make_private
from django_desktop_shell.log_paths import PathsWithoutWords
from django_desktop_shell.time_zones import machine_time_zone

MAX_BYTES = 1_000_000
BACKUPS = 3
CRASH_LOG_MAX_BYTES = 1_000_000


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file it opens, rotated ones included, is readable by the owner only. A line it
    cannot write (a full disk, a folder gone read-only) is said once at the terminal, in a line:
    logging's own report was "--- Logging error ---" and a traceback for every line lost."""

    def __init__(self, *args, app_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.app_name = app_name
        self.told_of_failure = False

    def _open(self):
        stream = super()._open()
        make_private(self.baseFilename, 0o600)
        return stream

    def handleError(self, record):
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)
        elif not self.told_of_failure:
            self.told_of_failure = True
            print(f"{self.app_name}: cannot write the log {self.baseFilename} ({error.strerror or error}): "
                  "what happens from now on may not be logged.", file=sys.stderr)


class MachineTimes(logging.Formatter):
    """Each line's time in the computer's zone. Django sets the process's zone to TIME_ZONE as it
    starts (where the OS lets it: not on Windows): the log's first lines were in the machine's zone
    and the rest in TIME_ZONE's, five hours back in the middle of a launch for startproject's "UTC"
    in New York, and no line matched the person's clock."""

    def __init__(self, fmt: str, zone: zoneinfo.ZoneInfo | None):
        super().__init__(fmt)
        self.zone = zone

    def converter(self, timestamp: float) -> time.struct_time:
        return datetime.fromtimestamp(timestamp, self.zone).timetuple()


def configure_logging(data_dir: Path, name: str, *, dev: bool) -> Path:
    """Log to <data dir>/logs/<name>.log."""
    log_dir = data_dir / "logs"
    log_dir.mkdir(mode=0o700, exist_ok=True)
    log_file = log_dir / f"{name}.log"
    handler = PrivateRotatingFileHandler(log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", app_name=name)
    # Before Django starts, the process's zone is still the machine's.
    zone = zoneinfo.ZoneInfo(machine_time_zone()) if hasattr(time, "tzset") else None
    handler.setFormatter(MachineTimes("%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s", zone))
    handler.addFilter(PathsWithoutWords())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if dev else logging.INFO)
    # pywebview gives its logger a handler to stderr, unless it has one already: its records (a
    # script it runs in a page that is navigating away, with the traceback) reached the terminal.
    # A handler that writes nothing keeps pywebview from adding its own; the records go to the
    # file as every other logger's.
    logging.getLogger("pywebview").handlers[:] = [logging.NullHandler()]
    # waitress warns "Task queue depth is N" whenever requests queue briefly: noise, not news.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    threading.excepthook = log_uncaught_thread_error  # by default they go to stderr, unseen
    record_crashes(log_dir / "crashes.log")
    return log_file


def record_crashes(path: Path) -> None:
    """On SIGSEGV, SIGABRT and the like, Python writes each thread's stack here before it dies.
    Appended to, and started afresh once it holds a megabyte of old crashes."""
    if path.exists() and path.stat().st_size > CRASH_LOG_MAX_BYTES:
        path.unlink()
    crash_log = open(path, "a", encoding="utf-8")  # kept open: the handler writes to its descriptor
    make_private(path, 0o600)
    faulthandler.enable(crash_log, all_threads=True)


def log_uncaught_thread_error(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "unknown"
    logging.getLogger("django_desktop_shell").error(
        "Uncaught error in thread %s", name, exc_info=(args.exc_type, args.exc_value, args.exc_traceback)
    )
