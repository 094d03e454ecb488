"""The Linux bundle's libraries and extension modules stripped of their symbols, each one only if
its stripped copy still loads.

PyInstaller's own strip (EXE(strip=True)) strips every library whatever becomes of it: binutils'
strip wrote numpy's OpenBLAS, a wheel's library that auditwheel had edited with patchelf, with a
load segment off its alignment, and an app that imports numpy stopped at its start ("Importing
the numpy C-extensions failed… ELF load command address/offset not page-aligned"). Such a library
goes in as it is, and the build says so.
"""

import shutil
import struct
import subprocess
import sys
from pathlib import Path

PT_LOAD = 1
ELF64 = 2


def segments_in_place(path: Path) -> bool:
    """Whether the loader can map each load segment of the ELF file: at an offset congruent with
    its address modulo its alignment, and within the file (glibc refuses any other)."""
    with path.open("rb") as file:
        header = file.read(64)
        if header[:4] != b"\x7fELF" or header[4] != ELF64:
            return True
        order = "<" if header[5] == 1 else ">"
        (table,) = struct.unpack_from(order + "Q", header, 0x20)
        entry_size, count = struct.unpack_from(order + "HH", header, 0x36)
        size = path.stat().st_size
        for index in range(count):
            file.seek(table + index * entry_size)
            kind, _, offset, address, _, file_size, _, alignment = struct.unpack(order + "IIQQQQQQ", file.read(56))
            if kind == PT_LOAD and ((alignment > 1 and (address - offset) % alignment) or offset + file_size > size):
                return False
    return True


def stripped(entries: list[tuple[str, str, str]], out: Path) -> list[tuple[str, str, str]]:
    """PyInstaller's TOC entries with each library and extension module replaced by a stripped copy
    under `out`, but those that would not load stripped (or that strip cannot read)."""
    result = []
    for destination, source, typecode in entries:
        if typecode in ("BINARY", "EXTENSION"):
            copy = out / destination
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            if subprocess.run(["strip", str(copy)], capture_output=True).returncode == 0:
                if segments_in_place(copy):
                    source = str(copy)
                else:
                    print(f"{destination} goes in unstripped: binutils' strip leaves its load segments where the "
                          "loader refuses them.", file=sys.stderr)
        result.append((destination, source, typecode))
    return result
