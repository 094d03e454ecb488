"""The Linux bundle's libraries are stripped of their symbols, each one only if it still loads
stripped (packaging/stripping.py): binutils' strip moved the load segments of numpy's OpenBLAS off
their alignment, and an app that imports numpy stopped at its start. And none keeps a library search
path of the build machine's."""

import _ctypes
import ctypes
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from django_desktop_shell.packaging.stripping import PT_LOAD, segments_in_place, stripped

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("strip") is None,
                                reason="strips Linux libraries with binutils' strip")

# binutils' strip as it treated numpy's OpenBLAS: the file stripped, and a load segment after the
# first written 0x98 bytes past where its address says it is.
MISALIGNING_STRIP = f"""#!{sys.executable}
import struct, subprocess, sys
subprocess.run(["{shutil.which("strip")}", sys.argv[-1]], check=True)
with open(sys.argv[-1], "r+b") as file:
    data = bytearray(file.read())
    table, = struct.unpack_from("<Q", data, 0x20)
    size, count = struct.unpack_from("<HH", data, 0x36)
    loads = [table + i * size for i in range(count) if struct.unpack_from("<I", data, table + i * size)[0] == {PT_LOAD}]
    offset, = struct.unpack_from("<Q", data, loads[-1] + 8)
    struct.pack_into("<Q", data, loads[-1] + 8, offset + 0x98)
    file.seek(0)
    file.write(data)
"""


def a_library(folder: Path) -> Path:
    """An extension module of this Python's, as a wheel's would be."""
    folder.mkdir(parents=True)
    return Path(shutil.copy2(_ctypes.__file__, folder / "libwheel.so"))


def test_a_library_that_loads_once_stripped_goes_in_stripped(tmp_path):
    library = a_library(tmp_path / "site")
    [(destination, source, typecode)] = stripped([("lib/libwheel.so", str(library), "BINARY")], tmp_path / "out")

    assert (destination, typecode) == ("lib/libwheel.so", "BINARY")
    assert Path(source) == tmp_path / "out" / "lib" / "libwheel.so"
    assert Path(source).stat().st_size <= library.stat().st_size
    assert segments_in_place(Path(source))
    ctypes.CDLL(source)


def test_a_library_that_strip_would_break_goes_in_unstripped_and_the_build_says_so(tmp_path, monkeypatch, capsys):
    library = a_library(tmp_path / "site")
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "strip").write_text(MISALIGNING_STRIP)
    (tools / "strip").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    data_file = tmp_path / "site" / "licence.txt"
    data_file.write_text("MIT")

    entries = stripped([("numpy.libs/libwheel.so", str(library), "BINARY"), ("licence.txt", str(data_file), "DATA")],
                       tmp_path / "out")

    copy = tmp_path / "out" / "numpy.libs" / "libwheel.so"
    assert entries == [("numpy.libs/libwheel.so", str(copy), "BINARY"), ("licence.txt", str(data_file), "DATA")]
    assert copy.stat().st_size == library.stat().st_size  # unstripped
    assert segments_in_place(copy)
    ctypes.CDLL(str(copy))
    assert capsys.readouterr().err == ("numpy.libs/libwheel.so goes in unstripped: binutils' strip leaves its load "
                                       "segments where the loader refuses them.\n")


def search_paths(library: Path) -> list[str]:
    dynamic = subprocess.run(["readelf", "--dynamic", library], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\((?:RPATH|RUNPATH)\)\s+Library r(?:un)?path: \[(.*)\]", dynamic)


def a_library_with_search_path(folder: Path, search_path: str) -> Path:
    """A library linked with SEARCH_PATH as its RUNPATH, as a Python built with --enable-shared
    (pyenv's) links libpython and each of its extension modules with the build's lib folder."""
    folder.mkdir(parents=True)
    library = folder / "libwheel.so"
    subprocess.run(["gcc", "-shared", "-o", library, "-x", "c", "/dev/null", f"-Wl,-rpath,{search_path}",
                    "-Wl,--enable-new-dtags"], check=True)
    return library


@pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("readelf") is None, reason="links a library with gcc")
@pytest.mark.parametrize("breaks_strip", [False, True])
def test_no_library_keeps_the_build_machines_search_paths_but_its_own_folders(tmp_path, monkeypatch, breaks_strip):
    """The build's /home/builder/.pyenv/…/lib stayed in libpython and every extension module: on
    each machine the app ran on, a library planted there by a person named builder was loaded into
    everyone's app (and lintian's custom-library-search-path is an error)."""
    if breaks_strip:
        tools = tmp_path / "bin"
        tools.mkdir()
        (tools / "strip").write_text(MISALIGNING_STRIP)
        (tools / "strip").chmod(0o755)
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    library = a_library_with_search_path(tmp_path / "site", "/home/builder/.pyenv/lib:$ORIGIN/../wheel.libs")
    assert search_paths(library) == ["/home/builder/.pyenv/lib:$ORIGIN/../wheel.libs"]
    absolute_only = a_library_with_search_path(tmp_path / "other", "/home/builder/.pyenv/lib")

    entries = stripped([("lib/libwheel.so", str(library), "BINARY"), ("lib/libother.so", str(absolute_only), "BINARY")],
                       tmp_path / "out")

    assert search_paths(Path(entries[0][1])) == ["$ORIGIN/../wheel.libs"]  # a wheel's own libraries still load
    assert search_paths(Path(entries[1][1])) == []
    assert search_paths(library) == ["/home/builder/.pyenv/lib:$ORIGIN/../wheel.libs"]  # the installed one is left as it is
    for _, copy, _ in entries:
        ctypes.CDLL(copy)
