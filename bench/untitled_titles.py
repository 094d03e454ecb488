"""Go to note's notes without a title (links.untitled_matching), in-process: the ms a key costs at
N untitled notes (a first line of 8 of 20 words, then 2 KB of text) for a miss, a common first
word, four words, and a word every note's text has but no first line (the worst), on the
desktop's SQLite or a server's PostgreSQL (a throwaway cluster: bench.common.server_database).

Usage: python -m bench.untitled_titles [--notes 20000] [--rounds 7] [--database sqlite|postgresql]
"""

import argparse
import contextlib
import os
import random
import shutil
import statistics
import time

from bench.common import ROOT, data_dir, manage, print_table, server_database

WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango".split()
TYPED = ["x", "xylophone", "alpha", "alpha bravo charlie delta", "text"]


@contextlib.contextmanager
def desktop_database():
    """Django set up in-process with the desktop's settings on a data folder of its own, migrated."""
    folder = data_dir("untitled-titles")
    try:
        manage(folder, "migrate", "--verbosity", "0")
        from django_desktop_shell import identity, runtime

        runtime.configure(runtime.Runtime(identity=identity.load(ROOT), data_dir=folder, port=0))
        os.environ["DJANGO_SETTINGS_MODULE"] = "embedded_site.settings"
        import django

        django.setup()
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with desktop_database() if args.database == "sqlite" else server_database():
        from django.contrib.auth import get_user_model
        from django.db import connection

        from embedded_site.notes import links
        from embedded_site.notes.models import Note
        from embedded_site.notes.owners import local_owner

        owner = local_owner() if args.database == "sqlite" else get_user_model().objects.create_user("bench")
        chosen = random.Random(1)
        Note.objects.bulk_create([Note(owner=owner, title="", body=" ".join(chosen.choices(WORDS, k=8)) + "\n" + "body text " * 200)
                                  for _ in range(args.notes)], batch_size=1000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        rows = []
        for typed in TYPED:
            times = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                found = links.untitled_matching(owner, typed, 20)
                times.append((time.perf_counter() - started) * 1000)
            rows.append([repr(typed), len(found), f"{statistics.median(times):.1f}", f"{max(times):.1f}"])
    print_table(f"links.untitled_matching(owner, typed, 20) at {args.notes:,} untitled notes, {args.database}, ms, "
                f"load average {os.getloadavg()[0]:.1f}", ["typed", "found", "median", "max"], rows)


if __name__ == "__main__":
    main()
