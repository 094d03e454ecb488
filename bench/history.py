"""Version history: what revisions cost on disk, and what a save costs with them.

- `storage`: 10,000 demo notes × 50 revisions each, made through the app's own code
  (embedded_site/notes/revisions.py, in this process, on a throwaway data folder): the database
  size before and after, bytes per revision, and the same text stored plain for comparison.
- `save`: p50/p95 of PATCH /api/notes/<id>/ over HTTP at 10,000 notes (one client, keep-alive,
  Bearer token): the first save of each note (with history: it keeps a revision), then saves
  that keep none. Run it on a checkout without history for the "before" figure.

Usage: python -m bench.history [--only storage,save] [--notes N] [--revisions N] [--saves N]
"""

import argparse
import http.client
import json
import random
import re
import shutil
import sqlite3
import time

from bench.common import (
    LOOPBACK, HeadlessApp, data_dir, machine, manage, ms, percentile, print_table, seed_notes, write_results,
)


def timed_saves(app: HeadlessApp, note_ids: list[int], rounds: int) -> list[list[float]]:
    """Per round, the time of one small edit (a word appended) to each note."""
    connection = http.client.HTTPConnection(LOOPBACK, app.port, timeout=30)
    headers = {**app.bearer, "X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
    notes = {}
    for note_id in note_ids:
        connection.request("GET", f"/api/notes/{note_id}/", headers=headers)
        notes[note_id] = json.loads(connection.getresponse().read())
    timings = []
    for round_number in range(rounds):
        times = []
        for note_id in note_ids:
            note = notes[note_id]
            body = json.dumps({"body": note["body"] + f" word{round_number}", "version": note["version"]})
            started = time.perf_counter()
            connection.request("PATCH", f"/api/notes/{note_id}/", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            times.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"PATCH {note_id} answered {response.status}: {answer[:200]!r}")
            notes[note_id] = json.loads(answer)
        timings.append(times)
    connection.close()
    return timings


def save_benchmark(notes: int, saves: int) -> dict:
    folder = data_dir("history-save")
    try:
        seed_notes(folder, notes)
        with HeadlessApp(folder) as app:
            status, body = app.get(f"/api/notes/?limit=200")
            ids = [note["id"] for note in json.loads(body)["notes"]]
            random.Random(1).shuffle(ids)
            ids = ids[:saves]
            first, *later = timed_saves(app, ids, rounds=4)
            later = [value for values in later for value in values]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "notes": notes,
        "first_save": {"samples": len(first), "p50_ms": ms(percentile(first, 0.5)), "p95_ms": ms(percentile(first, 0.95))},
        "later_saves": {"samples": len(later), "p50_ms": ms(percentile(later, 0.5)), "p95_ms": ms(percentile(later, 0.95))},
    }


def storage_benchmark(notes: int, revisions: int) -> dict:
    """Seeds `notes` notes, then makes `revisions` revisions of each: every one a few edits on
    from the one before (a sentence added, a word changed, now and then a paragraph removed)."""
    folder = data_dir("history-storage")
    try:
        seed_notes(folder, notes)
        database = folder / "notedesk.sqlite3"
        size_before = database.stat().st_size
        started = time.perf_counter()
        report = manage(folder, "seed_demo_revisions", str(revisions))
        alone = int(re.search(r"would take (\d+) bytes", report).group(1))
        took = time.perf_counter() - started
        with sqlite3.connect(database) as db:
            db.execute("VACUUM")
            count, stored, plain = db.execute(
                "SELECT count(*), sum(length(body)), sum(size) FROM notes_revision").fetchone()
            page_size = db.execute("PRAGMA page_size").fetchone()[0]
            keyframes = db.execute("SELECT count(*) FROM notes_revision WHERE base_id IS NULL").fetchone()[0]
        size_after = database.stat().st_size
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "notes": notes, "revisions": count, "keyframes": keyframes, "seconds_to_make": round(took, 1),
        "database_bytes_before": size_before, "database_bytes_after_vacuum": size_after,
        "bytes_per_revision_on_disk": round((size_after - size_before) / count, 1),
        "stored_body_bytes": stored, "plain_body_bytes": plain, "bodies_compressed_alone_bytes": alone,
        "page_size": page_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="storage,save")
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--revisions", type=int, default=50)
    parser.add_argument("--saves", type=int, default=150, help="notes edited in the save benchmark")
    parser.add_argument("--label", default="", help="a name for this run's save figures (e.g. before)")
    args = parser.parse_args()
    facts = machine()
    results = {}
    if "storage" in args.only:
        storage = results["storage"] = storage_benchmark(args.notes, args.revisions)
        print_table("Revisions on disk", ["figure", "value"], [
            ["notes × revisions", f"{storage['notes']:,} × {args.revisions} = {storage['revisions']:,}"],
            ["keyframes (stored whole)", f"{storage['keyframes']:,}"],
            ["database before → after (VACUUM)",
             f"{storage['database_bytes_before'] / 1e6:.1f} → {storage['database_bytes_after_vacuum'] / 1e6:.1f} MB"],
            ["on disk per revision (rows, index, pages)", f"{storage['bytes_per_revision_on_disk']:.0f} B"],
            ["revision bodies stored / as plain text",
             f"{storage['stored_body_bytes'] / 1e6:.1f} / {storage['plain_body_bytes'] / 1e6:.1f} MB "
             f"({storage['stored_body_bytes'] / storage['plain_body_bytes']:.1%})"],
            ["the bodies compressed each on its own (for comparison)",
             f"{storage['bodies_compressed_alone_bytes'] / 1e6:.1f} MB"],
            ["time to make them", f"{storage['seconds_to_make']} s"],
        ])
    if "save" in args.only:
        save = results["save"] = save_benchmark(args.notes, args.saves)
        print_table(f"PATCH /api/notes/<id>/ over HTTP at {args.notes:,} notes, ms {args.label}",
                    ["saves", "samples", "p50", "p95"], [
                        ["first save of a note", save["first_save"]["samples"], save["first_save"]["p50_ms"],
                         save["first_save"]["p95_ms"]],
                        ["later saves", save["later_saves"]["samples"], save["later_saves"]["p50_ms"],
                         save["later_saves"]["p95_ms"]],
                    ])
    name = "history" + (f"-{args.label}" if args.label else "")
    write_results(name, facts, "storage: seed_demo_revisions through revisions.py; save: PATCH over HTTP, one client",
                  results=results)


if __name__ == "__main__":
    main()
