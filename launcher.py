"""Notedesk: start the Django site on a loopback port, wait until it answers, open the window."""

import logging
import sys
import time
import webbrowser

from shell import cli, lifecycle, paths, server, window
from shell.errors import StartupError
from shell.logs import configure_logging
from shell.self_test import SelfTest

logger = logging.getLogger("notedesk")


def main(argv: list[str] | None = None) -> int:
    launched_at = time.perf_counter()
    args = cli.parse_args(argv)
    http_server = None
    try:
        data_dir = paths.prepare_data_dir(paths.resolve_data_dir(args.data_dir), create_missing=True)
        configure_logging(data_dir, dev=args.dev)
        from embedded_site import desktop

        if args.command == "manage":
            desktop.configure(data_dir, dev=args.dev)
            desktop.run_management_command(args.manage_args)
            return 0
        if not (args.headless or args.browser):
            window.ensure_display()

        sock = server.bind_loopback(args.port)
        desktop.configure(data_dir, port=sock.getsockname()[1], dev=args.dev)
        site = desktop.start(next_path=SelfTest.start_path if args.self_test else "/")
        http_server = server.ServerThread(site.wsgi_app, sock).start()
        http_server.wait_until_ready(site.health_path, site.auth_headers)
        launch_url = http_server.origin + site.launch_path
        logger.info("Server ready on %s after %.3f s", http_server.origin, time.perf_counter() - launched_at)

        if args.headless:
            print(f"READY {launch_url}", flush=True)
            lifecycle.wait_for_stop_signal()
        elif args.browser:
            webbrowser.open(launch_url)
            lifecycle.wait_for_stop_signal()
        elif args.self_test:
            self_test = SelfTest()
            window.run_window(launch_url, launched_at=launched_at, on_start=self_test)
            if self_test.failure:
                print(f"notedesk: self-test failed: {self_test.failure}", file=sys.stderr)
                return 1
            print("notedesk: self-test passed")
        else:
            window.run_window(launch_url, launched_at=launched_at)
        return 0
    except StartupError as error:
        logger.error("Could not start: %s", error)
        print(f"notedesk: {error}", file=sys.stderr)
        return 1
    finally:
        if http_server:
            http_server.stop()


if __name__ == "__main__":
    sys.exit(main())
