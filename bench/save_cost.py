"""What each part of a save costs since issue 14, in-process: editing.update_note() on a data
folder of N demo notes, with the trigram index's triggers, the revision check and the links
update each turned off in turn, and all three off (a save as before them); and without the sync
change log (embedded_site/notes/changes.py). Interleaved rounds,
fresh notes for each "first save" (which keeps a revision) and the same notes again for the
"later save" (which keeps none).

Usage: python -m bench.save_cost [--notes 10000] [--rounds 10] [--per-round 15]
"""

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path
from unittest import mock

from bench.common import ROOT, data_dir, machine, print_table, seed_notes, write_results

CONFIGURATIONS = {
    "everything (as shipped)": {},
    "without the trigram index": {"trigram": False},
    "without the revision check": {"revisions": False},
    "without the links update": {"links": False},
    "none of the three (as before)": {"trigram": False, "revisions": False, "links": False},
    "without the change log (sync)": {"changes": False},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=15)
    args = parser.parse_args()
    facts = machine()
    folder = data_dir("save-cost")
    try:
        seed_notes(folder, args.notes)
        results = measure(folder, args.rounds, args.per_round)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_table(f"editing.update_note() in-process at {args.notes:,} notes, ms (p50 / mean)",
                ["configuration", "first save (keeps a revision)", "later save"],
                [[name, f"{cell['first_p50_ms']} / {cell['first_mean_ms']}", f"{cell['later_p50_ms']} / {cell['later_mean_ms']}"]
                 for name, cell in results.items()])
    write_results("save_cost", facts, "in-process update_note, interleaved configurations", results=results)


def measure(folder: Path, rounds: int, per_round: int) -> dict:
    from django_desktop_shell import identity, runtime

    runtime.configure(runtime.Runtime(identity=identity.load(ROOT), data_dir=folder, port=0))
    os.environ["DJANGO_SETTINGS_MODULE"] = "embedded_site.settings"
    import django

    django.setup()
    from django.db import connection

    from embedded_site.notes import changes, editing, links, revisions
    from embedded_site.notes.models import Note
    from embedded_site.notes.owners import local_owner

    owner = local_owner()

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'notes_note_trigram_%'")
        triggers = dict(cursor.fetchall())

    def set_triggers(on: bool) -> None:
        with connection.cursor() as cursor:
            for name, sql in triggers.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                if on:
                    cursor.execute(sql)

    def save(note_id: int, word: str) -> float:
        note = Note.objects.get(pk=note_id)
        fields = {"title": note.title, "body": note.body + word, "pinned": note.pinned, "tags": []}
        started = time.perf_counter()
        editing.update_note(owner, note_id, note.version, fields)
        return time.perf_counter() - started

    ids = iter(Note.objects.order_by("?").values_list("id", flat=True)[: rounds * per_round * len(CONFIGURATIONS)])
    timings = {name: {"first": [], "later": []} for name in CONFIGURATIONS}
    for _ in range(rounds):
        for name, off in CONFIGURATIONS.items():
            set_triggers(off.get("trigram", True))
            keep = revisions.keep_before_change if off.get("revisions", True) else (lambda *args: None)
            relink = links.set_links if off.get("links", True) else (lambda *args: None)
            record = changes.notes_changed if off.get("changes", True) else (lambda *args: None)
            with (
                mock.patch.object(revisions, "keep_before_change", keep),
                mock.patch.object(links, "set_links", relink),
                mock.patch.object(changes, "notes_changed", record),
            ):
                chosen = [next(ids) for _ in range(per_round)]
                timings[name]["first"] += [save(note_id, " first") for note_id in chosen]
                timings[name]["later"] += [save(note_id, " later") for note_id in chosen]
    set_triggers(True)
    return {
        name: {
            f"{kind}_{figure}_ms": round(function(values[kind]) * 1000, 2)
            for kind in ("first", "later") for figure, function in (("p50", statistics.median), ("mean", statistics.mean))
        }
        for name, values in timings.items()
    }


if __name__ == "__main__":
    main()
