"""Search: p50/p95 latency of /api/notes/?q=… over HTTP at 1k, 10k, 100k and 1M demo notes.

At each size a headless Notedesk serves a fixed mix of queries (words; CJK, emoji and a substring
through the trigram index; the search operators), sent one at a time over a keep-alive connection
with the Bearer token, a bounded number of rounds within a time budget; then the `[[` completion,
and browsing: the start page (which carries the list's first page and the tags), those two on
their own, and the sidebar's filters (a tag's notes, the pinned notes, the trash).
The seeded data folders are kept outside the repository (seeded_folder): a rerun does not reseed.
With `--before CHECKOUT`, the same requests also go to that checkout's Notedesk on the same
notes, the two taking turns round by round: an A/B in one run. The targets are printed with
pass/fail, and the plot of latency against note count goes to docs/search_latency.png (with
matplotlib, the `bench` extra).
Usage: search.py [--sizes 1000,10000,100000,1000000] [--rounds N] [--budget SECONDS] [--before DIR]
"""

import argparse
import hashlib
import http.client
import json
import math
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.common import (
    LOOPBACK, ROOT, HeadlessApp, before_app, machine, manage, ms, percentile, print_table, write_results,
)

# What people type: a common word, a rarer one, two words, a prefix while typing, a miss.
QUERIES = ["meeting", "zebra", "project deadline", "gard", "budget review client", "xylophone"]
# Through the trigram index: Japanese words of 2 and 4 characters, an emoji, a substring.
SCRIPT_QUERIES = ["会議", "締め切り", "🎉", "eadlin"]
# The operators: a tag, an exact phrase, a word left out, the pinned notes, the trash, the title.
OPERATOR_QUERIES = ["tag:work meeting", '"project deadline"', "meeting -zebra", "is:pinned budget", "in:trash gard",
                    "title:meeting"]
SEARCH_MIX = QUERIES + SCRIPT_QUERIES + OPERATOR_QUERIES
# The `[[` completion of note titles (GET /api/titles/?q=…): just `[[`, then as a title is typed.
COMPLETIONS = ["", "m", "me", "meet", "project d", "zebra gi", "xyl"]
BROWSING = {"start page": "/", "list": "/api/notes/", "tags": "/api/tags/", "a tag": "/api/notes/?tag=work",
            "pinned": "/api/notes/?pinned=1", "trash": "/api/notes/?trashed=1"}
PLOT = ROOT / "docs" / "search_latency.png"
# Seeded data folders are kept here, outside the repository: a million notes take minutes to seed.
CACHE = Path(os.environ.get("NOTEDESK_BENCH_CACHE") or Path.home() / ".cache" / "notedesk-bench")
SEEDER = ROOT / "embedded_site" / "notes" / "management" / "commands" / "seed_demo_notes.py"
# p95 of the whole search mix over HTTP by note count, and at most this much slower per ×10 notes.
TARGETS_P95_MS = {100_000: 15, 1_000_000: 60}
MAX_GROWTH_PER_10X = 2.0


