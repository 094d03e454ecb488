"""Start-up: wall time from spawning the process until the screen shows its final content, under Xvfb.

The screen itself is the clock: the benchmark grabs the Xvfb root window every ~40 ms from just
before the spawn. The final state is the last screen once it has not changed for 1.5 s; the time
is that of the first grab equal to it (the list painted, not just the page loaded). Beside it, the
"Page loaded" moment the app reports (Notedesk's log line; the others print `LOADED <time>` on
pywebview's same event), and the PSS of the whole process tree (psutil, summed) 3 s after the final screen.

Variants, in one run, interleaved (each round in a rotated order) so that a busy moment of the
machine hits them alike: a bare pywebview window on a static file (bench/baseline_window.py), a
minimal Django + waitress + pywebview app (bench/minimal_app.py), flaskwebgui serving that same
app in Chromium's app mode, and Notedesk from the source tree (dev), the one-folder and the
one-file bundle, each on a data folder of 30 demo notes launched once before the timed runs. Each
checkout migrates and seeds its own data folder (the bundles share the source tree's), so that an
A/B of two commits holds whatever their migrations; a Notedesk launch that never logs "Page loaded"
(an error page on the screen) is a failure, not a sample.
A checkout's own modules are compiled to bytecode first (--source-only: not), as after a first
launch, since this machine sets PYTHONDONTWRITEBYTECODE=1 and the bundles hold their bytecode.
`--other NAME=PATH` adds Notedesk from another checkout (a folder: its own launcher and shell) or
another build (a bundle's program) as variant NAME, for A/B.
After each launch the benchmark stops every process of the tree and waits until they are gone.
Usage: startup.py [--runs N] [--only a,b] [--other NAME=PATH] [--source-only] [--screens DIR] [--budget SECONDS]
"""

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
from PIL import ImageGrab

from bench.common import (
    PYTHON, ROOT, VARIANTS, app_env, available_variants, display, machine, median, print_table,
    read_line_within, seeded_folders, stop, wait_for_log, write_results,
)

RUN_TIMEOUT_S = 30
STEADY_S = 1.5
POLL_S = 0.04
SETTLE_S = 0.5
# The PSS is read this long after the final screen: the app's work after its first paint (its
# polls, the caches they fill) is in it. Nobody types here, so the spell checker's dictionaries,
# loaded at the first key press (~7 MB), are not.
MEMORY_AFTER_S = 3.0
NOTES = 30
PEERS = {
    "bare window": [PYTHON, str(ROOT / "bench" / "baseline_window.py"), str(ROOT / "bench" / "hello.html"), "--stay"],
    "minimal app": [PYTHON, str(ROOT / "bench" / "minimal_app.py")],
    "flaskwebgui": [PYTHON, str(ROOT / "bench" / "minimal_app.py"), "--flaskwebgui"],
}
TARGET_X_BARE = 1.25
OWN_TREE = {"PYTHONPATH": f"{ROOT / 'desktop_shell'}:{ROOT}"}


def grab() -> bytes:
    return ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).tobytes()


def watch_screen(process: subprocess.Popen, started: float) -> tuple[float, bytes]:
    """(seconds from the spawn to the first grab equal to the final screen, that screen)."""
    changes = []  # (time, screen) at each change
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        polled = time.time()
        shot = grab()
        if not changes or shot != changes[-1][1]:
            changes.append((polled, shot))
        elif polled - changes[-1][0] >= STEADY_S and len(changes) > 1:
            final = changes[-1][1]
            return next(moment for moment, screen in changes if screen == final) - started, final
        time.sleep(max(0.0, POLL_S - (time.time() - polled)))
    raise RuntimeError("the screen did not settle" if process.poll() is None else f"exited with {process.returncode}")


def tree_pss(process: subprocess.Popen) -> float:
    total = 0
    for member in [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]:
        try:
            total += member.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total / 1e6


def stop_tree(process: subprocess.Popen) -> None:
    """SIGTERM the launch, then whatever of its tree is left (flaskwebgui leaves Chromium), and wait
    until all are gone, so that the next launch does not share the cores with this one's teardown."""
    try:
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    stop(process)
    for member in family:
        try:
            member.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(family, timeout=5)
    for member in alive:
        member.kill()
    time.sleep(SETTLE_S)


