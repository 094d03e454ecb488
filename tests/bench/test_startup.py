"""The data folders of bench/startup.py and bench/phases.py: an A/B of two checkouts holds whatever their migrations."""

import sys
import tempfile
import textwrap

from bench.common import seeded_folders

# A checkout's launcher as the benchmark calls it to seed a folder (`--data-dir DIR manage …`):
# it writes which checkout ran each command into the folder.
FAKE_LAUNCHER = textwrap.dedent("""
    import sys
    from pathlib import Path

    folder = Path(sys.argv[sys.argv.index("--data-dir") + 1])
    with (folder / "seeded-by").open("a") as record:
        record.write(Path(__file__).parent.name + " " + sys.argv[sys.argv.index("manage") + 1] + "\\n")
""")


def test_each_checkout_migrates_and_seeds_its_own_data_folder_and_the_bundles_share_one(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the benchmark's folders
    launchers = {}
    for checkout in ("main", "older"):
        (tmp_path / checkout).mkdir()
        launchers[checkout] = tmp_path / checkout / "launcher.py"
        launchers[checkout].write_text(FAKE_LAUNCHER)
    main = ([sys.executable, str(launchers["main"])], {"PYTHONPATH": "main"})

    folders = seeded_folders({"dev": main, "onedir": main,
                              "before": ([sys.executable, str(launchers["older"])], {"PYTHONPATH": "older"})}, "test", notes=30)

    assert (folders["before"] / "seeded-by").read_text() == "older migrate\nolder seed_demo_notes\n"
    assert (folders["dev"] / "seeded-by").read_text() == "main migrate\nmain seed_demo_notes\n"
    assert (folders["onedir"] / "seeded-by").read_text() == "main migrate\nmain seed_demo_notes\n"
    assert len(set(folders.values())) == 3
