"""Notedesk: start the Django site on a loopback port, wait until it answers, open the window."""

import logging
import os
import sys
import time
import webbrowser
from concurrent.futures import ThreadPoolExecutor

from embedded_site import desktop
from shell import cli, lifecycle, paths, server, single_instance, window
from shell.errors import StartupError
from shell.logs import configure_logging
from shell.navigation import NavigationLock
from shell.self_test import SelfTest

logger = logging.getLogger("notedesk")


def main(argv: list[str] | None = None) -> int:
    launched_at = time.perf_counter()
    args = cli.parse_args(argv)
    windowed = not (args.headless or args.browser)
    os.umask(0o077)  # everything Notedesk writes is for its owner only
    logging.basicConfig(handlers=[logging.NullHandler()])  # until the log file exists: stderr gets our lines only
    startup = instance = None
    try:
        data_dir = paths.prepare_data_dir(paths.resolve_data_dir(args.data_dir), create_missing=True)
        configure_logging(data_dir, dev=args.dev)
        if args.command == "manage":
            desktop.configure(data_dir, dev=args.dev)
            desktop.run_management_command(args.manage_args)
            return 0
        if windowed:
            window.ensure_display()
        instance = single_instance.claim(data_dir)
        if instance is None:
            print("notedesk: Notedesk is already running on this data folder; its window was brought to the front.")
            return 0

        sock = server.bind_loopback(args.port)
        startup = ThreadPoolExecutor(1, "notedesk-startup").submit(start_site, sock, data_dir, args, launched_at)
        if args.headless or args.browser:
            stop = lifecycle.watch_stop_signals()
            launch_url = startup.result().launch_url
            print(f"READY {launch_url}", flush=True) if args.headless else webbrowser.open(launch_url)
            lifecycle.wait_for(stop)
        else:
            self_test = SelfTest() if args.self_test else None
            window.run_window(
                startup, origin=server.origin_of(sock), data_dir=data_dir, launched_at=launched_at,
                navigation=self_test.navigation_lock(sock) if self_test else NavigationLock(server.origin_of(sock)),
                on_start=self_test, on_created=instance.show_window_on_request,
            )
            startup.result()  # raises what stopped the start, if anything did
            if self_test:
                return self_test.report()
        return 0
    except (StartupError, desktop.SiteUnavailable) as error:
        logger.error("Could not start: %s", error)
        print(f"notedesk: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        logger.exception("Notedesk stopped on an unexpected error")
        print(f"notedesk: unexpected error: {error!r}. The log file has the details.", file=sys.stderr)
        if windowed and not args.self_test:
            window.show_error_window(f"Unexpected error: {error!r}. The log file has the details.")
        return 1
    finally:
        if startup and startup.done() and not startup.exception():
            startup.result().stop()
        if instance:
            instance.close()


def start_site(sock, data_dir, args, launched_at) -> server.ServerThread:
    """Runs beside the window's start-up: Django, migrations, the server thread, a health check."""
    desktop.configure(data_dir, port=sock.getsockname()[1], dev=args.dev)
    site = desktop.start(next_path=SelfTest.start_path if args.self_test else "/")
    http_server = server.ServerThread(site.wsgi_app, sock, launch_path=site.launch_path).start()
    http_server.wait_until_ready(site.health_path, site.auth_headers)
    logger.info("Server ready on %s after %.3f s", http_server.origin, time.perf_counter() - launched_at)
    return http_server


if __name__ == "__main__":
    sys.exit(main())
