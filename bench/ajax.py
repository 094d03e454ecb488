"""AJAX: latency p50/p99 and requests per second at 1 and 8 concurrent clients, with wrk.

Four requests the app's page makes, sent as its window sends them (the session cookie,
X-Requested-With, and on the POST the CSRF cookie and X-CSRFToken header), against a bare waitress
WSGI hello world started in the same run: a JSON GET, a JSON POST with CSRF, an HTML fragment and
a search over 10,000 demo notes. Three floors in the same run: a bare waitress WSGI hello world,
Django with no middleware answering the same JSON on waitress as it comes (bench/django_floor.py),
and that Django served by the shell's own server thread, as the app is (`--shell-server`): the
JSON GET's ratio to the last is what the layers above the server cost, the target's measure. The floors get the same
request headers as the JSON GET (the window's cookies, X-Requested-With, Accept). The client is wrk (the Debian
package), one thread, keep-alive connections; it shares the machine's cores with the server, as it
does with the floors.
Every server runs at once and each round measures every row in turn, so a busy moment of the
machine hits all alike; the figures are medians over the rounds. With `--before CHECKOUT`, that
checkout's Notedesk answers the JSON GET too, on a copy of the same database, as a row of its own
(json_get_before) in the same rounds: a change's A/B. Usage: ajax.py [--seconds S] [--rounds R]
[--notes N] [--before DIR]
"""

import argparse
import json
import shutil
import subprocess
import tempfile
from contextlib import nullcontext
from pathlib import Path

import psutil

