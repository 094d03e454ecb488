"""The tables of docs/performance.md, from bench/results/*.json (between its two bench markers).

Usage: python -m bench.report   (bench/run_all.py runs it after the benchmarks)
"""

import json
import re

from bench.common import RESULTS_DIR, ROOT

DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin (bench/report.py writes this part) -->", "<!-- bench:end -->"


def load(name: str) -> dict | None:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_rows(startup, ajax, search, memory, sizes) -> list[list]:
    rows = []
    if startup:
        results = startup["results"]
        peers = [results[name]["shown_median_s"] for name in ("minimal app", "flaskwebgui") if name in results]
        for variant in ["dev", "onedir"]:
            if variant in results and results[variant]["x_bare"] is not None:
                entry = results[variant]
                rows.append([f"Content shown, {variant} (median of {entry['runs']})",
                             f"{entry['shown_median_s']:.3f} s = {entry['x_bare']:.2f}× bare",
                             "≤ 1.25× bare, ahead of the peers",
                             verdict(entry["x_bare"] <= 1.25 and all(entry["shown_median_s"] < peer for peer in peers))])
        if "onefile" in results and "onedir" in results:
            ratio = results["onefile"]["shown_median_s"] / results["onedir"]["shown_median_s"]
            rows.append([f"Content shown, onefile (median of {results['onefile']['runs']})",
                         f"{results['onefile']['shown_median_s']:.3f} s = {ratio:.2f}× onedir", "≤ 1.15× onedir",
                         verdict(ratio <= 1.15)])
        if "dev" in results and "bare window" in results:
            over = results["dev"]["pss_median_mb"] - results["bare window"]["pss_median_mb"]
            rows.append(["Memory at 30 notes, dev, once shown: PSS of the tree over the bare window's", f"{over:+.0f} MB",
                         "≤ +25 MB", verdict(over <= 25)])
        for name in ["bare window", "minimal app", "flaskwebgui"]:
            if name in results:
                rows.append([f"Content shown, {name}", f"{results[name]['shown_median_s']:.3f} s", "", ""])
    if ajax:
        cell = ajax["results"]["json_get"]["8"]
        rows.append(["JSON GET at 8 clients, req/s vs Django with no middleware on the same server (the shell's), same run",
                     f"{cell['ratio_to_django_floor_shell_server']:.2f}× ({cell['rps']:.0f} req/s; CPU per answer "
                     f"{cell['cpu_ratio_to_django_floor_shell_server']:.2f}×)", "≥ 0.85×",
                     verdict(cell["ratio_to_django_floor_shell_server"] >= 0.85)])
        rows.append(["JSON GET at 8 clients, req/s vs Django with no middleware on waitress as it comes (two writes an answer, the shell's server one)",
                     f"{cell['ratio_to_django_floor']:.2f}×", "", ""])
        rows.append(["JSON GET at 8 clients, p99", f"{cell['p99_ms']:.1f} ms", "≤ 10 ms", verdict(cell["p99_ms"] <= 10)])
    if search:
        for item in search["targets"]:
            unit = "×" if "growth" in item["target"] else " ms"
            measured = f"×{item['measured']}" if unit == "×" else f"{item['measured']:.1f} ms"
            rows.append([f"Search over HTTP, {item['target'].split(' ≤ ')[0]}", measured,
                         "≤ " + item["target"].split(" ≤ ")[1], verdict(item["met"])])
    if memory:
        totals = memory["totals"]
        rows.append(["Memory at 10k notes: app + WebKit, sum of peak RSS", f"{totals['sum_of_peak_rss_mb']:.0f} MB",
                     "≤ 250 MB", verdict(totals["sum_of_peak_rss_mb"] <= 250)])
        rows.append(["Memory at 10k notes: app + WebKit, PSS (shared pages counted once)",
                     f"{totals['pss_end_total_mb']:.0f} MB", "(≤ 250 MB)", verdict(totals["pss_end_total_mb"] <= 250)])
        if "pss_over_bare_mb" in totals:
            rows.append([f"Memory at 10k notes, all {totals['notes_listed']:,} listed in the window and searched: "
                         "PSS over the bare window's", f"{totals['pss_over_bare_mb']:+.0f} MB",
                         f"≤ +{totals['target_over_bare_mb']} MB",
                         verdict(totals["pss_over_bare_mb"] <= totals["target_over_bare_mb"])])
        if "baseline" in memory:
            base = memory["baseline"]
            rows.append(["Memory, bare pywebview window (baseline): sum of peak RSS / PSS",
                         f"{base['sum_of_peak_rss_mb']:.0f} / {base['pss_end_total_mb']:.0f} MB", "", ""])
    if sizes:
        for name, label in [("onefile", "one-file binary"), ("onedir", "one-folder bundle"), ("deb", ".deb"),
                            ("tar_gz", ".tar.gz")]:
            if name in sizes["sizes"]:
                size = sizes["sizes"][name]["bytes"]
                target = ["≤ 10 MB", verdict(size <= 10_000_000)] if name == "onefile" else ["", ""]
                rows.append([f"Size, {label}", f"{size / 1e6:.2f} MB", *target])
    return rows