def crash_record(data: Path | None) -> str:
    """The crashed thread's stack from the launch's crashes.log (the data folder is deleted after
    the run), or nothing."""
    crashes = data / "logs" / "crashes.log" if data else None
    if not crashes or not crashes.exists():
        return ""
    last = crashes.read_text(errors="replace").rsplit("Fatal Python error", 1)[-1]
    crashed = last.split("Current thread", 1)[-1].split("\n\n", 1)[0]
    crashes.unlink()  # a later failure reports its own
    return "; its crashed thread:\n    Current thread" + crashed.replace("\n", "\n    ")


def launch(command: list[str], env: dict, data: Path | None, screens: Path | None, label: str) -> dict:
    """One launch: seconds to the final screen and to page loaded, and the tree's PSS."""
    log_file = data / "logs" / "notedesk.log" if data else None
    if log_file:
        log_file.unlink(missing_ok=True)
        command = [*command, "--data-dir", str(data)]
    started = time.time()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        try:
            shown, screen = watch_screen(process, started)
        except RuntimeError as error:
            raise RuntimeError(f"{error}{crash_record(data)}") from None
        time.sleep(max(0.0, started + shown + MEMORY_AFTER_S - time.time()))
        pss = tree_pss(process)
        if log_file:
            loaded = wait_for_log(log_file, r"Page loaded ([\d.]+) s after launch", process, 1)
            if not loaded:
                raise RuntimeError("no 'Page loaded' in its log: the screen it settled on is not the app's page")
            loaded_s = loaded[0] - started
        else:
            line = read_line_within(process, 0.1)
            loaded_s = float(line.split()[1]) - started if line.startswith("LOADED ") else None
    finally:
        stop_tree(process)
    if screens:
        ImageGrab.Image.frombytes("RGB", (1280, 800), screen).save(screens / f"{label}.png")
    return {"shown_s": shown, "loaded_s": loaded_s, "pss_mb": pss}