from bench.common import (
    PYTHON, ROOT, HeadlessApp, before_app, data_dir, machine, median, ms, print_table, read_line_within, seed_notes,
    stop, write_results,
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
# Servers started in the same run, to compare with: name, script in bench/.
FLOORS = [("bare_waitress", ["hello_wsgi.py"]), ("django_floor", ["django_floor.py"]),
          ("django_floor_shell_server", ["django_floor.py", "--shell-server"])]
TARGETS = {"json_get": {"concurrency": 8, "min_ratio_to_django_floor_shell_server": 0.85, "max_p99_ms": 10}}

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


def cell(result: dict, server_cpu_s: float) -> dict:
    return {
        # The server process's CPU time (user + system) per answer: what an answer costs, which a
        # busy machine changes far less than it changes requests per second.
        "cpu_us_per_request": round(server_cpu_s / max(result["requests"], 1) * 1e6, 1),
        "rps": round(result["rps"], 1),
        "p50_ms": ms(result["p50_us"] / 1e6),
        "p90_ms": ms(result["p90_us"] / 1e6),
        "p99_ms": ms(result["p99_us"] / 1e6),
        "max_ms": ms(result["max_us"] / 1e6),
        "requests": result["requests"],
        "errors": result["non_2xx_3xx"] + result["socket_errors"],
    }


def median_cell(rounds: list[dict]) -> dict:
    """Each figure's median over the rounds; errors and requests summed."""
    merged = {key: round(median([one[key] for one in rounds]), 3)
              for key in ("rps", "cpu_us_per_request", "p50_ms", "p90_ms", "p99_ms", "max_ms")}
    merged.update(requests=sum(one["requests"] for one in rounds), errors=sum(one["errors"] for one in rounds),
                  rounds=len(rounds))
    return merged


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def measured_cell(server: psutil.Process, url: str, seconds: float, connections: int, script: Path,
                  headers: dict) -> dict:
    before = cpu_seconds(server)
    result = wrk(url, seconds, connections, script, headers)
    return cell(result, cpu_seconds(server) - before)


def started_floor(command: list[str]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([PYTHON, str(ROOT / "bench" / command[0]), *command[1:]], stdout=subprocess.PIPE, text=True)
    return process, read_line_within(process, 30).split(" ", 1)[1].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3, help="timed seconds per request, concurrency and round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; each round measures every server once, in turn")
    parser.add_argument("--notes", type=int, default=10_000, help="demo notes in the database the search runs on")
    parser.add_argument("--before", type=Path, help="a checkout whose JSON GET is measured too, on a copy of the database")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `make bench` installs it (Debian package wrk)")
    facts = machine()
    folder = data_dir("ajax")
    scripts = Path(tempfile.mkdtemp(prefix="notedesk-bench-wrk-"))
    seed_notes(folder, args.notes)

    floors = [started_floor(command) for _, command in FLOORS]
    try:
        with HeadlessApp(folder) as app, (before_app(args.before, folder) if args.before else nullcontext()) as before:
            session = app.session()
            origin = f"http://127.0.0.1:{app.port}"
            window_headers = {"Cookie": session["Cookie"], "X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
            # name -> (server process, URL, wrk script, headers); every one is measured once per round, in turn.
            # The floors get the window's request as the app does: reading its cookie header alone
            # costs a server ~4% of a small answer's instructions, which is no layer's cost.
            targets = {name: (psutil.Process(process.pid), url, lua_script(scripts, "GET", None), window_headers)
                       for (name, _), (process, url) in zip(FLOORS, floors)}
            app_server = psutil.Process(app.process.pid)
            for name, method, path, body, csrf in REQUESTS:
                headers = dict(window_headers)
                if body is not None:
                    headers["Content-Type"] = "application/json"
                if csrf:
                    headers["X-CSRFToken"] = session["X-CSRFToken"]
                if name == "html_fragment":
                    headers["Accept"] = "text/html"
                targets[name] = (app_server, origin + path, lua_script(scripts, method, body), headers)
            if before:
                name, method, path, _, _ = REQUESTS[0]
                targets[f"{name}_before"] = (psutil.Process(before.process.pid), f"http://127.0.0.1:{before.port}{path}",
                                             targets[name][2], {**window_headers, "Cookie": before.session()["Cookie"]})
            rounds = {name: {str(c): [] for c in CONCURRENCY} for name in targets}
            for connections in CONCURRENCY:
                for _, url, script, headers in targets.values():
                    wrk(url, WARM_UP_S, connections, script, headers)
                for _ in range(args.rounds):
                    for name, (server, url, script, headers) in targets.items():
                        rounds[name][str(connections)].append(
                            measured_cell(server, url, args.seconds, connections, script, headers))
    finally:
        for process, _ in floors:
            stop(process)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(folder.parent / f"{folder.name}.before", ignore_errors=True)
    shutil.rmtree(scripts, ignore_errors=True)

    results, rows = {}, []
    for name, by_clients in rounds.items():
        results[name] = {}
        for connections, measured in by_clients.items():
            merged = results[name][connections] = median_cell(measured)
            for floor, _ in FLOORS:  # the ratio round by round, so a slow moment of the machine hits both sides
                pairs = list(zip(measured, rounds[floor][connections]))
                merged[f"ratio_to_{floor}"] = round(median([mine["rps"] / theirs["rps"] for mine, theirs in pairs]), 3)
                merged[f"cpu_ratio_to_{floor}"] = round(median(
                    [theirs["cpu_us_per_request"] / mine["cpu_us_per_request"] for mine, theirs in pairs]), 3)
            rows.append([name, connections, f"{merged['rps']:.0f}", f"{merged['ratio_to_bare_waitress']:.2f}",
                         f"{merged['ratio_to_django_floor']:.2f}", f"{merged['ratio_to_django_floor_shell_server']:.2f}",
                         f"{merged['cpu_us_per_request']:.0f}", f"{merged['cpu_ratio_to_django_floor_shell_server']:.2f}",
                         f"{merged['p50_ms']:.2f}", f"{merged['p99_ms']:.2f}", merged["errors"]])
    print_table(f"AJAX (wrk, 1 thread, {args.rounds} rounds of {args.seconds:g} s per row, medians; "
                f"search over {args.notes} notes)",
                ["request", "clients", "req/s", "× bare", "× Django", "× Django, shell's server", "CPU µs/answer",
                 "its CPU ÷ this", "p50 ms", "p99 ms", "errors"], rows)
    json_get = results["json_get"][str(TARGETS["json_get"]["concurrency"])]
    target = TARGETS["json_get"]
    print(f"JSON GET at {target['concurrency']} clients: {json_get['ratio_to_django_floor_shell_server']:.2f}× the "
          f"requests per second of the Django floor on the shell's server (target ≥ "
          f"{target['min_ratio_to_django_floor_shell_server']}; its CPU per answer: "
          f"{json_get['cpu_ratio_to_django_floor_shell_server']:.2f}× as cheap; on waitress as it comes: "
          f"{json_get['ratio_to_django_floor']:.2f}×), p99 {json_get['p99_ms']:.2f} ms (target ≤ {target['max_p99_ms']})")
    if "json_get_before" in rounds:
        for connections in rounds["json_get"]:
            pairs = list(zip(rounds["json_get"][connections], rounds["json_get_before"][connections]))
            print(f"JSON GET at {connections} clients, this checkout ÷ {args.before}, round by round (medians): "
                  f"{median([mine['rps'] / theirs['rps'] for mine, theirs in pairs]):.3f}× the requests per second, "
                  f"{median([mine['cpu_us_per_request'] / theirs['cpu_us_per_request'] for mine, theirs in pairs]):.3f}× "
                  "the CPU per answer")
    write_results(
        "ajax", facts,
        (f"wrk 1 thread, keep-alive; every server started at once, then per client count a {WARM_UP_S} s warm-up "
         f"each and {args.rounds} rounds of {args.seconds:g} s, each round measuring every row in turn; medians "
         "over the rounds, ratios round by round; CPU per answer = the server process's user + system time "
         "over the requests of a row; cookie session as the window sends it; "
         f"search q={SEARCH_QUERY!r} over {args.notes} demo notes; bare_waitress = a WSGI hello world on "
         "waitress's defaults, django_floor = Django with no middleware answering the same JSON on waitress, "
         "django_floor_shell_server = the same Django served by the shell's server thread"),
        targets=TARGETS,
        results=results,
    )


if __name__ == "__main__":
    main()
