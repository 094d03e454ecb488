"""Every benchmark, one after the other, then the tables of docs/performance.md from their results.

Usage: python -m bench.run_all [--only sizes,startup,phases,ajax,search,memory,history] [--nice N]   (make bench runs it)
"""

import argparse
import os
import subprocess
import sys
import time

from bench import report
from bench.common import ROOT

BENCHMARKS = ["sizes", "startup", "phases", "ajax", "search", "memory", "history"]
TIMEOUT_S = 1800  # each benchmark bounds itself well below this
# On a shared machine, other work disturbs the figures less when the benchmarks (and the apps and
# servers they start) run at a higher priority; only root may raise it. --nice 0 turns it off.
DEFAULT_NICE = -10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated benchmarks to run")
    parser.add_argument("--nice", type=int, default=DEFAULT_NICE, help="niceness to run them at (negative: as root)")
    args = parser.parse_args()
    if args.nice < 0 and os.geteuid() != 0:
        args.nice = 0
    if args.nice:
        os.nice(args.nice - os.nice(0))
    chosen = [name for name in args.only.split(",") if name]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    failed = []
    for name in chosen:
        started = time.monotonic()
        print(f"\n== bench/{name}.py", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT, timeout=TIMEOUT_S).returncode:
            failed.append(name)
        print(f"(bench/{name}.py took {time.monotonic() - started:.0f} s)", flush=True)
    report.main()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
