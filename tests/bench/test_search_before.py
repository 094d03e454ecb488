"""bench/search.py's and bench/ajax.py's `--before CHECKOUT`: the other checkout's Notedesk on a
copy of the same notes, with every migration it lacks undone, whichever app it belongs to."""

from bench import common


def site_with(tree, migrations: dict[str, list[str]]):
    for app, names in migrations.items():
        folder = tree / "embedded_site" / app / "migrations"
        folder.mkdir(parents=True)
        for name in names:
            (folder / f"{name}.py").write_text("")
    return tree


def test_the_copy_for_an_older_checkout_has_each_apps_migrations_it_lacks_undone(tmp_path, monkeypatch):
    older = site_with(tmp_path / "older", {"notes": ["0001_initial", "0002_tags"], "devices": ["0001_initial"],
                                           "sync": ["0001_initial"]})
    monkeypatch.setattr(common, "ROOT", site_with(tmp_path / "newer", {
        "notes": ["0001_initial", "0002_tags", "0003_journal"], "devices": ["0001_initial", "0002_keys"],
        "sync": ["0001_initial"], "open_with": ["0001_initial"]}))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notedesk.sqlite3").write_bytes(b"")
    undone = []
    monkeypatch.setattr(common, "manage", lambda folder, *command: undone.append(command[:3]))

    copy = common.before_data_folder(older, tmp_path / "data")

    assert sorted(undone) == [("migrate", "devices", "0001_initial"), ("migrate", "notes", "0002_tags"),
                              ("migrate", "open_with", "zero")]
    assert (copy / "notedesk.sqlite3").exists()
