"""Start-up: wall time from process start to the page loaded in the window, under Xvfb.

For the source checkout (`python launcher.py`), the one-folder and the one-file bundle, against a
bare pywebview window on a static HTML file, in the same run and interleaved, so that a busy
moment of the machine hits every variant alike. Also the time to READY with --headless.

The clock starts just before the process is spawned and stops at the wall-clock stamp of the
window's "Page loaded" log line (the baseline prints its own stamp on the same pywebview event).
Every data folder is used once before timing (the first launch creates the database), so the
figures are those of an everyday launch. After each launch the benchmark waits until all its
processes (WebKit's too) have exited, and 0.5 s more, so no launch shares the cores with the
previous one's teardown. Usage: startup.py [--runs N] [--budget SECONDS]
"""

import argparse
import shutil
import subprocess
import time

import psutil

from bench.common import (
    PYTHON, ROOT, VARIANTS, HeadlessApp, app_env, available_variants, data_dir, display, machine, median,
    print_table, read_line_within, stop, wait_for_log, write_results,
)

RUN_TIMEOUT_S = 30
SETTLE_S = 0.5
BASELINE = [PYTHON, str(ROOT / "bench" / "baseline_window.py"), str(ROOT / "bench" / "hello.html")]
TARGETS_S = {"dev": 0.6, "onedir": 0.6, "onefile": 1.5}


def stop_all(process: subprocess.Popen) -> None:
    """Stop the launch and wait for all its processes (WebKit's exit after the app's) to be gone,
    so that the next launch does not share the cores with this one's teardown."""
    try:
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    stop(process)
    psutil.wait_procs(family, timeout=5)
    time.sleep(SETTLE_S)


def window_run(variant: str, data) -> dict | None:
    """One launch: seconds to page loaded (wall, and as the app itself logs it), or None."""
    if variant == "baseline":
        started = time.time()
        process = subprocess.Popen(BASELINE, stdout=subprocess.PIPE, text=True, env=app_env())
        try:
            line = read_line_within(process, RUN_TIMEOUT_S)
        finally:
            stop_all(process)
        return {"loaded_s": float(line.split()[1]) - started} if line.startswith("LOADED ") else None
    log_file = data / "logs" / "notedesk.log"
    log_file.unlink(missing_ok=True)
    started = time.time()
    process = subprocess.Popen([*VARIANTS[variant], "--data-dir", str(data)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=app_env())
    try:
        loaded = wait_for_log(log_file, r"Page loaded ([\d.]+) s after launch", process, RUN_TIMEOUT_S)
    finally:
        stop_all(process)
    if loaded is None:
        return None
    ready = wait_for_log(log_file, r"Server ready on \S+ after ([\d.]+) s", process, 1)
    return {
        "loaded_s": loaded[0] - started,
        "in_process_loaded_s": float(loaded[1].group(1)),
        "in_process_server_ready_s": float(ready[1].group(1)) if ready else None,
    }


def headless_run(variant: str, data) -> float:
    with HeadlessApp(data, variant, timeout=RUN_TIMEOUT_S) as app:
        return app.ready_after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="timed launches per variant (at least 5)")
    parser.add_argument("--budget", type=float, default=600, help="stop starting new runs after this many seconds")
    args = parser.parse_args()
    runs = max(5, args.runs)
    deadline = time.monotonic() + args.budget
    variants = available_variants(["dev", "onedir", "onefile"])
    folders = {variant: data_dir(f"startup-{variant}") for variant in variants}
    facts = machine()

    window = {variant: [] for variant in ["baseline", *variants]}
    headless = {variant: [] for variant in variants}
    failures = []
    with display():
        for variant in window:  # warm-up: creates each database, fills the page cache
            window_run(variant, folders.get(variant))
        for _ in range(runs):
            for variant in window:
                if time.monotonic() > deadline:
                    break
                result = window_run(variant, folders.get(variant))
                (window[variant].append(result) if result else failures.append(f"window {variant}"))
        for variant in headless:
            headless_run(variant, folders[variant])
            for _ in range(runs):
                if time.monotonic() > deadline:
                    break
                headless[variant].append(headless_run(variant, folders[variant]))
    for folder in folders.values():
        shutil.rmtree(folder, ignore_errors=True)

    baseline = median(r["loaded_s"] for r in window["baseline"]) if window["baseline"] else None
    rows, results = [], {}
    for variant, samples in window.items():
        if not samples:
            continue
        loaded = [r["loaded_s"] for r in samples]
        entry = {
            "runs": len(samples),
            "page_loaded_median_s": round(median(loaded), 3),
            "page_loaded_min_s": round(min(loaded), 3),
            "page_loaded_max_s": round(max(loaded), 3),
            "page_loaded_samples_s": [round(value, 3) for value in loaded],
            "target_s": TARGETS_S.get(variant),
        }
        if variant != "baseline":
            entry["in_process_loaded_median_s"] = round(median(r["in_process_loaded_s"] for r in samples), 3)
            entry["in_process_server_ready_median_s"] = round(
                median(r["in_process_server_ready_s"] for r in samples if r["in_process_server_ready_s"] is not None), 3)
        if headless.get(variant):
            entry["headless_ready_median_s"] = round(median(headless[variant]), 3)
            entry["headless_ready_samples_s"] = [round(value, 3) for value in headless[variant]]
        results[variant] = entry
        rows.append([
            variant, len(samples), f"{entry['page_loaded_median_s']:.3f}",
            f"{entry['page_loaded_min_s']:.3f}–{entry['page_loaded_max_s']:.3f}",
            f"{round(entry['page_loaded_median_s'] - baseline, 3) + 0.0:+.3f}" if baseline is not None else "",
            f"{entry['in_process_loaded_median_s']:.3f}" if "in_process_loaded_median_s" in entry else "",
            f"{entry['headless_ready_median_s']:.3f}" if "headless_ready_median_s" in entry else "",
            f"≤ {entry['target_s']}" if entry["target_s"] else "",
        ])
    print_table(
        "Start-up (s): process start to page loaded in the window (median), and to READY with --headless",
        ["variant", "runs", "loaded", "range", "vs baseline", "in-process", "headless READY", "target"], rows,
    )
    write_results(
        "startup", facts,
        ("wall time from just before spawning the process to the 'Page loaded' log stamp "
         "(baseline: the stamp it prints on the same pywebview event); warm data folder; "
         "variants interleaved; in-process = the app's own figure, from main() on"),
        failures=failures,
        results=results,
    )


if __name__ == "__main__":
    main()