def compile_bytecode(tree: Path) -> None:
    """Compile a checkout's own modules, as a launch without PYTHONDONTWRITEBYTECODE leaves them
    after the first: with it set (as on the shared machine), every dev launch compiles them again."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(tree / "launcher.py"),
                    str(tree / "desktop_shell" / "django_desktop_shell"), str(tree / "embedded_site")],
                   check=True, stdout=subprocess.DEVNULL)


def interleaved_rounds(names: list[str], runs: int):
    """(round number, the variants in that round's order): round -1 warms up (the first launch of
    each data folder), then each round starts one variant further on, so a busy moment hits all alike."""
    for round_number in range(-1, runs):
        yield round_number, names[round_number % len(names):] + names[:round_number % len(names)]


def other_variant(path: Path) -> tuple[list[str], dict]:
    """Notedesk from another checkout (a folder) or another build (a program)."""
    if path.is_dir():
        return [PYTHON, str(path / "launcher.py")], {"PYTHONPATH": f"{path / 'desktop_shell'}:{path}"}
    return [str(path)], {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed launches per variant")
    parser.add_argument("--only", help="comma-separated variants to run (default: all)")
    parser.add_argument("--other", action="append", default=[], metavar="NAME=PATH",
                        help="also Notedesk from the checkout or the bundle's program at PATH, as variant NAME (A/B)")
    parser.add_argument("--screens", type=Path, help="save each variant's final screen as a PNG here")
    parser.add_argument("--budget", type=float, default=1200, help="stop starting new rounds after this many seconds")
    parser.add_argument("--source-only", action="store_true",
                        help="do not compile the checkouts' bytecode first (each dev launch then compiles it)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results/startup.json alone")
    args = parser.parse_args()
    deadline = time.monotonic() + args.budget
    facts = machine()

    # flaskwebgui leaves a Chromium profile in the temporary folder at each launch it does not close itself.
    scratch = Path(tempfile.mkdtemp(prefix="notedesk-bench-startup-"))
    variants = {name: (command, {"TMPDIR": str(scratch)} if name == "flaskwebgui" else {})
                for name, command in PEERS.items()}
    variants |= {name: (VARIANTS[name], OWN_TREE if name == "dev" else {})
                 for name in available_variants(["dev", "onedir", "onefile"])}
    for spec in args.other:
        name, path = spec.split("=", 1)
        variants[name] = other_variant(Path(path).resolve())
    if args.only:
        unknown = [name for name in args.only.split(",") if name not in variants]
        if unknown:
            parser.error(f"--only: no variant {', '.join(map(repr, unknown))}; there are {', '.join(map(repr, variants))}")
        variants = {name: variants[name] for name in args.only.split(",")}
    notedesk = [name for name in variants if name not in PEERS]
    if not args.source_only:
        for name in notedesk:
            if "PYTHONPATH" in variants[name][1]:
                compile_bytecode(Path(variants[name][0][1]).parent)
    # The bundles are built from this checkout: its launcher seeds their folders.
    folders = seeded_folders({name: (VARIANTS["dev"], OWN_TREE) if name in VARIANTS else variants[name]
                              for name in notedesk}, "startup", NOTES)
    if args.screens:
        args.screens.mkdir(parents=True, exist_ok=True)

    samples = {name: [] for name in variants}
    failures = []
    loads = []
    with display():
        for round_number, order in interleaved_rounds(list(variants), args.runs):
            if time.monotonic() > deadline:
                break
            loads.append(os.getloadavg()[0])
            for name in order:
                command, extra = variants[name]
                try:
                    result = launch(command, {**app_env(), **extra}, folders.get(name),
                                    args.screens if round_number == 0 else None, name.replace(" ", "-"))
                except RuntimeError as error:
                    failures.append(f"{name}: {error}")
                    continue
                if round_number >= 0:
                    samples[name].append(result)
    for folder in [scratch, *folders.values()]:
        shutil.rmtree(folder, ignore_errors=True)

    bare = median(r["shown_s"] for r in samples["bare window"]) if samples.get("bare window") else None
    rows, results = [], {}
    for name, runs in samples.items():
        if not runs:
            continue
        shown = [r["shown_s"] for r in runs]
        loaded = [r["loaded_s"] for r in runs if r["loaded_s"] is not None]
        entry = {
            "runs": len(runs),
            "shown_median_s": round(median(shown), 3),
            "shown_min_s": round(min(shown), 3),
            "shown_max_s": round(max(shown), 3),
            "x_bare": round(median(shown) / bare, 2) if bare else None,
            "page_loaded_median_s": round(median(loaded), 3) if loaded else None,
            "pss_median_mb": round(median(r["pss_mb"] for r in runs), 1),
            "shown_samples_s": [round(value, 3) for value in shown],
        }
        results[name] = entry
        rows.append([
            name, entry["runs"], f"{entry['shown_median_s']:.3f}", f"{entry['shown_min_s']:.3f}–{entry['shown_max_s']:.3f}",
            f"{entry['x_bare']:.2f}" if entry["x_bare"] else "",
            f"{entry['page_loaded_median_s']:.3f}" if loaded else "", f"{entry['pss_median_mb']:.0f}",
        ])
    load_note = f"load average (1 min) at each round's start: {' '.join(f'{value:.2f}' for value in loads)}"
    print_table(f"Start-up (s): spawn to the screen's final state, median; {load_note}",
                ["variant", "runs", "content shown", "range", "× bare", "page loaded", "PSS MB"], rows)
    if failures:
        print("failures:", *failures, sep="\n  ")
    if not args.no_write:
        write_results(
            "startup", facts,
            ("wall time from just before spawning the process to the first screen grab (Xvfb root window, every "
             f"{POLL_S * 1000:.0f} ms) equal to the final screen (unchanged for {STEADY_S} s); page loaded = the app's "
             "'Page loaded' log stamp or the LOADED line printed on pywebview's loaded event; PSS = the process tree's, "
             f"summed, {MEMORY_AFTER_S} s after the final screen; Notedesk on {NOTES} demo notes, warm data folder; variants interleaved; "
             + ("dev from source only (PYTHONDONTWRITEBYTECODE=1)" if args.source_only else
                "dev with its modules compiled to bytecode first")),
            round_loads=[round(value, 2) for value in loads], target_x_bare=TARGET_X_BARE, failures=failures,
            results=results,
        )


if __name__ == "__main__":
    main()
