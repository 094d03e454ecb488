"""Bundle sizes: the one-file binary, the one-folder bundle, its .tar.gz and the .deb.

Reads what `make package` left in dist/ (NOTEDESK_BENCH_DIST to look elsewhere) and lists the
largest parts of the one-folder bundle, which is what trimming works on. Usage: sizes.py
"""

from pathlib import Path

from bench.common import DIST, machine, print_table, write_results

ANCHORS = {"electron_hello_world_mb": 134, "tauri_hello_world_mb": 2.7}
LARGEST = 12


def mb(size: int) -> float:
    return round(size / 1e6, 1)


def tree_size(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def main() -> None:
    facts = machine()
    artifacts = {
        "onefile": DIST / "notedesk",
        "onedir": DIST / "notedesk-dir",
        "tar_gz": next(iter(sorted(DIST.glob("notedesk-*-linux-*.tar.gz"))), None),
        "deb": next(iter(sorted(DIST.glob("notedesk_*.deb"))), None),
    }
    sizes, rows = {}, []
    for name, path in artifacts.items():
        if path is None or not path.exists():
            print(f"note: no {name} in {DIST} (run `make package`)")
            continue
        size = tree_size(path) if path.is_dir() else path.stat().st_size
        sizes[name] = {"path": path.name, "bytes": size, "mb": mb(size)}
        rows.append([name, path.name, f"{mb(size):.1f}"])
    for name, value in ANCHORS.items():
        rows.append([f"({name.removesuffix('_mb')})", "tauri-apps/benchmark_results", f"{value}"])
    print_table("Bundle sizes (MB = 10^6 bytes)", ["bundle", "file", "MB"], rows)

    parts = []
    internal = DIST / "notedesk-dir" / "_internal"
    if internal.is_dir():
        for entry in internal.iterdir():
            size = tree_size(entry) if entry.is_dir() else entry.lstat().st_size
            parts.append({"part": entry.name, "mb": mb(size)})
        parts.sort(key=lambda part: -part["mb"])
        print_table("Largest parts of notedesk-dir/_internal", ["part", "MB"],
                    [[part["part"], f"{part['mb']:.1f}"] for part in parts[:LARGEST]])
    write_results(
        "sizes", facts,
        "file sizes of what `make package` built (the folder: the sum of its files)",
        sizes=sizes,
        largest_parts_of_onedir=parts[:LARGEST],
        anchors=ANCHORS,
    )


if __name__ == "__main__":
    main()
