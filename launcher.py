"""Notedesk: start the Django site on a loopback port, wait until it answers, open the window."""

import logging
import os
import sys
import time
import webbrowser
from concurrent.futures import Future, ThreadPoolExecutor

from embedded_site import desktop
from shell import cli, lifecycle, paths, server, single_instance, window
from shell.errors import StartupError
from shell.logs import configure_logging
from shell.native import WindowNativeFunctions
from shell.navigation import NavigationLock
from shell.self_test import SelfTest

logger = logging.getLogger("notedesk")


def main(argv: list[str] | None = None) -> int:
    launched_at = time.perf_counter()
    args = cli.parse_args(argv)
    os.umask(0o077)  # everything Notedesk writes is for its owner only
    logging.basicConfig(handlers=[logging.NullHandler()])  # stderr gets our own lines only
    try:
        return run(args, launched_at)
    except StartupError as error:
        logger.error("Could not start: %s", error)
        print(f"notedesk: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        logger.exception("Notedesk stopped on an unexpected error")
        message = f"Unexpected error: {error!r}. The log file has the details."
        print(f"notedesk: {message}", file=sys.stderr)
        if not (args.headless or args.browser or args.self_test or args.command) and window.has_display():
            window.show_error_window(message)
        return 1


def run(args, launched_at: float) -> int:
    data_dir = paths.prepare_data_dir(paths.resolve_data_dir(args.data_dir))
    configure_logging(data_dir, dev=args.dev)
    if args.command == "manage":
        desktop.configure(data_dir, dev=args.dev)
        try:
            desktop.run_management_command(args.manage_args)
        except desktop.SiteUnavailable as error:
            raise StartupError(str(error)) from None
        return 0
    if not (args.headless or args.browser):
        window.ensure_display()
    instance = single_instance.claim(data_dir)
    if instance is None:
        print("notedesk: Notedesk is already running on this data folder; its window was brought to the front.")
        return 0

    sock = server.bind_for(data_dir, args.port)
    startup = ThreadPoolExecutor(1, "notedesk-startup").submit(start_site, sock, data_dir, args, launched_at)
    try:
        if args.headless or args.browser:
            stop = lifecycle.watch_stop_signals()
            launch_url = startup.result().launch_url
            print(f"READY {launch_url}", flush=True) if args.headless else webbrowser.open(launch_url)
            lifecycle.wait_for(stop)
            return 0
        self_test = SelfTest() if args.self_test else None
        origin = server.origin_of(sock)

        def on_created(created_window):
            instance.on_show = lambda: window.bring_to_front(created_window)
            desktop.provide_native_functions(WindowNativeFunctions(created_window))

        window.run_window(
            startup, origin=origin, data_dir=data_dir, launched_at=launched_at, on_start=self_test, on_created=on_created,
            navigation=self_test.navigation_lock(origin) if self_test else NavigationLock(origin),
            close_on_failure=bool(self_test),
        )
        startup.result()  # raises what stopped the start, if anything did
        return self_test.report() if self_test else 0
    finally:
        logger.info("Stopping the server")
        stop_server(startup)
        instance.close()
        logger.info("Stopped")


def start_site(sock, data_dir, args, launched_at: float) -> server.ServerThread:
    """Runs beside the window's start-up: Django, migrations, the server thread, a health check."""
    desktop.configure(data_dir, port=sock.getsockname()[1], dev=args.dev)
    try:
        site = desktop.start(next_path=SelfTest.start_path if args.self_test else "/")
    except desktop.SiteUnavailable as error:
        raise StartupError(str(error)) from None
    http_server = server.ServerThread(site.wsgi_app, sock, launch_path=site.launch_path).start()
    http_server.wait_until_ready(site.health_path, site.auth_headers)
    logger.info("Server ready on %s after %.3f s", http_server.origin, time.perf_counter() - launched_at)
    return http_server


def stop_server(startup: Future) -> None:
    if startup.done() and not startup.exception():
        startup.result().stop()


if __name__ == "__main__":
    lifecycle.exit_promptly(main())
