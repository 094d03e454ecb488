"""glibc's heap, on Linux: how many arenas the process's threads share, and its free pages given
back. Windows and macOS return freed memory as they go and have neither call; musl has neither.

glibc gives a thread that allocates while another thread holds the main arena's lock an arena of
its own, up to 8 per core, and keeps what each has held: the app's ~12 threads (the server's, the
start's, GTK's and WebKit's in the window process) left 2.5-3.5 MB resident but free in them at 30
and at 10,000 notes, which malloc_trim cannot give back (docs/performance.md, stop 56)."""

import ctypes
import sys

ARENAS = 2
M_ARENA_MAX = -8  # malloc.h


def glibc():
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None)
        if hasattr(libc, "malloc_trim"):  # not on musl
            return libc
    return None


def limit_arenas() -> None:
    """At most ARENAS arenas: to be called before the process starts its threads."""
    if (libc := glibc()) is not None:
        libc.mallopt(M_ARENA_MAX, ARENAS)


def trim() -> None:
    """malloc_trim(0): the free pages of every arena back to the system."""
    if (libc := glibc()) is not None:
        libc.malloc_trim(0)
