"""The Linux installers as a person gets them: the one-file binary, the .tar.gz, and the .deb
installed with dpkg, run, and removed; every name in them from the app's identity, so that
examples/polls, built by the shell's own packaging command, installs and runs beside Notedesk."""

import contextlib
import gzip
import hashlib
import http.client
import http.cookies
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import types
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from django_desktop_shell.identity import load

from tests.conftest import COOKBOOK, ROOT, SITES
from tests.shell.test_checks import set_before_the_defaults

pytestmark = pytest.mark.packaging

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
MAX_ONE_FILE_BYTES = 50 * 1024 * 1024
INSTALLERS = ROOT / "desktop_shell" / "django_desktop_shell" / "packaging" / "installers"
BUILD_SCRIPTS = [ROOT / "build" / "linux" / "build.sh", ROOT / "build" / "linux" / "system-packages.sh",
                 ROOT / "build" / "macos" / "build.sh", INSTALLERS / "linux.sh", INSTALLERS / "macos.sh"]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every Linux installer of Notedesk, freshly built by the script `make package` runs, and what
    the build printed."""
    dist = tmp_path_factory.mktemp("dist")
    build = subprocess.run([str(ROOT / "build" / "linux" / "build.sh"), str(dist)], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHON": sys.executable}, timeout=900)
    return dist, build.stdout + build.stderr


@pytest.fixture(scope="session")
def dist(built):
    return built[0]


@pytest.fixture(scope="session")
def polls_dist(tmp_path_factory):
    """examples/polls' installers, built as any project on the shell builds them: by the shell alone."""
    dist = tmp_path_factory.mktemp("polls-dist")
    subprocess.run([sys.executable, "-m", "django_desktop_shell.packaging", str(SITES["polls"]), str(dist), "--installers"],
                   check=True, timeout=900)
    return dist


def only(directory: Path, pattern: str) -> Path:
    [match] = directory.glob(pattern)
    return match


def self_test(command: str, env: dict, *args: str, site: str = "notedesk") -> None:
    result = subprocess.run([command, "--self-test", *args], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"{site}: self-test passed"


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


def test_the_one_file_binary_is_small_passes_its_self_test_and_leaves_no_temporary_files(dist, app_env, tmp_path):
    binary = dist / "notedesk"
    assert binary.stat().st_size <= MAX_ONE_FILE_BYTES
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**app_env, "TMPDIR": str(temp)}

    version = subprocess.run([binary, "--version"], capture_output=True, text=True, env=env, timeout=30)
    assert version.stdout.strip() == f"Notedesk {VERSION}"
    self_test(str(binary), env, "--data-dir", str(tmp_path / "data"))

    assert (tmp_path / "data" / "notedesk.sqlite3").exists()
    assert list(temp.iterdir()) == []  # the unpacked bundle is gone, and nothing else was left there


def python_archive(binary: Path):
    """The modules of a one-file binary (PyInstaller's archive reader: the packaging extra)."""
    from PyInstaller.archive.readers import CArchiveReader

    return CArchiveReader(str(binary)).open_embedded_archive("PYZ.pyz")


def test_the_build_reports_no_error_of_its_own_making(built):
    """Every build printed "ERROR: Hidden import 'filelock._soft_rw._async' not found" four times, for
    modules of filelock that it leaves out on purpose: errors a developer had to learn to read past
    when looking for what their own build missed."""
    _, output = built
    assert [line for line in output.splitlines() if " ERROR: " in line] == []


def test_the_one_file_binarys_python_archive_is_compressed_as_hard_as_zlib_goes(dist):
    archive = python_archive(dist / "notedesk")
    for module in ("django.db.models.query", "django_desktop_shell.process.window", "embedded_site.notes.views"):
        _, _, stored_length = archive.toc[module]
        assert stored_length == len(zlib.compress(archive.extract(module, raw=True), 9)), module


def code_objects(code: types.CodeType):
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from code_objects(constant)


def test_the_one_file_binarys_bytecode_keeps_its_lines_without_column_ranges(dist):
    """Python 3.11's column ranges (the ^^^ under a failing expression, shown only beside a source the
    bundle does not carry) were a third of the bytecode's size: 1.7 MB of the one-file binary."""
    archive = python_archive(dist / "notedesk")
    for module in ("django.db.models.query", "django_desktop_shell.process.window", "embedded_site.notes.views"):
        positions = [position for code in code_objects(archive.extract(module)) for position in code.co_positions()]
        assert {start_column for _, _, start_column, _ in positions} == {None}, module
        assert {line for line, _, _, _ in positions} - {None}, module


