"""--self-test: drive the real window from Python and check what the page shows.

It uses window.run_js, not evaluate_js: evaluate_js wraps the script in eval(), which the app's
Content-Security-Policy forbids, while run_js hands it to the web view as it is.
"""

import sys
import time

from shell.navigation import NavigationLock

PATTERNS_PATH = "/ajax/data/"
EXTERNAL_URL = "https://example.org/notedesk-self-test"
TIMEOUT_S = 15


class SelfTestFailure(Exception):
    pass


class SelfTest:
    """Run as the window's start function; then report() prints the outcome and gives the exit code."""

    start_path = PATTERNS_PATH

    def __init__(self):
        self.failure: str | None = "the window closed before the self-test ran"
        self.passed: list[str] = []
        self.external_links: list[str] = []

    def navigation_lock(self, origin: str) -> NavigationLock:
        # During the self-test, links the lock sends to the browser are recorded, not opened.
        return NavigationLock(origin, open_external=self.external_links.append)

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
        wait_for(window, f"location.pathname === '{PATTERNS_PATH}' && document.readyState === 'complete'", True,
                 "the AJAX patterns page")
        window.run_js("document.getElementById('loadData').click()")
        wait_for(window, "document.getElementById('response').textContent", "Hello, this is your data!",
                 "the AJAX GET result")
        self.passed.append("an AJAX GET filled the page")

        window.run_js(
            "document.getElementById('username').value = 'Self-test';"
            "document.getElementById('submitButton').click()"
        )
        wait_for(window, "document.getElementById('response').textContent", "Hello, Self-test!",
                 "the CSRF-protected POST result")
        self.passed.append("a CSRF-protected POST answered")

        window.run_js(
            f"const link = Object.assign(document.createElement('a'), {{href: '{EXTERNAL_URL}', id: 'selfTestLink'}});"
            "document.body.append(link); link.click();"
        )
        wait_until(lambda: EXTERNAL_URL in self.external_links, "the external link to go to the system browser")
        wait_for(window, "location.pathname", PATTERNS_PATH, "the window to stay on the app")
        self.passed.append("an external link went to the system browser, not the window")

    def report(self) -> int:
        for check in self.passed:
            print(f"ok: {check}")
        if self.failure:
            print(f"notedesk: self-test failed: {self.failure}", file=sys.stderr)
            return 1
        print("notedesk: self-test passed")
        return 0


def wait_until(condition, description: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestFailure(f"timed out waiting for {description}")
        time.sleep(0.05)


def wait_for(window, expression: str, expected, description: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    value = None
    while time.monotonic() < deadline:
        value = window.run_js(expression)
        if value == expected:
            return
        time.sleep(0.05)
    raise SelfTestFailure(f"{description}: expected {expected!r}, the page showed {value!r}")
