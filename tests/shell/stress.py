"""Repeat the real-window and lifecycle runs until a rare failure shows itself (`make stress`).

Two parts, each on a fresh data folder every time:
- cycles: launch the window, launch again (the first window is asked to show itself), SIGTERM;
  then the same again on that data folder, from the start page the first run kept;
- suites: whole runs of the real-window and lifecycle test files with pytest.

Every launcher runs with PYTHONFAULTHANDLER=1 and core dumps on. A non-zero exit, or an exit
that only the watchdog (lifecycle.force_exit) brought about, is reported with its signal, the tail of its stderr and of its log, and, when it left a core, every thread's
native stack from gdb. `--load` keeps every core busy meanwhile. The exit code is the number of
failures (capped at 100).

    python -m tests.shell.stress --cycles 100 --suites 20 --load
"""

import argparse
import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import app_env, display

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = [sys.executable, str(ROOT / "launcher.py")]
SUITE_FILES = ["tests/shell/test_window.py", "tests/shell/test_self_test.py", "tests/shell/test_launcher.py",
               "tests/shell/test_lifecycle.py", "tests/shell/security/test_local_process.py"]
TAIL_LINES = 25
FORCED_EXIT = "Did not stop within"  # the exit watchdog's log line: the process did not end by itself
STEP_TIMEOUT_S = 60


class Failure(Exception):
    pass


def allow_core_dumps() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def exit_description(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit {code}"


def wait_for_log(log_file: Path, pattern: str, process: subprocess.Popen, after: int = 0) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        if log_file.exists() and re.search(pattern, log_file.read_bytes()[after:].decode(errors="replace")):
            return
        if process.poll() is not None:
            raise Failure(f"the first launch ended ({exit_description(process.returncode)}) before its log said "
                          f"{pattern!r}:\n{tail(process.stderr.read())}")
        time.sleep(0.02)
    raise Failure(f"the log never said {pattern!r}")


def native_stacks(core: Path) -> str:
    if not shutil.which("gdb"):
        return "(gdb is not installed: no native stacks)"
    result = subprocess.run(
        ["gdb", "-batch", "-ex", "thread apply all bt", sys.executable, str(core)],
        capture_output=True, text=True, timeout=300,
    )
    return result.stdout


def one_cycle(work: Path, env: dict) -> None:
    """Twice on one data folder (the second launch then opens on the start page the first kept):
    launch, ask a second launch to show the first window, SIGTERM: the first must exit 0."""
    for _ in range(2):
        launch_and_hand_over(work, env)


def launch_and_hand_over(work: Path, env: dict) -> None:
    data_dir = work / "data"
    log_file = data_dir / "logs" / "notedesk.log"
    logged_before = log_file.stat().st_size if log_file.exists() else 0
    first = subprocess.Popen(
        [*LAUNCHER, "--data-dir", str(data_dir)], env=env, cwd=work,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=allow_core_dumps,
    )
    try:
        wait_for_log(log_file, r"Page loaded", first, logged_before)
        second = subprocess.run(
            [*LAUNCHER, "--data-dir", str(data_dir)], env=env, cwd=work,
            capture_output=True, text=True, timeout=STEP_TIMEOUT_S, preexec_fn=allow_core_dumps,
        )
        if second.returncode != 0:
            raise Failure(f"the second launch: {exit_description(second.returncode)}\n{tail(second.stderr)}")
        wait_for_log(log_file, r"asked this window to show itself", first, logged_before)
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGTERM)
        try:
            code = first.wait(STEP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            first.kill()
            code = first.wait()
    if log_file.exists() and FORCED_EXIT in log_file.read_bytes()[logged_before:].decode(errors="replace"):
        raise Failure(f"the first launch exited {code}, but only through the watchdog:\n{tail(log_file.read_text())}")
    if code != 0:
        report = [f"the first launch: {exit_description(code)}", "stderr:", tail(first.stderr.read())]
        if log_file.exists():
            report += ["log:", tail(log_file.read_text(errors="replace"))]
        for core in work.glob("core*"):
            report += [f"native stacks from {core.name}:", native_stacks(core)]
        raise Failure("\n".join(report))


def one_suite(work: Path, env: dict) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(work / "pytest"), *SUITE_FILES],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30 * STEP_TIMEOUT_S,
    )
    if result.returncode != 0:
        raise Failure(f"pytest: exit {result.returncode}\n{tail(result.stdout, 60)}")


@contextlib.contextmanager
def busy_cores(enabled: bool):
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)
    ] if enabled else []
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def repeat(name: str, step, times: int, env: dict) -> int:
    failures = 0
    started = time.monotonic()
    for number in range(1, times + 1):
        with tempfile.TemporaryDirectory(prefix=f"notedesk-stress-{name}-") as work:
            try:
                step(Path(work), env)
            except (Failure, subprocess.TimeoutExpired) as failure:
                failures += 1
                print(f"\n{name} {number}/{times} FAILED: {failure}\n", flush=True)
        print(f"\r{name}: {number}/{times} done, {failures} failed", end="", flush=True)
    print(f"\n{name}: {times} runs, {failures} failed, {time.monotonic() - started:.0f} s", flush=True)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=100, help="launch / second launch / SIGTERM cycles")
    parser.add_argument("--suites", type=int, default=20, help="runs of the real-window and lifecycle test files")
    parser.add_argument("--load", action="store_true", help="keep every core busy meanwhile")
    args = parser.parse_args()
    failures = 0
    with display(), busy_cores(args.load):
        env = {**app_env(), "PYTHONFAULTHANDLER": "1"}
        print(f"display {env['DISPLAY']}, load: {'every core busy' if args.load else 'none added'}", flush=True)
        failures += repeat("cycles", one_cycle, args.cycles, env)
        failures += repeat("suites", one_suite, args.suites, env)
    return min(failures, 100)


if __name__ == "__main__":
    sys.exit(main())