def test_the_bundle_carries_only_this_systems_parts_of_pywebview_and_platformdirs(dist):
    scripts = dist / "notedesk-dir" / "_internal" / "webview" / "js"
    assert (scripts / "api.js").exists()
    assert not (scripts / "lib" / "polyfill.js").exists()  # for Windows' old MSHTML engine only
    modules = python_archive(dist / "notedesk").toc
    assert {"webview.platforms.gtk", "platformdirs.unix"} <= modules.keys()
    assert not {"webview.platforms.winforms", "platformdirs.windows", "platformdirs.macos"} & modules.keys()


def test_the_bundle_leaves_out_what_a_desktop_never_runs(dist):
    """The one-file binary is kept under 10 MB (docs/performance.md): not the server's modules that
    pyproject's leave-out names, Django's back ends no setting chooses, its development commands,
    translation sources and install records; what a running app needs stays."""
    modules = python_archive(dist / "notedesk").toc.keys()
    assert not {"embedded_site.serve", "embedded_site.notes.search_postgres", "django.core.cache.backends.redis",
                "django.template.backends.jinja2", "django.core.servers.basehttp",
                "django.core.management.commands.runserver"} & modules
    assert {"embedded_site.notes.search", "django.core.cache.backends.locmem", "django.core.cache.backends.filebased",
            "django.template.backends.django", "django.core.management.commands.migrate"} <= modules
    # Of Pygments, whose hook takes all of it (1.75 MB), the lexers of the languages the preview colours alone.
    assert {"pygments.lexers.python", "pygments.lexers.rust", "pygments.lexers._mapping", "pygments.styles.default",
            "pygments.formatters.html"} <= modules
    assert not {"pygments.lexers.haskell", "pygments.styles.monokai", "pygments.formatters.img"} & modules
    internal = dist / "notedesk-dir" / "_internal"
    assert not list(internal.rglob("*.po")) and list(internal.rglob("*.mo"))
    assert not list(internal.glob("django-*.dist-info/RECORD"))
    assert (next(internal.glob("django-*.dist-info")) / "licenses" / "LICENSE").exists()


def test_the_tarball_holds_the_one_folder_bundle_with_the_manage_command(dist, app_env, tmp_path):
    with tarfile.open(only(dist, f"notedesk-{VERSION}-linux-*.tar.gz")) as tarball:
        tarball.extractall(tmp_path, filter="tar")
    binary = tmp_path / f"notedesk-{VERSION}" / "notedesk"

    for command in (["migrate"], ["showmigrations", "notes"]):
        result = subprocess.run([binary, "--data-dir", str(tmp_path / "data"), "manage", *command],
                                capture_output=True, text=True, env=app_env, timeout=60)
        assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "[X] 0002_search" in result.stdout  # the migrations are in the bundle, and were applied


def test_the_tarball_says_what_it_needs_of_the_system_it_is_unpacked_on(dist):
    """No package manager checks a folder's needs: on RHEL 9 (glibc 2.34) or without WebKitGTK it
    stopped at its start, and nothing in it had said so."""
    with tarfile.open(only(dist, f"notedesk-{VERSION}-linux-*.tar.gz")) as archive:
        readme = archive.extractfile(f"notedesk-{VERSION}/README").read().decode()
    depends = subprocess.run(["dpkg-deb", "--field", only(dist, f"notedesk_{VERSION}_*.deb"), "Depends"],
                             capture_output=True, text=True, check=True).stdout
    glibc = re.search(r"libc6 \(>= ([\d.]+)\)", depends)[1]  # dpkg-shlibdeps' word for the same files
    assert f"- glibc {glibc} or later" in readme
    assert "Debian, Ubuntu:  sudo apt install gir1.2-webkit2-4.1\n" in readme
    assert "Fedora:          sudo dnf install webkit2gtk4.1\n" in readme
    assert "./add-to-menu.sh" in readme and "~/.local/share/Notedesk" in readme
    assert "- xdg-utils (" in readme  # as the .deb recommends: Open and Show in folder need its xdg-open


