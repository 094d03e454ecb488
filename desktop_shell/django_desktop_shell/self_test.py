"""A site's own --self-test checks, run in the real window after the shell's.

    from django_desktop_shell.self_test import wait_for, window_check

    @window_check("the orders page lists an order")
    def orders_page(window, origin):
        window.load_url(origin + "/orders/")
        wait_for(window, "document.querySelectorAll('.order').length > 0", True, "the order list")

Register them where Django imports them at start-up (an AppConfig's ready()). A check raises
SelfTestFailure (wait_for and wait_until do) to fail the self-test with its message. Scripts go
through window.run_js: pywebview's evaluate_js wraps them in eval(), which the CSP forbids.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

TIMEOUT_S = 15
site_checks: list[tuple[str, Callable]] = []


class SelfTestFailure(Exception):
    pass


def window_check(description: str):
    def register(check: Callable) -> Callable:
        site_checks.append((description, check))
        return check

    return register


def wait_until(condition, description: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not answer_before(deadline, condition):
        if time.monotonic() > deadline:
            raise SelfTestFailure(f"timed out waiting for {description}")
        time.sleep(0.05)


def wait_for(window, expression: str, expected, description: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    value = None
    while time.monotonic() < deadline:
        value = answer_before(deadline, lambda: window.run_js(expression))
        if value == expected:
            return
        time.sleep(0.05)
    raise SelfTestFailure(f"{description}: expected {expected!r}, the page showed {value!r}")


def answer_before(deadline: float, call: Callable):
    """call()'s answer, or None if it has none by the deadline: run_js waits, without a time limit,
    while a page is still loading (a server that never answers would hold the self-test forever).
    A call left waiting runs on in its daemon thread, its answer unused."""
    answer = Future()

    def run():
        try:
            answer.set_result(call())
        except Exception as error:
            answer.set_exception(error)

    threading.Thread(target=run, name="self-test-call", daemon=True).start()
    try:
        return answer.result(timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        return None
