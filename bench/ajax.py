"""AJAX: latency p50/p99 and requests per second at 1 and 8 concurrent clients, with wrk.

Four requests the app's page makes, sent as its window sends them (the session cookie,
X-Requested-With, and on the POST the CSRF cookie and X-CSRFToken header), against a bare waitress
WSGI hello world started in the same run: a JSON GET, a JSON POST with CSRF, an HTML fragment and
a search over 10,000 demo notes. The client is wrk (the Debian package), one thread, keep-alive
connections; it shares the machine's cores with the server, as it does with the baseline.
Usage: ajax.py [--seconds S] [--notes N]
"""

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import (
    PYTHON, ROOT, HeadlessApp, data_dir, machine, ms, print_table, read_line_within, seed_notes, stop,
    write_results,
)

CONCURRENCY = [1, 8]
WARM_UP_S = 1
SEARCH_QUERY = "meeting notes"
# Requests: (name, method, path, JSON body or None, needs the CSRF token).
REQUESTS = [
    ("json_get", "GET", "/ajax/fetch_json/", None, False),
    ("json_post_csrf", "POST", "/ajax/submit/", {"username": "Bench"}, True),
    ("html_fragment", "GET", "/ajax/fragment/", None, False),
    ("search", "GET", "/api/notes/?q=" + SEARCH_QUERY.replace(" ", "+"), None, False),
]
TARGETS = {"json_get": {"concurrency": 8, "min_ratio_to_bare": 0.5, "max_p99_ms": 10}}

REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "non_2xx_3xx": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def wrk(url: str, seconds: float, connections: int, script: Path, headers: dict) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s", "-s", str(script), url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[7:])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def lua_script(folder: Path, method: str, body: dict | None) -> Path:
    path = folder / f"{method.lower()}-{'body' if body else 'nobody'}.lua"
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(json.dumps(body))}")
    path.write_text("\n".join(lines) + "\n" + REPORT_LUA, encoding="utf-8")
    return path


def measure(url: str, seconds: float, script: Path, headers: dict) -> dict:
    cells = {}
    for connections in CONCURRENCY:
        wrk(url, WARM_UP_S, connections, script, headers)
        result = wrk(url, seconds, connections, script, headers)
        cells[str(connections)] = {
            "rps": round(result["rps"], 1),
            "p50_ms": ms(result["p50_us"] / 1e6),
            "p90_ms": ms(result["p90_us"] / 1e6),
            "p99_ms": ms(result["p99_us"] / 1e6),
            "max_ms": ms(result["max_us"] / 1e6),
            "requests": result["requests"],
            "errors": result["non_2xx_3xx"] + result["socket_errors"],
        }
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5, help="timed seconds per request and concurrency")
    parser.add_argument("--notes", type=int, default=10_000, help="demo notes in the database the search runs on")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench` installs it (Debian package wrk)")
    facts = machine()
    folder = data_dir("ajax")
    scripts = Path(tempfile.mkdtemp(prefix="notedesk-bench-wrk-"))
    seed_notes(folder, args.notes)
    results = {}

    bare = subprocess.Popen([PYTHON, str(ROOT / "bench" / "hello_wsgi.py")], stdout=subprocess.PIPE, text=True)
    try:
        bare_url = read_line_within(bare, 30).split(" ", 1)[1].strip()
        results["bare_waitress"] = measure(bare_url, args.seconds, lua_script(scripts, "GET", None), {})
    finally:
        stop(bare)

    with HeadlessApp(folder) as app:
        session = app.session()
        origin = f"http://127.0.0.1:{app.port}"
        for name, method, path, body, csrf in REQUESTS:
            headers = {"Cookie": session["Cookie"], "X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            if csrf:
                headers["X-CSRFToken"] = session["X-CSRFToken"]
            if name == "html_fragment":
                headers["Accept"] = "text/html"
            results[name] = measure(origin + path, args.seconds, lua_script(scripts, method, body), headers)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(scripts, ignore_errors=True)

    rows = []
    for name, cells in results.items():
        for connections, cell in cells.items():
            bare_rps = results["bare_waitress"][connections]["rps"]
            cell["ratio_to_bare"] = round(cell["rps"] / bare_rps, 3)
            rows.append([name, connections, f"{cell['rps']:.0f}", f"{cell['ratio_to_bare']:.2f}",
                         f"{cell['p50_ms']:.2f}", f"{cell['p99_ms']:.2f}", cell["errors"]])
    print_table(f"AJAX (wrk, 1 thread, {args.seconds:g} s per row; search over {args.notes} notes)",
                ["request", "clients", "req/s", "× bare", "p50 ms", "p99 ms", "errors"], rows)
    write_results(
        "ajax", facts,
        (f"wrk 1 thread, keep-alive, {WARM_UP_S} s warm-up then {args.seconds:g} s per row; "
         f"cookie session as the window sends it; search q={SEARCH_QUERY!r} over {args.notes} demo notes; "
         "bare_waitress = a WSGI hello world on waitress's defaults, in the same run"),
        targets=TARGETS,
        results=results,
    )


if __name__ == "__main__":
    main()