def phase_table(phases: dict) -> tuple[list[str], list[list]]:
    """bench/phases.py's results as a table: each moment's median per variant, and each variant
    after the first against the first."""
    medians = phases["results"]
    first = next(iter(medians), None)
    headers = ["moment"]
    for name in medians:
        headers += [f"{name} ({phases['runs'][name]} runs)"] + ([f"{name} − {first}"] if name != first else [])
    rows = []
    for phase in phases["phase_order"]:
        row = [phase]
        for name, moments in medians.items():
            row.append(seconds(moments.get(phase)))
            if name != first:
                both = phase in moments and phase in medians[first]
                row.append(f"{(moments[phase] - medians[first][phase]) * 1000:+.0f} ms" if both else "")
        rows.append(row)
    return headers, rows


def details(startup, phases, ajax, search, memory) -> list[str]:
    parts = []
    if startup:
        rows = [[variant, entry["runs"], f"{entry['shown_median_s']:.3f}",
                 f"{entry['shown_min_s']:.3f}–{entry['shown_max_s']:.3f}", f"{entry['x_bare']:.2f}",
                 seconds(entry["page_loaded_median_s"]), f"{entry['pss_median_mb']:.0f}"]
                for variant, entry in startup["results"].items()]
        loads = " ".join(f"{value:.1f}" for value in startup["round_loads"])
        parts += ["### Start-up (s): spawn to the final screen", "",
                  table(["variant", "runs", "content shown, median", "range", "× bare", "page loaded, median",
                         "PSS of the tree, MB"], rows), "",
                  f"1-minute load average at the start of each round: {loads}.", ""]
    if phases:
        headers, rows = phase_table(phases)
        loads = " ".join(f"{value:.1f}" for value in phases["round_loads"])
        parts += ["### Start-up phases (s after the spawn, medians; `bench/phases.py`)", "", table(headers, rows), "",
                  f"1-minute load average at the start of each round: {loads}.", ""]
    if ajax:
        rows = []
        for name, cells in ajax["results"].items():
            for clients, cell in cells.items():
                rows.append([name, clients, f"{cell['rps']:.0f}", f"{cell['ratio_to_bare_waitress']:.2f}×",
                             f"{cell['ratio_to_django_floor']:.2f}×", f"{cell['ratio_to_django_floor_shell_server']:.2f}×",
                             f"{cell['cpu_us_per_request']:.0f}", f"{cell['p50_ms']:.2f}", f"{cell['p99_ms']:.2f}",
                             cell["errors"]])
        parts += ["### AJAX (wrk; medians of rounds that measure every row in turn)", "",
                  table(["request", "clients", "req/s", "vs bare waitress", "vs Django, no middleware",
                         "vs Django, no middleware, on the shell's server", "server CPU µs per answer", "p50 ms",
                         "p99 ms", "errors"], rows), ""]
    if search:
        queries = list(next(iter(search["results"].values()))["after"]["queries"])
        for variant in [name for name in ("after", "before") if name in next(iter(search["results"].values()))]:
            rows = [[f"{int(size):,}", entry["all"]["samples"], f"{entry['all']['p50_ms']:.1f}", f"{entry['all']['p95_ms']:.1f}",
                     *(f"{entry['queries'][query]['p50_ms']:.1f} ({entry['queries'][query]['matches']:,}"
                       f"{'' if entry['queries'][query].get('exact', True) else '+'})" for query in queries)]
                    for size, entry in ((size, sizes[variant]) for size, sizes in search["results"].items())]
            parts += [f"### Search over HTTP, {variant} (ms; per query: p50, and in brackets how many notes match, "
                      "+ where the count stopped)", "",
                      table(["notes", "samples", "p50", "p95", *(f"`{query}`" for query in queries)], rows), ""]
            growth = "; ".join(f"{step.replace('->', ' → ')}: p50 ×{value['p50_x']}, p95 ×{value['p95_x']}"
                               for step, value in search["growth"][variant].items())
            parts += [f"Growth per ×10 notes, {variant}: {growth}.", ""]
            browsed = [(size, sizes[variant]["browsing"]) for size, sizes in search["results"].items()
                       if "browsing" in sizes[variant]]
            if browsed:
                labels = list(browsed[0][1]["queries"])
                rows = [[f"{int(size):,}", *(f"{entry['queries'][label]['p50_ms']:.1f} / {entry['queries'][label]['p95_ms']:.1f}"
                                             for label in labels)] for size, entry in browsed]
                parts += [f"### Browsing over HTTP, {variant} (ms, p50 / p95: the start page carries the list's first "
                          "page and the tags; then each on its own, and the sidebar's filters)", "",
                          table(["notes", *labels], rows), ""]
        rows = [[f"{int(size):,}", entry["seeding"]["seconds"], entry["sizes_mb"]["word_index"],
                 entry["sizes_mb"]["trigram_index"], entry["sizes_mb"]["database"], entry["load_average_1m"]]
                for size, entry in search["results"].items()]
        parts += ["### Search: seeding (`seed_demo_notes`, s) and sizes on disk (MB)", "",
                  table(["notes", "seeded in", "word index", "trigram index", "database", "load (1 min)"], rows), ""]
    if memory:
        def cells(entry: dict) -> list[str]:
            return [f"{entry['peak_rss_mb']:.1f}", f"{entry['pss_end_mb']:.1f}", f"{entry['uss_end_mb']:.1f}"]

        totals = memory["totals"]
        rows = [[entry["name"], *cells(entry)] for entry in memory["processes"]]
        rows.append(["total", f"{totals['sum_of_peak_rss_mb']:.1f}", f"{totals['pss_end_total_mb']:.1f}",
                     f"{totals['uss_end_total_mb']:.1f}"])
        if "baseline" in memory:
            rows += [[f"baseline: {entry['name']}", *cells(entry)] for entry in memory["baseline"]["processes"]]
        parts += ["### Memory (MB, 10k notes)", "", table(["process", "peak RSS", "PSS at the end", "USS at the end"], rows), ""]
    return parts


