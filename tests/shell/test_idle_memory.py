"""Once the app has served no request for a while, the server threads' database connections give
back their page caches (process/idle_memory.py): never while a request runs, never sooner."""

import threading
import time

import pytest
from django.db import connection

from django_desktop_shell.process.idle_memory import IdleMemory

pytestmark = pytest.mark.django_db(transaction=True)

QUIET_S = 0.2
SHRINK = "PRAGMA shrink_memory"


class RequestThread:
    """A server thread: its own connection, whose statements are recorded, and one request answered
    through the app IdleMemory watches, held until finish_request()."""

    def __init__(self, application):
        self.statements = []
        self.finished_at = None
        self.go, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.serve, args=(application,), daemon=True)
        self.thread.start()

    def serve(self, application):
        connection.ensure_connection()
        connection.connection.set_trace_callback(self.statements.append)
        application({"answer": self.answer}, lambda status, headers: None)
        self.done.wait()
        connection.close()

    def answer(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master")
        self.go.wait()
        return [b"answered"]

    def finish_request(self):
        # Taken before the request may end, not after: a thread descheduled once its request had
        # ended took this moment late, under load, and the quiet time looked shorter than it was.
        self.finished_at = time.monotonic()
        self.go.set()

    def end(self):
        self.go.set()
        self.done.set()
        self.thread.join(5)

    def emptied_at(self, within_s: float = 10) -> float | None:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if SHRINK in self.statements:
                return time.monotonic()
            time.sleep(0.01)
        return None


@pytest.fixture
def application():
    return IdleMemory(idle_s=QUIET_S).watching(lambda environ, start_response: environ["answer"]())


def test_a_connection_that_served_a_request_is_emptied_once_the_app_is_quiet(application):
    server_thread = RequestThread(application)
    try:
        server_thread.finish_request()
        emptied_at = server_thread.emptied_at()
        assert emptied_at is not None, server_thread.statements
        assert emptied_at - server_thread.finished_at >= QUIET_S
        time.sleep(QUIET_S * 3)  # quiet times enough for a second emptying, were there one
        assert server_thread.statements.count(SHRINK) == 1  # not again until it serves another request
    finally:
        server_thread.end()


def test_nothing_is_emptied_while_a_request_runs(application):
    first, second = RequestThread(application), RequestThread(application)
    try:
        first.finish_request()
        assert first.emptied_at(within_s=QUIET_S * 4) is None  # the second is still answering
        second.finish_request()
        assert first.emptied_at() is not None and second.emptied_at() is not None
        time.sleep(QUIET_S * 3)
        assert first.statements.count(SHRINK) == second.statements.count(SHRINK) == 1
    finally:
        first.end()
        second.end()


def test_a_thread_that_first_answered_without_the_database_has_its_connection_emptied_once_it_opens_one(application):
    statements, done = [], threading.Event()

    def answer_from_memory():
        return [b"answered"]

    def answer_from_the_database():
        connection.ensure_connection()
        connection.connection.set_trace_callback(statements.append)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master")
        return [b"answered"]

    def serve():
        application({"answer": answer_from_memory}, lambda status, headers: None)
        application({"answer": answer_from_the_database}, lambda status, headers: None)
        done.wait()
        connection.close()

    server_thread = threading.Thread(target=serve, daemon=True)
    server_thread.start()
    try:
        deadline = time.monotonic() + 10
        while SHRINK not in statements and time.monotonic() < deadline:
            time.sleep(0.01)
        assert SHRINK in statements
    finally:
        done.set()
        server_thread.join(5)
