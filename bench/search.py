"""Search: p50/p95 latency of /api/notes/?q=… over HTTP at 1k, 10k and 100k demo notes.

One data folder grows from one size to the next (seed_demo_notes, a different seed each time);
at each size a headless Notedesk serves a fixed mix of queries, sent one at a time over a
keep-alive connection with the Bearer token, a bounded number of rounds within a time budget.
The plot of latency against note count goes to docs/search_latency.png (with matplotlib, the
`bench` extra). Usage: search.py [--sizes 1000,10000,100000] [--rounds N] [--budget SECONDS]
"""

import argparse
import http.client
import json
import shutil
import time
from urllib.parse import urlencode

from bench.common import (
    LOOPBACK, ROOT, HeadlessApp, data_dir, machine, manage, ms, percentile, print_table, write_results,
)

# What people type: a common word, a rarer one, two words, a prefix while typing, a miss.
QUERIES = ["meeting", "zebra", "project deadline", "gard", "budget review client", "xylophone"]
# Through the trigram index: Japanese words of 2 and 4 characters, an emoji, a substring.
SCRIPT_QUERIES = ["会議", "締め切り", "🎉", "eadlin"]
# The `[[` completion of note titles (GET /api/titles/?q=…): just `[[`, then as a title is typed.
COMPLETIONS = ["", "m", "me", "meet", "project d", "zebra gi", "xyl"]
PLOT = ROOT / "docs" / "search_latency.png"
TARGET_P95_MS_AT_100K = 25


def timed_queries(
    app: HeadlessApp, rounds: int, deadline: float, queries: list[str] = QUERIES, path: str = "/api/notes/"
) -> dict[str, list[float]]:
    connection = http.client.HTTPConnection(LOOPBACK, app.port, timeout=30)
    headers = {**app.bearer, "X-Requested-With": "XMLHttpRequest"}
    timings = {query: [] for query in queries}
    for query in queries:  # warm-up: the first query of each kind reads the index from disk
        connection.request("GET", f"{path}?" + urlencode({"q": query}), headers=headers)
        connection.getresponse().read()
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        for query in queries:
            started = time.perf_counter()
            connection.request("GET", f"{path}?" + urlencode({"q": query}), headers=headers)
            response = connection.getresponse()
            response.read()
            timings[query].append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"{path} {query!r} answered {response.status}")
    connection.close()
    return timings


def summary(timings: dict[str, list[float]]) -> dict:
    every = [value for values in timings.values() for value in values]
    return {
        "all": {"samples": len(every), "p50_ms": ms(percentile(every, 0.5)), "p95_ms": ms(percentile(every, 0.95))},
        "queries": {query: {"p50_ms": ms(percentile(values, 0.5)), "p95_ms": ms(percentile(values, 0.95))}
                    for query, values in timings.items()},
    }


def match_counts(app: HeadlessApp) -> dict[str, int]:
    import json

    counts = {}
    for query in QUERIES:
        status, body = app.get("/api/notes/?" + urlencode({"q": query, "limit": 1}))
        counts[query] = json.loads(body)["total"]
    return counts