def machine_lines(results: dict) -> list[str]:
    lines = []
    first = next((entry for entry in results.values() if entry), None)
    if first:
        machine = first["machine"]
        lines.append(f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, {machine['os']}, "
                     f"Python {machine['python']}.")
    # Runs on another CPU than the first say which: figures from two machines do not compare.
    loads = [f"{name} {entry['machine']['date'][:16].replace('T', ' ')} UTC (load {entry['machine']['load_average_1m_at_start']}"
             f" → {entry['load_average_1m_at_end']}, nice {entry['machine'].get('niceness', 0)}"
             + (f", on {entry['machine']['cpu']}" if entry["machine"]["cpu"] != first["machine"]["cpu"] else "") + ")"
             for name, entry in results.items() if entry]
    lines.append("Runs, with the 1-minute load average before → after each and the niceness they ran at: "
                 + "; ".join(loads) + ".")
    return lines


def render() -> str:
    results = {name: load(name) for name in ["startup", "phases", "ajax", "search", "memory", "sizes"]}
    lines = [BEGIN, "", *machine_lines(results), "",
             table(["figure", "measured", "target", ""], summary_rows(*(results[name] for name in
                                                                          ["startup", "ajax", "search", "memory", "sizes"]))),
             "", *details(results["startup"], results["phases"], results["ajax"], results["search"], results["memory"]), END]
    return "\n".join(lines)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOC} has no {BEGIN!r} … {END!r} markers")
    DOC.write_text(pattern.sub(lambda _: render(), text), encoding="utf-8")
    print(f"updated the tables in {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