def test_the_tarball_adds_itself_to_the_persons_menu_from_a_folder_with_any_name_and_removes_itself(dist, app_env, tmp_path):
    """add-to-menu.sh, as a person runs it without root: an entry desktop-file-validate accepts, which
    GLib (the menus of GNOME, Xfce, Cinnamon…) reads as starting the program in the unpacked folder,
    spaces, quotes, $, a backslash and accents in its path included; --remove takes it all out."""
    folder = tmp_path / 'Mes applis $HOME "q" \\b é'
    with tarfile.open(only(dist, f"notedesk-{VERSION}-linux-*.tar.gz")) as tarball:
        tarball.extractall(folder, filter="tar")
    bundle = folder / f"notedesk-{VERSION}"
    data = tmp_path / "xdg-data"
    env = {**app_env, "XDG_DATA_HOME": str(data)}

    added = subprocess.run([bundle / "add-to-menu.sh"], capture_output=True, text=True, env=env, timeout=60)
    assert added.returncode == 0, added.stderr
    entry = data / "applications" / "notedesk.desktop"
    assert added.stdout == f"Added to your menu: {entry} (starts {bundle / 'notedesk'}).\n"
    validation = subprocess.run(["desktop-file-validate", entry], capture_output=True, text=True)
    assert validation.returncode == 0, validation.stdout
    gi = pytest.importorskip("gi")
    gi.require_version("Gio", "2.0")
    from gi.repository import Gio, GLib

    application = Gio.DesktopAppInfo.new_from_filename(str(entry))  # None if its program were not found
    assert GLib.shell_parse_argv(application.get_commandline())[1] == [str(bundle / "notedesk"), "%U"]
    assert application.get_supported_types() == ["text/markdown", "text/plain", "x-scheme-handler/notedesk"]
    for size in (16, 48, 256):
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "notedesk.png").exists()

    removed = subprocess.run([bundle / "add-to-menu.sh", "--remove"], capture_output=True, text=True, env=env, timeout=60)
    assert removed.returncode == 0, removed.stderr
    assert not entry.exists()
    assert not list((data / "icons").rglob("notedesk.*"))


def test_the_tarballs_menu_entry_refuses_a_folder_name_no_menu_can_start_and_says_so(dist, app_env, tmp_path):
    folder = tmp_path / "100% mine"
    with tarfile.open(only(dist, f"notedesk-{VERSION}-linux-*.tar.gz")) as tarball:
        tarball.extractall(folder, filter="tar")
    env = {**app_env, "XDG_DATA_HOME": str(tmp_path / "xdg-data")}
    added = subprocess.run([folder / f"notedesk-{VERSION}" / "add-to-menu.sh"], capture_output=True, text=True, env=env,
                           timeout=60)
    assert added.returncode == 1
    assert added.stderr == (f"The path {folder / f'notedesk-{VERSION}'} holds a line break or a %, which a menu entry "
                            "cannot name: move the folder, then run this again.\n")
    assert not (tmp_path / "xdg-data" / "applications" / "notedesk.desktop").exists()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("dpkg"), reason="installing a .deb needs dpkg and root")
def test_the_deb_installs_a_working_notedesk_command_and_uninstalls_keeping_the_notes(dist, app_env, tmp_path):
    deb = only(dist, f"notedesk_{VERSION}_*.deb")
    fields = subprocess.run(["dpkg-deb", "--field", deb, "Version", "Depends"],
                            capture_output=True, text=True, check=True).stdout
    assert f"Version: {VERSION}" in fields
    assert "libwebkit2gtk-4.1-0" in fields and "gir1.2-webkit2-4.1" in fields
    env = {**app_env, "XDG_DATA_HOME": str(tmp_path / "xdg-data")}
    data_dir = tmp_path / "xdg-data" / "Notedesk"  # the default user data dir, with no --data-dir

    subprocess.run(["dpkg", "--install", deb], check=True, capture_output=True)
    try:
        assert "Exec=notedesk %U\n" in Path("/usr/share/applications/notedesk.desktop").read_text()
        for size in (16, 32, 48, 128, 256):
            assert Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/notedesk.png").exists()
        installed = tree_digest(Path("/opt/notedesk"))

        self_test(shutil.which("notedesk", path="/usr/bin"), env)

        assert tree_digest(Path("/opt/notedesk")) == installed  # the app writes only to the data dir
        notes = tree_digest(data_dir)
        assert "notedesk.sqlite3" in notes
    finally:
        subprocess.run(["dpkg", "--purge", "notedesk"], check=True, capture_output=True)
    assert not Path("/opt/notedesk").exists() and not Path("/usr/bin/notedesk").exists()
    assert tree_digest(data_dir) == notes