def index_sizes(folder) -> dict:
    """MB on disk of the notes table and of each full-text index (SQLite's dbstat)."""
    import sqlite3

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
    for key, label, style in [("p50_ms", "p50", "o-"), ("p95_ms", "p95", "s--")]:
        axes.plot(sizes, [results[str(size)]["all"][key] for size in sizes], style, label=f"all queries, {label}")
    for query in [*QUERIES[:2], QUERIES[-1]]:
        axes.plot(sizes, [results[str(size)]["queries"][query]["p50_ms"] for size in sizes], ":", marker=".",
                  label=f"'{query}', p50")
    axes.axhline(TARGET_P95_MS_AT_100K, color="grey", linewidth=0.8)
    axes.annotate(f"target: p95 ≤ {TARGET_P95_MS_AT_100K} ms at 100k", (sizes[0], TARGET_P95_MS_AT_100K),
                  textcoords="offset points", xytext=(0, 4), fontsize=8, color="grey")
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
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(PLOT)
    print(f"wrote {PLOT.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="note counts, ascending")
    parser.add_argument("--rounds", type=int, default=40, help="rounds of the query mix per size (at most)")
    parser.add_argument("--budget", type=float, default=60, help="seconds of querying per size (at most)")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    facts = machine()
    folder = data_dir("search")
    results = {}
    rows = []
    seeded = 0
    for index, size in enumerate(sizes):
        manage(folder, "migrate", "--verbosity", "0")
        manage(folder, "seed_demo_notes", str(size - seeded), "--seed", str(index + 1))
        seeded = size
        with HeadlessApp(folder) as app:
            counts = match_counts(app)
            timings = timed_queries(app, args.rounds, time.monotonic() + args.budget)
            scripts = summary(timed_queries(app, args.rounds, time.monotonic() + args.budget, SCRIPT_QUERIES))
            for query in SCRIPT_QUERIES:
                status, body = app.get("/api/notes/?" + urlencode({"q": query, "limit": 1}))
                scripts["queries"][query].update({"matches": json.loads(body)["total"], "index": json.loads(body)["index"]})
            completions = summary(timed_queries(app, args.rounds, time.monotonic() + args.budget, COMPLETIONS, "/api/titles/"))
        every = [value for values in timings.values() for value in values]
        entry = {
            "all": {"samples": len(every), "p50_ms": ms(percentile(every, 0.5)), "p95_ms": ms(percentile(every, 0.95))},
            "queries": {query: {"matches": counts[query], "p50_ms": ms(percentile(values, 0.5)),
                                "p95_ms": ms(percentile(values, 0.95))} for query, values in timings.items()},
        }
        entry["completions"] = completions
        entry["scripts"] = scripts
        entry["sizes_mb"] = index_sizes(folder)
        results[str(size)] = entry
        rows.append([size, entry["all"]["samples"], f"{entry['all']['p50_ms']:.1f}", f"{entry['all']['p95_ms']:.1f}",
                     *(f"{entry['queries'][query]['p50_ms']:.1f}" for query in QUERIES)])
    shutil.rmtree(folder, ignore_errors=True)

    print_table("Search over HTTP, ms (p50 per query; 'all' = the whole mix)",
                ["notes", "samples", "all p50", "all p95", *(f"{query!r}" for query in QUERIES)], rows)
    print_table("Through the trigram index, ms (p50 per query; in brackets how many match, and the index)",
                ["notes", "samples", "all p50", "all p95", *(f"{query!r}" for query in SCRIPT_QUERIES)],
                [[size, results[str(size)]["scripts"]["all"]["samples"], results[str(size)]["scripts"]["all"]["p50_ms"],
                  results[str(size)]["scripts"]["all"]["p95_ms"],
                  *(f"{results[str(size)]['scripts']['queries'][query]['p50_ms']} "
                    f"({results[str(size)]['scripts']['queries'][query]['matches']}, "
                    f"{results[str(size)]['scripts']['queries'][query]['index']})" for query in SCRIPT_QUERIES)]
                 for size in sizes])
    print_table("Sizes on disk, MB", ["notes", "notes table", "word index", "trigram index", "database"],
                [[size, *(results[str(size)]["sizes_mb"][key] for key in ("notes", "word_index", "trigram_index", "database"))]
                 for size in sizes])
    print_table("`[[` completion, GET /api/titles/?q=… over HTTP, ms (p50 per query)",
                ["notes", "samples", "all p50", "all p95", *(f"{query!r}" for query in COMPLETIONS)],
                [[size, results[str(size)]["completions"]["all"]["samples"], results[str(size)]["completions"]["all"]["p50_ms"],
                  results[str(size)]["completions"]["all"]["p95_ms"],
                  *(results[str(size)]["completions"]["queries"][query]["p50_ms"] for query in COMPLETIONS)] for size in sizes])
    growth = {}
    for small, large in zip(sizes, sizes[1:]):
        factor = large / small
        growth[f"{small}->{large}"] = {
            "notes_x": factor,
            "p50_x": round(results[str(large)]["all"]["p50_ms"] / results[str(small)]["all"]["p50_ms"], 2),
            "p95_x": round(results[str(large)]["all"]["p95_ms"] / results[str(small)]["all"]["p95_ms"], 2),
        }
        print(f"{small} -> {large} notes (×{factor:g}): p50 ×{growth[f'{small}->{large}']['p50_x']}, "
              f"p95 ×{growth[f'{small}->{large}']['p95_x']}")
    write_results(
        "search", facts,
        ("one client, keep-alive, Bearer token, default page size; query mix "
         f"{QUERIES}, up to {args.rounds} rounds or {args.budget:g} s per size after one warm-up round"),
        target={"notes": 100_000, "max_p95_ms": TARGET_P95_MS_AT_100K},
        results=results,
        growth=growth,
    )
    if len(sizes) > 1:
        plot(sizes, results)


if __name__ == "__main__":
    main()
