"""bench/memory.py's readings: which of them another process on the machine moves."""

import contextlib
import subprocess
import sys
import textwrap

import psutil

from bench import memory
from bench.memory import measure_family
from django_desktop_shell.process.window_state import Geometry
from tests.shell.dialogs import shown_on_screen

MB = 1_000_000

# Maps a file no other process maps and reads every page of it, then writes as many bytes of its own.
CHILD = textwrap.dedent("""
    import mmap, sys
    with open(sys.argv[1], "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    sum(mapped[offset] for offset in range(0, len(mapped), 4096))
    print("mapped", flush=True)
    sys.stdin.readline()
    written = bytearray(b"x" * (32 * 1024 * 1024))
    print("written", flush=True)
    sys.stdin.readline()
""")


def test_the_anonymous_reading_counts_what_the_process_wrote_not_a_library_no_other_process_maps(tmp_path):
    """A page of WebKit's library that no other process maps at the reading is in the web
    process's USS, and not when another WebKit process runs: two rounds of one code read 40 or
    80 MB. The anonymous memory is the process's own writing alone."""
    library = tmp_path / "library.so"
    library.write_bytes(b"\x01" * 32 * 1024 * 1024)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(library)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "mapped\n"
        [mapped] = measure_family(psutil.Process(child.pid), "child")
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline() == "written\n"
        [written] = measure_family(psutil.Process(child.pid), "child")
    finally:
        child.kill()
        child.wait()

    assert mapped["uss_end_mb"] - mapped["anonymous_end_mb"] >= 30  # the mapped file's pages: in USS only
    assert written["anonymous_end_mb"] - mapped["anonymous_end_mb"] >= 30


# Stand-ins for the app (bench/window_app.py) and the bare window (bench/baseline_window.py): each
# writes to $RECORD when it starts (the app: browsing or not) and when it is stopped. The app keeps
# the window's icons in its data folder, as the shell does at a data folder's first launch.
FAKE_WINDOW = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path

    from django_desktop_shell.process.window import WINDOW_ICON_SIZES, WINDOW_ICONS_FOLDER

    def record(event):
        with open(os.environ["RECORD"], "a") as file:
            file.write(f"{Path(__file__).stem} {event}\\n")

    def stopped(signum, frame):
        record("stopped")
        sys.exit(0)

    signal.signal(signal.SIGTERM, stopped)
    browsing = "--browse" in sys.argv
    record("started browsing" if browsing else "started")
    if "--data-dir" in sys.argv:
        icons = Path(sys.argv[sys.argv.index("--data-dir") + 1]) / WINDOW_ICONS_FOLDER
        icons.mkdir(exist_ok=True)
        for size in WINDOW_ICON_SIZES:
            (icons / f"{size}.png").touch()
    print("LOADED 0" if Path(__file__).stem == "baseline_window" else "READY 1\\nBROWSED 5", flush=True)
    while True:
        time.sleep(1)
""")


def run_with_stand_ins(tmp_path, monkeypatch) -> list[str]:
    """bench.memory's main() with the stand-ins for the windows: what they recorded."""
    (tmp_path / "bench").mkdir()
    for name in ("window_app.py", "baseline_window.py"):
        (tmp_path / "bench" / name).write_text(FAKE_WINDOW)
    monkeypatch.setenv("RECORD", str(tmp_path / "record"))
    monkeypatch.setattr(memory, "ROOT", tmp_path)
    monkeypatch.setattr(memory, "IDLE_S", 0.1)
    monkeypatch.setattr(memory, "seed_notes", lambda folder, notes: None)
    monkeypatch.setattr(memory, "display", contextlib.nullcontext)
    monkeypatch.setattr(memory, "write_results", lambda *args, **results: None)
    monkeypatch.setattr(sys, "argv", ["memory.py", "--notes", "5"])

    memory.main()

    return (tmp_path / "record").read_text().splitlines()


def test_the_bare_window_is_read_while_the_app_still_runs(tmp_path, monkeypatch):
    """The bare window was read after the app had closed: with another WebKit process running at one
    reading and not at the other, the libraries' pages were shared at one and private at the other,
    and the tree's PSS over the bare window read +46 MB in one round, +132 MB in another."""
    events = run_with_stand_ins(tmp_path, monkeypatch)

    assert events.index("baseline_window started") < len(events) - 1 - events[::-1].index("window_app stopped"), events


def test_the_launch_measured_is_not_the_data_folders_first(tmp_path, monkeypatch):
    """A data folder's first launch renders the window's icon from its SVG, and librsvg stays
    loaded in the app process for as long as it runs (3.6-6.4 MB of PSS at 30 notes); every later
    launch loads the PNGs it kept. A person's launch at 10,000 notes is never the first."""
    events = run_with_stand_ins(tmp_path, monkeypatch)

    assert events[:2] == ["window_app started", "window_app stopped"], events
    assert "window_app started browsing" in events[2:], events


def test_the_bare_window_is_as_large_as_the_app_s(app_env):
    """The bare window opened at pywebview's 800x600 beside the app's 1120x760: its X image alone
    2.3 MB of PSS less, counted as the app's excess."""
    bare_window = memory.start_baseline()
    try:
        _x, _y, width, height = shown_on_screen(app_env, "Baseline")
    finally:
        memory.stop(bare_window)

    assert (width, height) == (Geometry().width, Geometry().height)

