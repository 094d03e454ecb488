"""What every benchmark shares: the machine's facts, processes to measure, tables and results.

Every benchmark bounds its loops in count and in time, and talks to 127.0.0.1 only.
"""

import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DIST = Path(os.environ.get("NOTEDESK_BENCH_DIST", ROOT / "dist"))
PYTHON = sys.executable
LOOPBACK = "127.0.0.1"

# How each build of Notedesk is started: the source checkout and the two PyInstaller bundles.
VARIANTS = {
    "dev": [PYTHON, str(ROOT / "launcher.py")],
    "onedir": [str(DIST / "notedesk-dir" / "notedesk")],
    "onefile": [str(DIST / "notedesk")],
}
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ \[[^\]]*\] [\w.]+: (.*)$")


def available_variants(names) -> list[str]:
    """The variants whose program exists; a bundle appears once `make package` has built it."""
    found = [name for name in names if Path(VARIANTS[name][0]).exists()]
    for name in set(names) - set(found):
        print(f"note: {VARIANTS[name][0]} is missing (run `make package`); {name} is left out", file=sys.stderr)
    return found


def machine() -> dict:
    """The facts a reader needs to compare figures: CPU, cores, memory, OS, load, date."""
    cpu = platform.processor()
    with contextlib.suppress(OSError):
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    os_name = platform.platform()
    with contextlib.suppress(OSError):
        os_name = next(line.split("=", 1)[1].strip().strip('"') for line in open("/etc/os-release")
                       if line.startswith("PRETTY_NAME="))
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "os": os_name,
        "python": platform.python_version(),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "niceness": os.nice(0),
    }


def write_results(name: str, facts: dict, method: str, **data) -> Path:
    """bench/results/NAME.json: the machine (as it was at the start), the method, the load at the end, the data."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    temporary = path.with_suffix(".json.tmp")
    document = {"machine": facts, "method": method, "load_average_1m_at_end": round(os.getloadavg()[0], 2), **data}
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
    print(f"wrote {path.relative_to(ROOT)}")
    return path


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print("  ".join(cell.rjust(width) if column else cell.ljust(width)
                        for column, (cell, width) in enumerate(zip(row, widths))))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def percentile(values, fraction: float) -> float:
    """The nearest-rank percentile (fraction 0.5 = median) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def median(values) -> float:
    return statistics.median(values)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


@contextlib.contextmanager
def display():
    """An X display for windows: the session's own, or an Xvfb started (and stopped) here."""
    os.environ["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if not shutil.which("Xvfb"):
        raise SystemExit("Xvfb is not installed: `make bench` installs it")
    read_end, write_end = os.pipe()
    # -noreset: by default the server resets each time its last client leaves, and a client
    # connecting meanwhile (a screenshot between two windows) is refused.
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=[write_end], stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        os.environ["DISPLAY"] = ":" + pipe.readline().strip()
    try:
        yield os.environ["DISPLAY"]
    finally:
        xvfb.terminate()
        xvfb.wait(5)
        del os.environ["DISPLAY"]


def app_env() -> dict:
    env = {**os.environ, "WEBKIT_DISABLE_COMPOSITING_MODE": "1"}
    for name in ("NOTEDESK_DATA_DIR", "NOTEDESK_PORT"):
        env.pop(name, None)
    return env


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM (the app closes its window and server), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def manage(data_dir: Path, *args: str, timeout: float = 600, program: list[str] = VARIANTS["dev"],
           env: dict | None = None) -> str:
    """`PROGRAM manage …` on a data dir (by default the source tree's launcher), ENV added to the app's."""
    result = subprocess.run([*program, "--data-dir", str(data_dir), "manage", *args],
                            check=True, capture_output=True, text=True, env={**app_env(), **(env or {})},
                            timeout=timeout)
    return result.stdout


def seed_notes(data_dir: Path, count: int, seed: int = 1, program: list[str] = VARIANTS["dev"],
               env: dict | None = None) -> None:
    manage(data_dir, "migrate", "--verbosity", "0", program=program, env=env)
    if count:
        manage(data_dir, "seed_demo_notes", str(count), "--seed", str(seed), program=program, env=env)


def data_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"notedesk-bench-{prefix}-"))


def seeded_folders(seeders: dict[str, tuple[list[str], dict]], prefix: str, notes: int) -> dict[str, Path]:
    """{variant: its data folder of `notes` demo notes}, for {variant: (the command that runs its code,
    the environment added)}: each migrated and seeded by that code, since a checkout refuses a
    database that a newer one has migrated ("last used by a newer version"). Variants run by the
    same code share one seeding, copied."""
    seeded, folders = {}, {}
    for name, (command, extra) in seeders.items():
        code = (tuple(command), tuple(sorted(extra.items())))
        if code not in seeded:
            seeded[code] = data_dir(f"{prefix}-seed")
            seed_notes(seeded[code], notes, program=command, env=extra)
        folders[name] = shutil.copytree(seeded[code], data_dir(f"{prefix}-{name}"), dirs_exist_ok=True)
    for folder in seeded.values():
        shutil.rmtree(folder, ignore_errors=True)
    return folders


