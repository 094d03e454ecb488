"""Start-up phases: where the time from the spawn to the final screen goes, in the bare window and in Notedesk.

The same launches as bench/startup.py's (under Xvfb, the screen polled until it settles, Notedesk
from the source tree on a warm data folder of 30 demo notes, interleaved with the bare pywebview
window), each run under bench/phase_trace.py, which stamps the moments of its start-up: the
interpreter ready, pywebview imported, the window about to show and shown, and from
WebKit's own timing the navigation's start, the page answered and parsed, its first paint and its
load, and the page's own marks (Notedesk's list painted). The table gives each moment's median in
seconds after the spawn, beside the content shown (the first screen grab equal to the final
screen), and for each variant after the first its difference from the first. The wrapper imports
pywebview before the program does, so the programs' own imports come after it; the bundles are not
measured (they cannot be wrapped). `--other NAME=PATH` adds Notedesk from another checkout.
Usage: phases.py [--runs N] [--other NAME=PATH] [--no-write]
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, app_env, display, machine, median, print_table, seeded_folders, write_results
from bench.report import phase_table
from bench.startup import (
    NOTES, OWN_TREE, PEERS, compile_bytecode, interleaved_rounds, other_variant, stop_tree, watch_screen,
)

TRACER = str(ROOT / "bench" / "phase_trace.py")
TIMING_WAIT_S = 10  # after the final screen, for WebKit's timing (read 2 s after the page's load)
PHASE_LINE = re.compile(r"^PHASE (\d+\.\d+) (.+)$")
CONTENT_SHOWN = "content shown (the screen)"


def launch(command: list[str], env: dict, data: Path | None) -> dict[str, float]:
    """One traced launch: {phase: seconds after the spawn}, the content shown among them."""
    if data:
        command = [*command, "--data-dir", str(data)]
    with tempfile.TemporaryDirectory(prefix="notedesk-bench-phases-") as scratch:
        stamps = Path(scratch) / "phases.txt"
        with stamps.open("wb") as stamps_out:  # the launch's own: reading it here does not move its offset
            started = time.time()
            process = subprocess.Popen([PYTHON, TRACER, *command], stdout=subprocess.DEVNULL, stderr=stamps_out,
                                       env={**env, "PHASES_SPAWNED_AT": repr(started)})
        try:
            shown, _ = watch_screen(process, started)
            deadline = time.monotonic() + TIMING_WAIT_S
            while b"timing read" not in stamps.read_bytes() and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.1)
        finally:
            stop_tree(process)
        phases = {}
        for line in stamps.read_text(errors="replace").splitlines():
            match = PHASE_LINE.match(line)
            if match:
                phases[match.group(2)] = float(match.group(1))
    if "timing read" not in phases:
        raise RuntimeError("WebKit's timing was not read")
    del phases["timing read"]
    return {**phases, CONTENT_SHOWN: shown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="traced launches per variant")
    parser.add_argument("--other", action="append", default=[], metavar="NAME=PATH",
                        help="also Notedesk from the checkout at PATH, as variant NAME")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results/phases.json alone")
    args = parser.parse_args()
    facts = machine()

    bare_command = PEERS["bare window"][1:]
    variants = {"bare window": (bare_command, {}),
                "dev": ([str(ROOT / "launcher.py")], OWN_TREE)}
    for spec in args.other:
        name, path = spec.split("=", 1)
        command, extra = other_variant(Path(path).resolve())
        if not extra:
            parser.error(f"{path}: a checkout is needed (a bundle's program cannot be traced)")
        variants[name] = (command[1:], extra)
    for name, (command, extra) in variants.items():
        if extra:
            compile_bytecode(Path(command[0]).parent)
    folders = seeded_folders({name: ([PYTHON, *command], extra) for name, (command, extra) in variants.items() if extra},
                             "phases", NOTES)

    samples = {name: [] for name in variants}
    failures, loads = [], []
    try:
        with display():
            for round_number, order in interleaved_rounds(list(variants), args.runs):
                loads.append(os.getloadavg()[0])
                for name in order:
                    command, extra = variants[name]
                    try:
                        phases = launch(command, {**app_env(), **extra}, folders.get(name))
                    except RuntimeError as error:
                        failures.append(f"{name}: {error}")
                        continue
                    if round_number >= 0:
                        samples[name].append(phases)
    finally:
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)

    medians = {name: {phase: round(median(run[phase] for run in runs if phase in run), 3)
                      for phase in {phase for run in runs for phase in run}}
               for name, runs in samples.items() if runs}
    reference = max(medians.values(), key=len, default={})  # Notedesk's: it has the page's own marks too
    order = sorted({phase for phases in medians.values() for phase in phases},
                   key=lambda phase: reference.get(phase, min(phases.get(phase, 99) for phases in medians.values())))
    phases = {"results": medians, "runs": {name: len(runs) for name, runs in samples.items()}, "phase_order": order}
    print_table("Start-up phases (s after the spawn, median; "
                f"load average (1 min) at each round's start: {' '.join(f'{value:.2f}' for value in loads)})",
                *phase_table(phases))
    if failures:
        print("failures:", *failures, sep="\n  ")
    if not args.no_write:
        write_results(
            "phases", facts,
            ("bench/phase_trace.py around each launch: pywebview's window events and WebKit's navigation, paint and "
             "mark timing, in seconds after the spawn; content shown = the first screen grab equal to the final "
             f"screen, as in bench/startup.py; Notedesk from source on {NOTES} demo notes, warm data folder, its "
             "modules compiled to bytecode first; variants interleaved; medians"),
            round_loads=[round(value, 2) for value in loads], failures=failures, **phases,
        )


if __name__ == "__main__":
    main()
