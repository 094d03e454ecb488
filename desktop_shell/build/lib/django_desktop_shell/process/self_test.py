"""--self-test: drive the real window from Python and check what the page shows.

The shell's own checks use its probe page (/_desktop/probe/), so any site passes them: the launch
and its session, an AJAX GET and a CSRF-protected POST made by the page's own JS, and the
navigation lock. A site adds its own with django_desktop_shell.self_test.window_check.

It uses window.run_js, not evaluate_js: evaluate_js wraps the script in eval(), which the app's
Content-Security-Policy forbids, while run_js hands it to the web view as it is.
"""

import sys
from dataclasses import replace

from django_desktop_shell.process.navigation import NavigationLock
from django_desktop_shell.process.site import PROBE_PATH
from django_desktop_shell.process.window import WindowHooks
from django_desktop_shell.self_test import SelfTestFailure, site_checks, wait_for, wait_until

EXTERNAL_URL = "https://example.org/desktop-shell-self-test"


class SelfTest:
    """Run as the window's start function; then report() prints the outcome and gives the exit code."""

    start_path = PROBE_PATH

    def __init__(self, slug: str):
        self.slug = slug
        self.failure: str | None = "the window closed before the self-test ran"
        self.passed: list[str] = []
        self.external_links: list[str] = []

    def wrap(self, hooks: WindowHooks) -> WindowHooks:
        """The window's hooks, with the checks run once the app page is requested, the window
        closed if the start fails, and external links recorded instead of opened."""
        return replace(
            hooks, navigation=NavigationLock(hooks.navigation.origin, open_external=self.external_links.append),
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
        wait_for(window, f"location.pathname === '{PROBE_PATH}' && document.readyState === 'complete'", True,
                 "the self-test page, through the launch link and its session")
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
        origin = window.run_js("location.origin")
        for description, check in site_checks:
            check(window, origin)
            self.passed.append(description)

    def report(self) -> int:
        for check in self.passed:
            print(f"ok: {check}")
        if self.failure:
            print(f"{self.slug}: self-test failed: {self.failure}", file=sys.stderr)
            return 1
        print(f"{self.slug}: self-test passed")
        return 0