def seeded_folder(sizes: list[int], size: int) -> tuple[Path, dict]:
    """A data folder with `size` demo notes and how its seeding went (seconds, database MB).

    Grown as the sizes go, each step adding its notes with a seed of its own, so that the smaller
    sizes' notes are part of the larger ones'. Each size is kept in CACHE under a key of its
    steps' counts and seeds and the seeder's code: a rerun reads it from there. The folders are
    shared by reruns: a launch there migrates them forward (after a backup), the notes stay as they are."""
    steps = sizes[: sizes.index(size) + 1]
    fingerprint = hashlib.sha256(SEEDER.read_bytes()).hexdigest()[:10]
    key = "-".join(f"{count}s{seed}" for seed, count in enumerate(steps, 1))
    folder = CACHE / f"search-{key}-{fingerprint}"
    facts = folder / "seeding.json"
    if not facts.exists():
        before = seeded_folder(sizes, steps[-2])[0] if len(steps) > 1 else None
        work = CACHE / f"{folder.name}.partial"
        shutil.rmtree(work, ignore_errors=True)
        if before:
            shutil.copytree(before, work, ignore=shutil.ignore_patterns("seeding.json", "backups", "logs"))
        else:
            work.mkdir(parents=True)
        manage(work, "migrate", "--verbosity", "0")
        started = time.perf_counter()
        # 900,000 notes take 7 min on a quiet machine, more than 10 under load.
        manage(work, "seed_demo_notes", str(size - (steps[-2] if before else 0)), "--seed", str(len(steps)),
               timeout=3600)
        seconds = time.perf_counter() - started
        earlier = json.loads((before / "seeding.json").read_text())["seconds"] if before else 0
        (work / "seeding.json").write_text(json.dumps({
            "notes": size, "seconds": round(earlier + seconds, 1), "last_step_seconds": round(seconds, 1),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }))
        shutil.rmtree(work / "backups", ignore_errors=True)  # `manage migrate` backs up what it copied
        work.rename(folder)
    try:
        manage(folder, "migrate", "--check")
    except subprocess.CalledProcessError:  # migrations to apply: here, not in a launch that has a timeout
        manage(folder, "migrate", "--verbosity", "0")
        shutil.rmtree(folder / "backups", ignore_errors=True)
    seeding = json.loads(facts.read_text())
    return folder, {**seeding, "database_mb": round((folder / "notedesk.sqlite3").stat().st_size / 1e6, 1)}



def queried(path: str, queries: list[str]) -> dict[str, str]:
    return {query: f"{path}?" + urlencode({"q": query}) for query in queries}


def timed_queries(
    apps: dict[str, HeadlessApp], rounds: int, deadline: float, targets: dict[str, str]
) -> dict[str, dict[str, list[float]]]:
    """Seconds per request, by app and by the name of each target (its path). The apps take
    turns round by round, first one then the other in alternate rounds, so that a burst of load
    on the machine hits both alike."""
    connections = {name: http.client.HTTPConnection(LOOPBACK, app.port, timeout=60) for name, app in apps.items()}
    headers = {name: {**app.bearer, "X-Requested-With": "XMLHttpRequest"} for name, app in apps.items()}
    timings = {name: {label: [] for label in targets} for name in apps}

    def send(name: str, label: str) -> float:
        started = time.perf_counter()
        connections[name].request("GET", targets[label], headers=headers[name])
        response = connections[name].getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{name}: {targets[label]} answered {response.status}")
        return time.perf_counter() - started

    for label in targets:  # warm-up: the first query of each kind reads the index from disk
        for name in apps:
            send(name, label)
    for round_number in range(rounds):
        if time.monotonic() > deadline:
            break
        for name in list(apps) if round_number % 2 == 0 else list(reversed(apps)):
            for label in targets:
                timings[name][label].append(send(name, label))
    for connection in connections.values():
        connection.close()
    return timings


def summary(timings: dict[str, list[float]]) -> dict:
    every = [value for values in timings.values() for value in values]
    return {
        "all": {"samples": len(every), "p50_ms": ms(percentile(every, 0.5)), "p95_ms": ms(percentile(every, 0.95))},
        "queries": {query: {"p50_ms": ms(percentile(values, 0.5)), "p95_ms": ms(percentile(values, 0.95))}
                    for query, values in timings.items()},
    }


def matches(app: HeadlessApp) -> dict[str, dict]:
    """How many notes each query of the mix finds, and through which index. The API counts a
    search only so far past the page asked for: a page past the end makes it count them all."""
    found = {}
    for query in SEARCH_MIX:
        status, body = app.get("/api/notes/?" + urlencode({"q": query, "limit": 1, "offset": 1_000_000_000}))
        answer = json.loads(body)
        found[query] = {"matches": answer["total"], "exact": answer.get("total_exact", True), "index": answer["index"]}
    return found


