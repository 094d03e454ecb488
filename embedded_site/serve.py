"""Serve Notedesk as a server with waitress: `python -m embedded_site.serve` (docs/server.md).

HOST and PORT say where to listen (127.0.0.1:8000 by default: behind a reverse proxy on the same
machine). Behind a proxy, TRUSTED_PROXY is its address (or `*`), and TRUSTED_PROXY_HEADERS the
headers waitress takes from it (by default x-forwarded-for x-forwarded-proto x-forwarded-host),
so that the client's address, which the login limit counts, and the scheme are the real ones.
"""

import logging
import os
import sys
import tempfile

from waitress.proxy_headers import PROXY_HEADERS, clear_untrusted_headers

from django_desktop_shell.process.server import BodyGuard, create_server, guarded_channel

logger = logging.getLogger("embedded_site.serve")  # run as __main__


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embedded_site.server_settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.wsgi import get_wsgi_application

    try:
        application = get_wsgi_application()
    except ImproperlyConfigured as error:  # a setting of the environment: its message says which, and how
        sys.exit(f"Notedesk does not start: {error}")
    if problem := database_problem() or data_folder_problem():
        sys.exit(f"Notedesk does not start: {problem}")
    # Imported once Django is set up: they use its models and settings.
    from django.conf import settings

    from embedded_site.accounts import body_refusal, body_unkept, largest_body
    from embedded_site.notes.upkeep import keep_up_in_background

    keep_up_in_background()
    if trusted := os.environ.get("TRUSTED_PROXY"):
        proxy = {
            "trusted_proxy": trusted,
            "trusted_proxy_headers": os.environ.get(
                "TRUSTED_PROXY_HEADERS", "x-forwarded-for x-forwarded-proto x-forwarded-host"
            ),
            "clear_untrusted_proxy_headers": True,
        }
    else:
        # The proxy headers are cleared by the wrapper, once it has looked at them, not by waitress before it.
        application = warning_of_an_untrusted_proxy(application)
        proxy = {"clear_untrusted_proxy_headers": False}
    try:
        server = create_server(
            application,
            host=settings.SERVE_HOST,
            port=settings.SERVE_PORT,
            threads=settings.SERVE_THREADS,
            threads_setting="THREADS in the environment",
            # waitress refuses a body of max_request_body_size bytes or more; the guard, before that, a stranger's.
            max_request_body_size=largest_body() + 1,
            ident="Notedesk",
            **proxy,
        )
    except (OSError, ValueError) as error:  # the port taken, a HOST that is no address of this machine's
        reason = (error.strerror if isinstance(error, OSError) and error.strerror else str(error)).rstrip(".")
        sys.exit(f"Notedesk does not start: it cannot listen on {settings.SERVE_HOST}:{settings.SERVE_PORT} "
                 f"(HOST and PORT in the environment): {reason}.")
    server.channel_class = guarded_channel(BodyGuard(limit=largest_body(), refusal=body_refusal, unkept=body_unkept))
    server.print_listen("Serving on http://{}:{}")
    server.run()


def warning_of_an_untrusted_proxy(application):
    """The application, saying once in the log when a request came through a reverse proxy that
    TRUSTED_PROXY does not name, whose headers waitress would drop: behind nginx without
    TRUSTED_PROXY, every request over HTTPS was redirected to HTTPS again (the browser: "too many
    redirects"; NOTEDESK_PROXY_SSL_HEADER did not help, its header dropped), and the login limit
    counted every person as the proxy's one address, with nothing in the log."""
    warned = False

    def warning_once(environ, start_response):
        nonlocal warned
        if not warned and any(f"HTTP_{header}" in environ for header in PROXY_HEADERS):
            warned = True
            logger.warning(
                "A request came through a reverse proxy (X-Forwarded-For, X-Forwarded-Proto, …) from %s, which "
                "TRUSTED_PROXY does not name: its headers are ignored, so requests made over HTTPS are redirected "
                "to HTTPS again and again, and the login limit counts every person's failed logins as that one "
                "address's. Set TRUSTED_PROXY to the proxy's address (docs/server.md, Behind nginx).",
                environ.get("REMOTE_ADDR"))
        clear_untrusted_headers(environ, PROXY_HEADERS)
        return application(environ, start_response)

    return warning_once


def database_problem() -> str | None:
    """Why the database cannot serve, in words; None when it can. Until this, the server started
    all the same and answered every request with a 500 (a wrong password, a database not yet
    migrated after an upgrade), which only the log's tracebacks explained."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"cannot reach the database of DATABASE_URL: {str(error).strip()}"
    if pending:
        return (f"the database lacks {len(pending)} migration(s) of this version: "
                "run `python -m django migrate` first (docs/server.md).")
    return None


def data_folder_problem() -> str | None:
    """Why NOTEDESK_DATA_DIR cannot take files, in words; None when it can. Until this, the server
    started on a folder it could not write, and every upload, import and export failed."""
    from django.conf import settings

    folder = settings.DESKTOP_DATA_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return f"NOTEDESK_DATA_DIR {folder} cannot take files: {error.strerror or error}."
    return None


if __name__ == "__main__":
    main()
