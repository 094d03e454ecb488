"""Serve Notedesk as a server with waitress: `python -m embedded_site.serve` (docs/server.md).

HOST and PORT say where to listen (127.0.0.1:8000 by default: behind a reverse proxy on the same
machine). Behind a proxy, TRUSTED_PROXY is its address (or `*`), and TRUSTED_PROXY_HEADERS the
headers waitress takes from it (by default x-forwarded-for x-forwarded-proto x-forwarded-host),
so that the client's address, which the login limit counts, and the scheme are the real ones.
"""

import os
import sys

import waitress

from django_desktop_shell.process.server import BodyGuard, guarded_channel


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "embedded_site.server_settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    if problem := database_problem():
        sys.exit(f"Notedesk does not start: {problem}")
    # Imported once Django is set up: they use its models and settings.
    from embedded_site.accounts import body_refusal, largest_body
    from embedded_site.notes.upkeep import keep_up_in_background

    keep_up_in_background()
    proxy = {}
    if trusted := os.environ.get("TRUSTED_PROXY"):
        proxy = {
            "trusted_proxy": trusted,
            "trusted_proxy_headers": os.environ.get(
                "TRUSTED_PROXY_HEADERS", "x-forwarded-for x-forwarded-proto x-forwarded-host"
            ),
            "clear_untrusted_proxy_headers": True,
        }
    server = waitress.create_server(
        application,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        threads=int(os.environ.get("THREADS", "8")),
        # waitress refuses a body of max_request_body_size bytes or more; the guard, before that, a stranger's.
        max_request_body_size=largest_body() + 1,
        ident="Notedesk",
        **proxy,
    )
    server.channel_class = guarded_channel(BodyGuard(limit=largest_body(), refusal=body_refusal))
    server.print_listen("Serving on http://{}:{}")
    server.run()


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


if __name__ == "__main__":
    main()