@contextlib.contextmanager
def server_database():
    """Django set up in-process with Notedesk's server settings on a throwaway PostgreSQL cluster
    (build/linux/postgres.sh, through tests/postgres.py), migrated; stopped and deleted after.
    Needs the `server` extra and Debian's postgresql (`make system-server`)."""
    from tests.postgres import start_cluster, stop_cluster

    cluster = Path(tempfile.mkdtemp(prefix="notedesk-bench-pg-", dir="/tmp"))
    data = tempfile.mkdtemp(prefix="notedesk-bench-server-")
    os.environ.update(
        SECRET_KEY="bench-" + "x" * 50, ALLOWED_HOSTS="testserver", NOTEDESK_DATA_DIR=data, NOTEDESK_HTTPS="0",
        DJANGO_SETTINGS_MODULE="embedded_site.server_settings", DATABASE_URL=start_cluster(cluster),
    )
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        stop_cluster(cluster)
        shutil.rmtree(cluster, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)


class HeadlessApp:
    """`notedesk --headless` on its own data dir: the launch URL, the token and a session."""

    def __init__(self, data: Path, variant: str = "dev", timeout: float = 60, program: list[str] | None = None,
                 env: dict | None = None):
        self.started = time.perf_counter()
        self.process = subprocess.Popen([*(program or VARIANTS[variant]), "--headless", "--data-dir", str(data)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env or app_env())
        line = read_line_within(self.process, timeout)
        self.ready_after = time.perf_counter() - self.started
        if not line.startswith("READY "):
            stop(self.process)
            raise RuntimeError(f"expected READY, got {line!r}: {self.process.stderr.read()[-2000:]}")
        self.launch_url = line.split(" ", 1)[1].strip()
        parts = urlsplit(self.launch_url)
        self.port = parts.port
        self.token = parse_qs(parts.query)["token"][0]
        self.bearer = {"Authorization": f"Bearer {self.token}"}

    def session(self) -> dict:
        """The cookies and CSRF token the app's window holds after opening the launch URL."""
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        launch = urlsplit(self.launch_url)  # on the install's own host name, which browsers resolve to 127.0.0.1
        host = {"Host": launch.netloc}
        connection.request("GET", launch._replace(scheme="", netloc="").geturl(), headers=host)
        response = connection.getresponse()
        response.read()
        cookies = cookie_pairs(response)
        connection.request("GET", "/ajax/data/", headers={**host, "Cookie": "; ".join(cookies)})
        response = connection.getresponse()
        page = response.read().decode()
        cookies += cookie_pairs(response)
        connection.close()
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        return {"Cookie": "; ".join(cookies), "X-CSRFToken": token}

    def get(self, path: str, connection: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
        own = connection is None
        connection = connection or http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        connection.request("GET", path, headers=self.bearer)
        response = connection.getresponse()
        body = response.read()
        if own:
            connection.close()
        return response.status, body

    def close(self) -> None:
        stop(self.process)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def before_app(checkout: Path, folder: Path) -> HeadlessApp:
    """Another checkout's Notedesk on the same notes, in `before_data_folder`."""
    env = {**app_env(), "PYTHONPATH": f"{checkout / 'desktop_shell'}:{checkout}"}
    return HeadlessApp(before_data_folder(checkout, folder), program=[PYTHON, str(checkout / "launcher.py")], env=env,
                       timeout=120)


def before_data_folder(checkout: Path, folder: Path) -> Path:
    """A data folder of its own for another checkout (a second launch on one folder hands over to
    the first; the shell wants the database inside its data folder) holding a copy of the
    database, made once, with every app's migrations that checkout lacks undone (by this
    checkout, which has them): it refuses a database a newer version migrated."""
    own = folder.parent / f"{folder.name}.before"
    if not own.exists():
        work = folder.parent / f"{own.name}.partial"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        shutil.copy2(folder / "notedesk.sqlite3", work / "notedesk.sqlite3")
        theirs = latest_migrations(checkout)
        for app, latest in latest_migrations(ROOT).items():
            if theirs.get(app) != latest:
                manage(work, "migrate", app, theirs.get(app, "zero"), "--verbosity", "0")
        shutil.rmtree(work / "backups", ignore_errors=True)
        work.rename(own)
    return own


def latest_migrations(tree: Path) -> dict[str, str]:
    """{app: its latest migration} for the site's apps in a checkout."""
    return {folder.parent.name: max(path.stem for path in folder.glob("0*.py"))
            for folder in (tree / "embedded_site").glob("*/migrations")}


def cookie_pairs(response) -> list[str]:
    return [header.split(";", 1)[0] for header in response.headers.get_all("Set-Cookie") or []]


def read_line_within(process: subprocess.Popen, timeout: float) -> str:
    """The next line of the process's stdout, or "" if none comes within the timeout. Read a byte at
    a time from the pipe: the text stream's readline() read ahead, and a second line written with
    the first waited in its buffer, unseen by the next call's select, until the timeout."""
    import select

    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        if not select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))[0]:
            return ""
        byte = os.read(process.stdout.fileno(), 1)
        if not byte:  # the process has closed its stdout
            break
        line += byte
    return line.decode()


def log_events(log_file: Path) -> list[tuple[float, str]]:
    """(wall-clock time, message) of each line of a Notedesk log (its stamps are local time, ms)."""
    events = []
    with contextlib.suppress(FileNotFoundError):
        for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
            match = LOG_LINE.match(line)
            if match:
                stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
                events.append((stamp, match.group(2)))
    return events


def wait_for_log(log_file: Path, pattern: str, process: subprocess.Popen, timeout: float):
    """Poll the log until a message matches; return (wall time, match), or None on timeout/exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for stamp, message in log_events(log_file):
            match = re.search(pattern, message)
            if match:
                return stamp, match
        if process.poll() is not None:
            return None
        time.sleep(0.05)
    return None
