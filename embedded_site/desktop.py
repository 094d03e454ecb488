"""What the desktop shell needs from the Django site, and all it may touch.

A developer who ships another Django project in this shell replaces embedded_site/ and keeps
these functions. The shell calls configure() once, then start() to get what it serves.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class SiteUnavailable(Exception):
    """The site cannot start (say, its database is damaged); the message tells the person why."""


@dataclass(frozen=True)
class Site:
    wsgi_app: object
    launch_path: str  # opens a session; carries the per-launch secret, so never log it
    health_path: str
    auth_headers: dict  # lets the shell's own requests (the health poll) through the session gate


class NativeFunctions(Protocol):
    """What the window offers the page: the OS's own file dialogs. None means cancelled."""

    def choose_save_path(self, suggested_name: str, file_types: tuple[str, ...] = ()) -> Path | None: ...

    def choose_open_path(self, file_types: tuple[str, ...] = ()) -> Path | None: ...


native_functions: NativeFunctions | None = None  # set only in window mode; a browser uses downloads


def provide_native_functions(functions: NativeFunctions | None) -> None:
    global native_functions
    native_functions = functions


def configure(data_dir: Path, *, port: int = 0, dev: bool = False) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "embedded_site.settings"
    os.environ["NOTEDESK_DATA_DIR"] = str(data_dir)
    os.environ["NOTEDESK_PORT"] = str(port)
    os.environ["NOTEDESK_DEBUG"] = "1" if dev else "0"
    import django

    django.setup()


def start(next_path: str = "/") -> Site:
    """Bring the database up to date and return the WSGI app with its launch details."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from embedded_site.database import DatabaseUnusable, prepare_database
    from embedded_site.notes.attachments import remove_orphan_files

    try:
        prepare_database()
    except DatabaseUnusable as error:
        raise SiteUnavailable(str(error)) from None
    # Here, not in prepare_database: a `manage` command also prepares it, perhaps while the app
    # runs, and would take an upload's file, written but not yet committed, for an orphan.
    remove_orphan_files()
    token = settings.NOTEDESK_LAUNCH_TOKEN
    return Site(
        wsgi_app=get_wsgi_application(),
        launch_path="/launch/?" + urlencode({"token": token, "next": next_path}),
        health_path="/healthz",
        auth_headers={"Authorization": f"Bearer {token}"},
    )


def run_management_command(argv: list[str]) -> None:
    """Run a Django command on the data dir as it is: only a launch, or `migrate`, migrates."""
    import sys

    from django.core.management import execute_from_command_line

    from embedded_site.database import DatabaseUnusable, pending_migrations_warning, run_migrate_command

    def run(arguments):
        execute_from_command_line(["notedesk manage", *arguments])

    try:
        if argv[:1] == ["migrate"]:
            run_migrate_command(argv, run)
            return
        warning = pending_migrations_warning()
    except DatabaseUnusable as error:
        raise SiteUnavailable(str(error)) from None
    if warning:
        print(f"notedesk: {warning}", file=sys.stderr)
    run(argv)
