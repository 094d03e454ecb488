"""The app process's C heap (process/c_heap.py): its threads share at most two of glibc's arenas."""

import subprocess
import sys
import textwrap

import pytest

# Eight threads each allocate blocks too large for Python's own allocator, all at once, then the
# process counts glibc's arenas (malloc_info's <heap> entries).
THREADS_ALLOCATING = textwrap.dedent("""
    import ctypes, os, sys, tempfile, threading
    from django_desktop_shell.process import c_heap

    if sys.argv[1] == "limited":
        c_heap.limit_arenas()
    barrier = threading.Barrier(8)
    def allocate():
        barrier.wait()
        kept = [bytearray(4096) for _ in range(2000)]
        barrier.wait()
    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    libc = ctypes.CDLL(None)
    libc.fopen.restype = ctypes.c_void_p
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    path = tempfile.mktemp()
    report = libc.fopen(path.encode(), b"w")
    libc.malloc_info(0, report)
    libc.fclose(report)
    print(open(path).read().count("<heap nr="))
    os.unlink(path)
""")


def arenas_used(mode: str) -> int:
    return int(subprocess.run([sys.executable, "-c", THREADS_ALLOCATING, mode], check=True, capture_output=True,
                              text=True).stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's arenas")
def test_the_processs_threads_share_two_arenas():
    """Each thread that allocated while another did had an arena of its own, kept with its free pages."""
    assert arenas_used("as glibc has it") > 2  # the test's threads do make arenas
    assert arenas_used("limited") <= 2