def measure(folder: Path, before: Path | None, rounds: int, budget: float) -> dict:
    """Each app's summary of the search mix (with each query's matches) and of the completion."""
    apps = {"after": HeadlessApp(folder, timeout=120)}
    try:
        if before:
            apps["before"] = before_app(before, folder)
        found = {name: matches(app) for name, app in apps.items()}
        searches = timed_queries(apps, rounds, time.monotonic() + budget, queried("/api/notes/", SEARCH_MIX))
        completions = timed_queries(apps, rounds, time.monotonic() + budget / 4, queried("/api/titles/", COMPLETIONS))
        browsing = timed_queries(apps, rounds, time.monotonic() + budget / 4, BROWSING)
    finally:
        for app in apps.values():
            app.close()
    entries = {}
    for name in apps:
        entry = summary(searches[name])
        for query, facts in found[name].items():
            entry["queries"][query].update(facts)
        entry["completions"] = summary(completions[name])
        entry["browsing"] = summary(browsing[name])
        entries[name] = entry
    return entries


def index_sizes(folder) -> dict:
    """MB on disk of the notes table and of each full-text index (SQLite's dbstat)."""
    with sqlite3.connect(folder / "notedesk.sqlite3") as db:
        pages = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    def total(prefix):
        return round(sum(size for name, size in pages.items() if name.startswith(prefix)) / 1e6, 1)
    return {"notes": round(pages.get("notes_note", 0) / 1e6, 1), "word_index": total("notes_note_fts"),
            "trigram_index": total("notes_note_trigram"), "database": round(sum(pages.values()) / 1e6, 1)}




def plot(sizes: list[int], results: dict) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        print("note: matplotlib is missing (the `bench` extra); no plot")
        return
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    for variant, label, colour in [("after", "", "C0"), ("before", " (before)", "C3")]:
        if all(variant in results[str(size)] for size in sizes):
            for key, style in [("p50_ms", "o-"), ("p95_ms", "s--")]:
                axes.plot(sizes, [results[str(size)][variant]["all"][key] for size in sizes], style, color=colour,
                          label=f"whole mix, {key[:3]}{label}")
    for query in ["meeting", "eadlin", '"project deadline"']:  # (DejaVu Sans, matplotlib's font, has no CJK)
        axes.plot(sizes, [results[str(size)]["after"]["queries"][query]["p50_ms"] for size in sizes], ":", marker=".",
                  label=f"'{query}', p50")
    for notes, target in TARGETS_P95_MS.items():
        axes.plot([notes], [target], "kv", markersize=6)
        axes.annotate(f"target p95 ≤ {target} ms", (notes, target), textcoords="offset points", xytext=(-100, -3),
                      fontsize=8)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sizes, [f"{size:,}" for size in sizes])
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(
        lambda value, _: f"{value:g}" if f"{value:g}"[0] in "25" else ""))
    axes.set_xlabel("notes in the database")
    axes.set_ylabel("latency over HTTP (ms)")
    axes.set_title("Notedesk search: /api/notes/?q=… latency against note count")
    axes.grid(True, which="both", linewidth=0.3)
    axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(PLOT)
    print(f"wrote {PLOT.relative_to(ROOT)}")


def growth_of(sizes: list[int], results: dict, variant: str) -> dict:
    growth = {}
    for small, large in zip(sizes, sizes[1:]):
        low, high = results[str(small)][variant]["all"], results[str(large)][variant]["all"]
        growth[f"{small}->{large}"] = {"notes_x": large / small, "p50_x": round(high["p50_ms"] / low["p50_ms"], 2),
                                       "p95_x": round(high["p95_ms"] / low["p95_ms"], 2)}
    return growth