@pytest.mark.skipif(not shutil.which("dpkg"), reason="needs dpkg")
def test_removing_the_deb_leaves_the_systems_opt_folder_even_when_nothing_else_was_in_it(dist, tmp_path):
    """As on a fresh Debian 12, whose /opt is empty and in no package's file list: dpkg removed it
    with the package. Installed and removed in a system of its own (dpkg --root)."""
    root = tmp_path / "root"
    for folder in ("opt", "var/lib/dpkg/info", "var/lib/dpkg/updates"):
        (root / folder).mkdir(parents=True)
    for name in ("status", "available"):
        (root / "var" / "lib" / "dpkg" / name).touch()
    dpkg = ["dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends", "--force-not-root"]

    subprocess.run([*dpkg, "--install", only(dist, f"notedesk_{VERSION}_*.deb")], check=True, capture_output=True)
    assert (root / "opt" / "notedesk" / "notedesk").exists()
    subprocess.run([*dpkg, "--purge", "notedesk"], check=True, capture_output=True)

    assert (root / "opt").is_dir() and not any((root / "opt").iterdir())
    assert not (root / "usr" / "bin" / "notedesk").exists()


def test_the_release_workflow_passes_actionlint():
    actionlint = Path(sys.executable).parent / "actionlint"
    result = subprocess.run([actionlint, ROOT / ".github" / "workflows" / "release.yml"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def build_with_the_shell(project: Path, dist: Path) -> Path:
    """The one-file binary of the project, built by the shell's packaging command."""
    subprocess.run([sys.executable, "-m", "django_desktop_shell.packaging", str(project), str(dist)],
                   check=True, timeout=900)
    return dist / load(project).slug


@contextlib.contextmanager
def started_headless(binary: Path, data_dir: Path, env: dict):
    """The binary started headless; yields ask(method, path, headers=None, body=None) -> (status,
    body), which sends the launch token and the cookies answered so far. Stopped after."""
    process = subprocess.Popen([binary, "--headless", "--data-dir", str(data_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        parts = urlsplit(process.stdout.readline().split(" ", 1)[1].strip())
        token = parse_qs(parts.query)["token"][0]
        cookies = http.cookies.SimpleCookie()

        def ask(method: str, path: str, headers: dict | None = None, body: bytes | None = None) -> tuple[int, bytes]:
            connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
            sent = {"Authorization": f"Bearer {token}", "Host": parts.netloc, "Origin": f"http://{parts.netloc}",
                    "Cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items()), **(headers or {})}
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            for header in answer.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
            return answer.status, answer.read()

        yield ask
    finally:
        process.terminate()
        assert process.wait(5) == 0


def headless_get(binary: Path, data_dir: Path, path: str, env: dict, headers: dict | None = None) -> tuple[int, bytes]:
    """GET path from the binary started headless, with the launch token (and the headers given)."""
    with started_headless(binary, data_dir, env) as ask:
        return ask("GET", path, headers)


def test_a_running_app_keeps_its_own_modules_once_a_new_version_replaces_its_executable(dist, app_env, tmp_path):
    """As under apt installing the next version while the app runs: the Markdown preview, whose
    modules are first imported after that, renders the note (it answered 500, its modules read
    from the new executable at the running one's offsets)."""
    bundle = shutil.copytree(dist / "notedesk-dir", tmp_path / "notedesk", symlinks=True)
    with started_headless(bundle / "notedesk", tmp_path / "data", app_env) as ask:
        status, page = ask("GET", "/")
        assert status == 200
        csrf_token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page).group(1).decode()
        # As dpkg puts a new file in place: written beside it, then renamed over it.
        shutil.copy(dist / "notedesk", bundle / "notedesk.dpkg-new")
        os.replace(bundle / "notedesk.dpkg-new", bundle / "notedesk")

        status, body = ask("POST", "/api/preview/", {"Content-Type": "application/json", "X-CSRFToken": csrf_token},
                           json.dumps({"body": "Some **bold** words"}).encode())
    assert status == 200, body
    assert "<strong>bold</strong>" in json.loads(body)["html"]


def test_another_site_builds_with_the_shell_alone_and_serves_its_admin(tmp_path, app_env):
    """examples/polls, built by the shell's packaging command: its own templates, migrations and
    admin are in the one-file binary, which passes the self-test and serves the admin."""
    binary = build_with_the_shell(SITES["polls"], tmp_path / "dist")
    self_test(str(binary), app_env, "--data-dir", str(tmp_path / "data"), site="polls")
    status, body = headless_get(binary, tmp_path / "data", "/admin/login/", app_env)
    assert status == 200
    assert b"Django administration" in body


def test_a_site_with_an_image_field_and_a_top_level_templates_folder_builds_whole(tmp_path, app_env):
    """tests/packaging/cookbook: PIL, which it depends on, is in the one-file binary (Django's checks
    refuse an ImageField without it, fields.E210), and so are the templates of the folder its
    TEMPLATES DIRS names and the translations of its LOCALE_PATHS (its identity names no
    data-files), and Django's own for each of its LANGUAGES."""
    binary = build_with_the_shell(COOKBOOK, tmp_path / "dist")
    bundle = tmp_path / "dist" / f"{binary.name}-dir" / "_internal"
    # Pillow's type hints name numpy for a type checker only: 39 MB that never ran (numpy is installed here).
    assert not (bundle / "numpy").exists()
    # The compiled catalogues alone, its own and Django's: Django never reads a .po.
    assert (bundle / "locale" / "fr" / "LC_MESSAGES" / "django.mo").is_file()
    assert not list(bundle.rglob("*.po"))
    check = subprocess.run([binary, "--data-dir", str(tmp_path / "data"), "manage", "check"],
                           capture_output=True, text=True, env=app_env, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    status, body = headless_get(binary, tmp_path / "data", "/", app_env)
    assert status == 200
    assert b"<h1>Cookbook recipes</h1>" in body

    # In French, as LocaleMiddleware picks it from the system's language: the project's own
    # catalogue (LOCALE_PATHS, a top-level folder) and Django's (its "Yes") are in the bundle.
    status, body = headless_get(binary, tmp_path / "data", "/", app_env, {"Accept-Language": "fr"})
    assert status == 200
    assert "<h1>Recettes du livre de cuisine</h1>" in body.decode()
    assert "<p>Oui</p>" in body.decode()


def desktop_entry(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines()[1:])


def test_the_deb_and_its_desktop_entry_take_their_names_from_pyproject(dist, tmp_path):
    table = PYPROJECT["tool"]["desktop-shell"]
    deb = only(dist, f"notedesk_{VERSION}_*.deb")
    fields = subprocess.run(["dpkg-deb", "--field", deb, "Package", "Section", "Homepage", "Description"],
                            capture_output=True, text=True, check=True).stdout
    depends = subprocess.run(["dpkg-deb", "--field", deb, "Depends"], capture_output=True, text=True, check=True).stdout
    assert "hunspell-en-us | hunspell-dictionary" in depends  # WebKitGTK's spell checker needs a dictionary
    assert "Package: notedesk\nSection: editors\n" in fields  # Office, in Debian's sections
    assert f"Homepage: {table['homepage']}\nDescription: {table['description'].rstrip('.')}\n" in fields
    subprocess.run(["dpkg-deb", "--extract", deb, tmp_path], check=True)
    entry = desktop_entry(tmp_path / "usr" / "share" / "applications" / "notedesk.desktop")
    assert (entry["Name"], entry["Comment"], entry["Icon"]) == (table["name"], table["description"], "notedesk")
    assert entry["Categories"] == ";".join(table["categories"]) + ";"
    assert entry["Keywords"] == ";".join(table["keywords"]) + ";"
    # The identity's file-types and url-schemes: Open with, double-click, notedesk:// links.
    assert entry["MimeType"] == "text/markdown;text/plain;x-scheme-handler/notedesk;"
    assert entry["Exec"] == "notedesk %U"
    # Software centres find the app by its metainfo, which names this desktop entry.
    metainfo = ET.parse(tmp_path / "usr" / "share" / "metainfo" / f"{table['app-id']}.metainfo.xml").getroot()
    assert metainfo.findtext("launchable") == "notedesk.desktop"


def test_the_deb_recommends_xdg_utils_with_which_downloads_and_outside_links_open(dist):
    """On a system without xdg-open, the download bar's Open and Show in folder did nothing (a
    FileNotFoundError in the log), and apt had not said a thing."""
    recommends = subprocess.run(["dpkg-deb", "--field", only(dist, f"notedesk_{VERSION}_*.deb"), "Recommends"],
                                capture_output=True, text=True, check=True).stdout
    assert recommends == "xdg-utils\n"


def test_the_debs_man_page_is_the_programs_help_and_says_where_the_data_is(dist, tmp_path):
    subprocess.run(["dpkg-deb", "--extract", only(dist, f"notedesk_{VERSION}_*.deb"), tmp_path], check=True)
    page = subprocess.run(["man", "--local-file", tmp_path / "usr" / "share" / "man" / "man1" / "notedesk.1.gz"],
                          capture_output=True, text=True, env={**os.environ, "MANWIDTH": "250"}, check=True).stdout
    assert "notedesk - Fast, private notes in a desktop window" in page
    assert "--data-dir DIR  where data, settings and logs are kept" in page
    assert "notedesk manage ARGS… runs a Django management command" in page
    files = " ".join(page[page.index("FILES"):].split())
    assert "~/.local/share/Notedesk Your data folder" in files
    assert "Removing the package leaves it where it is: delete it, once Notedesk has quit, to delete your data." in files
    assert not (tmp_path / "opt" / "notedesk" / "add-to-menu.sh").exists()  # the .tar.gz's, not the package's


def test_the_deb_names_the_licence_of_all_it_brings_and_has_a_changelog(dist, tmp_path):
    """Debian Policy 12.5 and 12.7: the package had neither (lintian: no-copyright-file, no-changelog)."""
    subprocess.run(["dpkg-deb", "--extract", only(dist, f"notedesk_{VERSION}_*.deb"), tmp_path], check=True)
    doc = tmp_path / "usr" / "share" / "doc" / "notedesk"
    licences = (doc / "copyright").read_text(encoding="utf-8")
    assert licences.startswith(f"Notedesk {VERSION}\nhttps://notedesk.org\n")
    assert f"\nPython {sys.version.split()[0]}: PSF-2.0\n" in licences
    django = re.search(r"\nDjango [\d.]+: BSD-3-Clause\n  (\S+)\n", licences)
    assert django and "Copyright (c) Django Software Foundation" in (tmp_path / django[1].lstrip("/")).read_text()
    with gzip.open(doc / "changelog.gz", "rt") as changelog:
        entry = changelog.read()
    assert entry.startswith(f"notedesk ({VERSION}) unstable; urgency=medium\n")
    parsed = subprocess.run(["dpkg-parsechangelog", "--file", "-", "--show-field", "Version"], input=entry,
                            capture_output=True, text=True, check=True).stdout
    assert parsed == f"{VERSION}\n"


@pytest.mark.skipif(not shutil.which("lintian"), reason="needs lintian (make package installs it)")
def test_lintian_finds_no_error_in_the_deb(dist):
    """It found 450: no copyright file nor changelog, the build machine's library search path in
    each Python module, libpython executable, and every file in /opt (meant: an override says so)."""
    result = subprocess.run(["lintian", "--tag-display-limit", "0", only(dist, f"notedesk_{VERSION}_*.deb")],
                            capture_output=True, text=True, timeout=300)
    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert errors == []


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("dpkg"), reason="installing a .deb needs dpkg and root")
def test_the_bundle_s_python_runs_with_the_optimization_its_code_was_compiled_with(polls_dist, app_env, tmp_path):
    """The build compiles without docstrings (-OO) but the bundle's Python ran with sys.flags.optimize 0, so a
    library that leaves its docstrings alone only under -OO failed to import: a GeoDjango app with numpy
    installed (django.contrib.gis imports it if it is there) stopped at start, "TypeError: add_docstring()
    argument 2 must be str, not None"."""
    result = subprocess.run([polls_dist / "polls-dir" / "polls", "--data-dir", str(tmp_path / "data"), "manage", "shell",
                             "-c", "import sys; print(sys.flags.optimize)"], capture_output=True, text=True, env=app_env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "2"


def test_a_geodjango_app_s_deb_depends_on_the_libraries_it_opens_by_name(polls_copy, tmp_path):
    """GeoDjango opens GDAL and GEOS by name, which no file of the bundle links against: the .deb did
    not depend on them, and on a computer without them the installed app stopped at its start
    ("Could not find the GDAL library")."""
    set_before_the_defaults(polls_copy, 'INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.gis"]\n')
    subprocess.run([sys.executable, "-m", "django_desktop_shell.packaging", str(polls_copy), str(tmp_path / "dist"),
                    "--installers"], check=True, timeout=900)
    depends = subprocess.run(["dpkg-deb", "-f", only(tmp_path / "dist", "polls_1.0.0_*.deb"), "Depends"],
                             capture_output=True, text=True, check=True).stdout
    holders = [subprocess.run(["dpkg-query", "-S", f"*/{library}"], capture_output=True, text=True, check=True).stdout.split(":")[0]
               for library in ("libgdal.so.*", "libgeos_c.so.*")]
    assert all(f", {holder}" in depends for holder in holders), (holders, depends)


def test_polls_built_by_the_shell_alone_installs_beside_notedesk_and_both_run(dist, polls_dist, app_env, tmp_path):
    debs = {"notedesk": only(dist, f"notedesk_{VERSION}_*.deb"), "polls": only(polls_dist, "polls_1.0.0_*.deb")}
    env = {**app_env, "XDG_DATA_HOME": str(tmp_path / "xdg-data")}
    subprocess.run(["dpkg", "--install", *debs.values()], check=True, capture_output=True)
    try:
        entry = desktop_entry(Path("/usr/share/applications/polls.desktop"))
        assert (entry["Name"], entry["Exec"]) == ("Polls", "polls")
        assert "Icon" not in entry and "Categories" not in entry  # Polls names neither
        for site in debs:
            self_test(shutil.which(site, path="/usr/bin"), env, site=site)
        assert sorted(path.name for path in (tmp_path / "xdg-data").iterdir()) == ["Notedesk", "Polls"]
        subprocess.run(["dpkg", "--remove", "polls"], check=True, capture_output=True)
        self_test("/usr/bin/notedesk", env)  # removing one leaves the other whole
    finally:
        subprocess.run(["dpkg", "--purge", *debs], check=True, capture_output=True)
    assert not Path("/opt/polls").exists() and not Path("/opt/notedesk").exists()
    assert (tmp_path / "xdg-data" / "Polls" / "polls.sqlite3").exists()


def test_the_build_scripts_pass_shellcheck():
    result = subprocess.run(["shellcheck", *BUILD_SCRIPTS], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_project_installs_the_shell_from_its_wheel_like_any_dependency(tmp_path, app_env):
    """The wheel `make shell-wheel` builds, in a new virtual environment with nothing of this
    repository on its path: examples/polls, copied elsewhere, passes its self-test on it."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "wheels"),
                    str(ROOT / "desktop_shell")], check=True, timeout=300)
    [wheel] = (tmp_path / "wheels").glob("django_desktop_shell-*.whl")
    with zipfile.ZipFile(wheel) as archive:  # what `packaging PROJECT DIST --installers` runs
        packaged = {name.removeprefix("django_desktop_shell/packaging/") for name in archive.namelist()}
    assert {"desktop_app.spec", "installers/linux.sh", "installers/macos.sh", "installers/entitlements.plist",
            "installers/windows.ps1", "installers/installer.iss", "hooks/runtime-own-archive.py"} <= packaged
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # Nothing of this checkout on the path, pip's included: with PYTHONPATH naming desktop_shell/
    # (as a run from a worktree sets it), pip found its egg-info there and installed nothing.
    env = {key: value for key, value in app_env.items() if key != "PYTHONPATH"}
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900, env=env)
    project = shutil.copytree(SITES["polls"], tmp_path / "polls", ignore=shutil.ignore_patterns("db.sqlite3", "__pycache__"))
    result = subprocess.run([venv / "bin" / "python", str(project / "launcher.py"), "--self-test", "--data-dir",
                             str(tmp_path / "data")], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "polls: self-test passed"
