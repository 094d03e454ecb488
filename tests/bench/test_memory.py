"""bench/memory.py's readings: which of them another process on the machine moves."""

import subprocess
import sys
import textwrap

import psutil

from bench.memory import measure_family

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
