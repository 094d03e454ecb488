"""--self-test: drive the real window from Python and check what the page shows.

The launch opens the site's start page, as a person's does, and it must load: where it lands
(after any redirects, to a login page say) must not answer with an error. The shell's own checks
then use its probe page (/_desktop/probe/), so any site passes them: the session, an AJAX GET and a
CSRF-protected POST made by the page's own JS, and the navigation lock. A site adds its own with
django_desktop_shell.self_test.window_check.

It uses window.run_js, not evaluate_js: evaluate_js wraps the script in eval(), which the app's
Content-Security-Policy forbids, while run_js hands it to the web view as it is.
"""

import sys
from dataclasses import replace
from pathlib import Path

from django_desktop_shell.identity import Identity
from django_desktop_shell.process.navigation import NavigationLock
from django_desktop_shell.process.site import PROBE_PATH
from django_desktop_shell.process.window import WindowHooks
from django_desktop_shell.self_test import SelfTestFailure, site_checks, wait_for, wait_until

EXTERNAL_URL = "https://example.org/desktop-shell-self-test"


class SelfTest:
    """Run as the window's start function; then report() prints the outcome and gives the exit code."""

    def __init__(self, identity: Identity, origin: str, log_file: Path):
        self.slug = identity.slug
        self.log_file = log_file  # where a failure's traceback is
        self.start_path = identity.start_path
        self.origin = origin
        self.failure: str | None = "the window closed before the self-test ran"
        self.passed: list[str] = []
        self.external_links: list[str] = []
        self.statuses: dict[str, str] = {}  # request target (path and query) -> the status line of its last GET

    def recording_statuses(self, app):
        """The site's WSGI app, noting the status of each GET it answers. The start page's status
        is read here rather than in the window: WebKitGTK 2.50 has no Navigation Timing
        responseStatus, and fetching the page again from its script would be a second request,
        whose answer may differ (a one-time message shown, a redirect taken once). What the server
        sent is what the window got, in every OS's web view."""

        def application(environ, start_response):
            def start_and_record(status, headers, exc_info=None):
                if environ["REQUEST_METHOD"] == "GET":
                    self.statuses[environ["REQUEST_URI"]] = status
                return start_response(status, headers, exc_info)

            return app(environ, start_and_record)

        return application

    def wrap(self, hooks: WindowHooks) -> WindowHooks:
        """The window's hooks, with the checks run once the app page is requested, the window
        closed if the start fails, and external links recorded instead of opened."""
        return replace(
            hooks, navigation=NavigationLock(self.origin, open_external=self.external_links.append),
            on_app_requested=self, on_start_failed=lambda window: window.destroy(),
        )

    def __call__(self, window) -> None:
        try:
            self.run_checks(window)
            self.failure = None
        except SelfTestFailure as error:
            self.failure = str(error)
        except Exception as error:  # anything else the window raises is a failed self-test too
            self.failure = f"{type(error).__name__}: {error}"
        finally:
            window.destroy()

    def run_checks(self, window) -> None:
        self.check_start_page(window)
        window.load_url(self.origin + PROBE_PATH)
        wait_for(window, f"location.pathname === '{PROBE_PATH}' && document.readyState === 'complete'", True,
                 "the self-test page, in the launch's session")
        wait_for(window, "document.getElementById('probeGet').textContent", "GET get", "the AJAX GET result")
        self.passed.append("an AJAX GET answered")
        wait_for(window, "document.getElementById('probePost').textContent", "POST post",
                 "the CSRF-protected POST result")
        self.passed.append("a CSRF-protected POST answered")

        window.run_js(
            f"const link = Object.assign(document.createElement('a'), {{href: '{EXTERNAL_URL}', id: 'selfTestLink'}});"
            "document.body.append(link); link.click();"
        )
        wait_until(lambda: EXTERNAL_URL in self.external_links, "the external link to go to the system browser")
        wait_for(window, "location.pathname", PROBE_PATH, "the window to stay on the app")
        self.passed.append("an external link went to the system browser, not the window")
        for description, check in site_checks:
            check(window, self.origin)
            self.passed.append(description)

    def check_start_page(self, window) -> None:
        """The launch link's redirect to the start page, and any redirects from there, end on a
        page of the app that did not answer with an error. (A launch link refused stays on its own
        address, which carries the launch secret: it is waited past, never named.)"""
        from django_desktop_shell.process.site import LAUNCH_PATH

        landed = (f"location.origin === '{self.origin}' && location.pathname !== '{LAUNCH_PATH}'"
                  " && document.readyState === 'complete'")
        wait_until(lambda: window.run_js(landed) is True, f"the start page {self.start_path} to load")
        target = window.run_js("location.pathname + location.search")
        address = self.start_path if target == self.start_path else f"{self.start_path}, redirected to {target},"
        status = self.statuses.get(target)
        if status is None:
            raise SelfTestFailure(f"the start page {address} did not load: the app's server sent no answer to it")
        if int(status[:3]) >= 400:
            raise SelfTestFailure(f"the start page {address} answered {status}")
        self.passed.append(f"the start page {address} answered {status}")

    def report(self) -> int:
        from django_desktop_shell.csp_reports import refusals

        for check in self.passed:
            print(f"ok: {check}")
        if not self.failure and refusals.texts():
            self.failure = "; ".join(refusals.texts())
        if self.failure:
            print(f"{self.slug}: self-test failed: {self.failure} (the log: {self.log_file})", file=sys.stderr)
            return 1
        print(f"{self.slug}: self-test passed")
        return 0