def verdicts(sizes: list[int], results: dict, growth: dict) -> list[dict]:
    """Each target with what was measured and whether it is met."""
    found = []
    for notes, target in TARGETS_P95_MS.items():
        if str(notes) in results:
            p95 = results[str(notes)]["after"]["all"]["p95_ms"]
            found.append({"target": f"p95 at {notes:,} notes ≤ {target} ms", "measured": p95, "met": p95 <= target})
    for step, value in growth.items():
        per_10x = value["p95_x"] ** (1 / max(1e-9, math.log10(value["notes_x"])))
        found.append({"target": f"p95 growth {step.replace('->', ' → ')} ≤ ×{MAX_GROWTH_PER_10X:g} per ×10 notes",
                      "measured": round(per_10x, 2), "met": per_10x <= MAX_GROWTH_PER_10X})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", help="note counts, ascending")
    parser.add_argument("--rounds", type=int, default=40, help="rounds of the query mix per size (at most)")
    parser.add_argument("--budget", type=float, default=120, help="seconds of querying per size (at most)")
    parser.add_argument("--before", type=Path, help="a checkout to compare with, on the same databases")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    facts = machine()
    results = {}
    for size in sizes:
        folder, seeding = seeded_folder(sizes, size)
        print(f"{size:,} notes: seeded in {seeding['seconds']} s in all ({seeding['date']}), database "
              f"{seeding['database_mb']} MB; load {os.getloadavg()[0]:.2f}", flush=True)
        results[str(size)] = {**measure(folder, args.before, args.rounds, args.budget),
                              "seeding": seeding, "sizes_mb": index_sizes(folder),
                              "load_average_1m": round(os.getloadavg()[0], 2)}

    variants = [name for name in ("after", "before") if name in results[str(sizes[0])]]
    for variant in variants:
        print_table(f"Search over HTTP, {variant}, ms (p50 per query, in brackets how many match, + if more)",
                    ["notes", "samples", "all p50", "all p95", *(f"{query!r}" for query in SEARCH_MIX)],
                    [[size, entry["all"]["samples"], entry["all"]["p50_ms"], entry["all"]["p95_ms"],
                      *(f"{entry['queries'][query]['p50_ms']} ({entry['queries'][query]['matches']}"
                        f"{'' if entry['queries'][query]['exact'] else '+'})" for query in SEARCH_MIX)]
                     for size in sizes for entry in [results[str(size)][variant]]])
        print_table(f"`[[` completion, GET /api/titles/?q=…, {variant}, ms (p50 per query)",
                    ["notes", "samples", "all p50", "all p95", *(f"{query!r}" for query in COMPLETIONS)],
                    [[size, entry["all"]["samples"], entry["all"]["p50_ms"], entry["all"]["p95_ms"],
                      *(entry["queries"][query]["p50_ms"] for query in COMPLETIONS)]
                     for size in sizes for entry in [results[str(size)][variant]["completions"]]])
        print_table(f"Browsing, {variant}, ms (p50, p95)", ["notes", *BROWSING],
                    [[size, *(f"{entry['queries'][label]['p50_ms']}, {entry['queries'][label]['p95_ms']}"
                              for label in BROWSING)]
                     for size in sizes for entry in [results[str(size)][variant]["browsing"]]])
    print_table("Seeding and sizes on disk, MB", ["notes", "seeded in (s)", "notes table", "word index",
                                                  "trigram index", "database", "load (1 min)"],
                [[size, results[str(size)]["seeding"]["seconds"],
                  *(results[str(size)]["sizes_mb"][key] for key in ("notes", "word_index", "trigram_index", "database")),
                  results[str(size)]["load_average_1m"]] for size in sizes])
    growth = {variant: growth_of(sizes, results, variant) for variant in variants}
    for variant in variants:
        for step, value in growth[variant].items():
            print(f"{variant}: {step.replace('->', ' -> ')} notes: p50 ×{value['p50_x']}, p95 ×{value['p95_x']}")
    targets = verdicts(sizes, results, growth["after"])
    print_table("Targets (after)", ["target", "measured", ""],
                [[item["target"], item["measured"], "met" if item["met"] else "MISSED"] for item in targets])
    write_results(
        "search", facts,
        ("one client, keep-alive, Bearer token, default page size; query mix "
         f"{SEARCH_MIX}, up to {args.rounds} rounds or {args.budget:g} s per size after one warm-up round"
         + (f"; 'before' is {args.before} on copies of the same databases, the two taking turns round by round"
            if args.before else "")),
        targets=targets, results=results, growth=growth,
    )
    if len(sizes) > 1:
        plot(sizes, results)


if __name__ == "__main__":
    main()
