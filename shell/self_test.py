"""--self-test: drive the real window from Python and check what the page shows.

It uses window.run_js, not evaluate_js: evaluate_js wraps the script in eval(), which the app's
Content-Security-Policy forbids, while run_js hands it to the web view as it is.
"""

import time

PATTERNS_PATH = "/ajax/data/"
TIMEOUT_S = 15


class SelfTestFailure(Exception):
    pass


class SelfTest:
    """Run as the window's start function; afterwards `failure` holds the reason, or None."""

    start_path = PATTERNS_PATH

    def __init__(self):
        self.failure: str | None = "the window closed before the self-test ran"

    def __call__(self, window) -> None:
        try:
            run_steps(window)
            self.failure = None
        except SelfTestFailure as error:
            self.failure = str(error)
        except Exception as error:  # anything else the window raises is a failed self-test too
            self.failure = f"{type(error).__name__}: {error}"
        finally:
            window.destroy()


def run_steps(window) -> None:
    if not window.events.loaded.wait(TIMEOUT_S):
        raise SelfTestFailure("the page did not load")
    wait_for(window, f"location.pathname === '{PATTERNS_PATH}' && document.readyState === 'complete'", True,
             "the AJAX patterns page")
    window.run_js("document.getElementById('loadData').click()")
    wait_for(window, "document.getElementById('response').textContent", "Hello, this is your data!",
             "the AJAX GET result")
    window.run_js(
        "document.getElementById('username').value = 'Self-test';"
        "document.getElementById('submitButton').click()"
    )
    wait_for(window, "document.getElementById('response').textContent", "Hello, Self-test!",
             "the CSRF-protected POST result")


def wait_for(window, expression: str, expected, description: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    value = None
    while time.monotonic() < deadline:
        value = window.run_js(expression)
        if value == expected:
            return
        time.sleep(0.05)
    raise SelfTestFailure(f"{description}: expected {expected!r}, the page showed {value!r}")
