"""The Linux bundle's libraries and extension modules stripped of their symbols, each one only if
its stripped copy still loads.

PyInstaller's own strip (EXE(strip=True)) strips every library whatever becomes of it: binutils'
strip wrote numpy's OpenBLAS, a wheel's library that auditwheel had edited with patchelf, with a
load segment off its alignment, and an app that imports numpy stopped at its start ("Importing
the numpy C-extensions failed… ELF load command address/offset not page-aligned"). Such a library
goes in unstripped, and the build says so.

Each keeps, of its library search paths (RPATH, RUNPATH), only those in the bundle ($ORIGIN/…, as
auditwheel writes them): a Python built with --enable-shared (pyenv's) names its lib folder in
libpython and every extension module, and on each machine the app ran on, a library planted at
that path (/home/builder/.pyenv/…, by a person named builder) was loaded into everyone's app.
"""

import shutil
import struct
import subprocess
import sys
from pathlib import Path

PT_LOAD = 1
PT_DYNAMIC = 2
ELF64 = 2
DT_STRTAB = 5
SEARCH_PATH_TAGS = (15, 29)  # DT_RPATH, DT_RUNPATH
DYNAMIC_ENTRY = 16


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


def drop_outside_search_paths(path: Path) -> None:
    """Removes, in place, the ELF file's search paths outside its own folders (those not relative
    to $ORIGIN); an entry left with none goes (an empty one would search the current folder). The
    entries after it move up, as chrpath -d moves them: nothing else in the file moves."""
    data = bytearray(path.read_bytes())
    if data[:4] != b"\x7fELF" or data[4] != ELF64:
        return
    order = "<" if data[5] == 1 else ">"
    (table,) = struct.unpack_from(order + "Q", data, 0x20)
    entry_size, count = struct.unpack_from(order + "HH", data, 0x36)
    segments = [struct.unpack_from(order + "IIQQQQQQ", data, table + index * entry_size) for index in range(count)]
    dynamic = next((segment for segment in segments if segment[0] == PT_DYNAMIC), None)
    if dynamic is None:
        return
    _, _, start, _, _, size, _, _ = dynamic
    entries = [struct.unpack_from(order + "qQ", data, start + index * DYNAMIC_ENTRY) for index in range(size // DYNAMIC_ENTRY)]
    strings_address = next(value for tag, value in entries if tag == DT_STRTAB)
    strings = next(offset + strings_address - address for kind, _, offset, address, _, file_size, _, _ in segments
                   if kind == PT_LOAD and address <= strings_address < address + file_size)
    kept = []
    for tag, value in entries:
        if tag in SEARCH_PATH_TAGS:
            begin = strings + value
            end = data.index(b"\0", begin)
            own = b":".join(folder for folder in bytes(data[begin:end]).split(b":") if folder.startswith((b"$ORIGIN", b"${ORIGIN}")))
            if not own:
                continue
            data[begin:end] = own.ljust(end - begin, b"\0")
        kept.append((tag, value))
    if len(kept) < len(entries):
        data[start:start + size] = b"".join(struct.pack(order + "qQ", *entry) for entry in kept).ljust(size, b"\0")
    path.write_bytes(data)


def stripped(entries: list[tuple[str, str, str]], out: Path) -> list[tuple[str, str, str]]:
    """PyInstaller's TOC entries with each library and extension module replaced by a copy under
    `out` without the search paths outside the bundle, stripped but for those that would not load
    stripped (or that strip cannot read)."""
    result = []
    for destination, source, typecode in entries:
        if typecode in ("BINARY", "EXTENSION"):
            copy = out / destination
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            if subprocess.run(["strip", str(copy)], capture_output=True).returncode == 0 and not segments_in_place(copy):
                print(f"{destination} goes in unstripped: binutils' strip leaves its load segments where the "
                      "loader refuses them.", file=sys.stderr)
                shutil.copy2(source, copy)
            drop_outside_search_paths(copy)
            source = str(copy)
        result.append((destination, source, typecode))
    return result
