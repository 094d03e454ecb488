"""Server mode: latency of the notes API on PostgreSQL at N demo notes of one user, in-process.

Starts a throwaway cluster with the one cluster script (build/linux/postgres.sh, through
tests/postgres.py), migrates with the server settings, seeds N notes (seed_demo_notes --owner),
then times each request kind, ROUNDS times, and prints the median and p95 in ms with the load
average. Usage: python -m bench.server_search [--notes 20000] [--rounds 9]
(needs the `server` extra and Debian's postgresql: `make system-server`).
"""

import argparse
import os
import statistics
import time

from bench.common import server_database

REQUESTS = [
    ("first page of the list", "/api/notes/", {}),
    ("a word", "/api/notes/", {"q": "meeting"}),
    ("two words", "/api/notes/", {"q": "project deadline"}),
    ("a prefix while typing", "/api/notes/", {"q": "gard"}),
    ("a miss (then a substring scan)", "/api/notes/", {"q": "xylophone"}),
    ("a substring", "/api/notes/", {"q": "eadlin"}),
    ("CJK (a substring scan)", "/api/notes/", {"q": "会議"}),
    ("[[ completion", "/api/titles/", {"q": "me"}),
    ("Go to note, words in any order", "/api/titles/", {"q": "zebra gi", "each": "1"}),
    ("tag counts", "/api/tags/", {}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=9)
    arguments = parser.parse_args()
    with server_database():
        run(arguments.notes, arguments.rounds)


def run(notes: int, rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    user = get_user_model().objects.create_user("bench")
    call_command("seed_demo_notes", str(notes), "--owner", "bench")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    client.force_login(user)
    print(f"PostgreSQL, {notes:,} notes, {rounds} requests each, load average {os.getloadavg()[0]:.1f}")
    for name, path, params in REQUESTS:
        assert client.get(path, params).status_code == 200, name  # and warm
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(path, params)
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        print(f"  {name:32} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
