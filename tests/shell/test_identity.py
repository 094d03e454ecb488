"""One identity table drives every name: a wrong table is refused with what to write, and two
apps on the shell run side by side without touching each other's data."""

import json
import re
import shutil
import subprocess
import sys

import pytest

from django_desktop_shell.identity import IdentityError, load
from django_desktop_shell.packaging import SPEC
from django_desktop_shell.packaging.identity import build_values

from tests.conftest import ROOT, SITES, exit_code_within, launcher_command

MINIMAL = '[project]\nversion = "2.1"\n\n[tool.desktop-shell]\nname = "My App"\napp-id = "org.example.MyApp"\nsettings = "x.settings"\n'


def project_with(tmp_path, text):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_identity_gives_every_name(tmp_path):
    identity = load(project_with(tmp_path, MINIMAL))
    assert (identity.name, identity.slug, identity.version, identity.app_id) == ("My App", "my-app", "2.1", "org.example.MyApp")
    assert (identity.env_prefix, identity.cookie_prefix, identity.start_path) == ("MY_APP", "my_app", "/")


@pytest.mark.parametrize(("text", "message"), [
    ('[project]\nversion = "1"\n', "has no [tool.desktop-shell] table"),
    (MINIMAL.replace('settings = "x.settings"\n', ""), "needs settings"),
    (MINIMAL.replace("org.example.MyApp", "MyApp"), "must be reverse DNS"),
    (MINIMAL + 'categroies = ["Office"]\n', "unknown keys: categroies"),
    (MINIMAL + 'start-path = "polls/"\n', "start-path in"),
    (MINIMAL.replace('version = "2.1"\n', ""), "needs a version"),
    ("[project\n", "is not valid TOML"),
    (MINIMAL + 'update-url = "ftp://example.org/updates"\n', "update-url in .* must be an https:// address"),
    (MINIMAL + 'update-url = "http://example.org/updates"\n', "must use https://"),
    (MINIMAL + 'update-url = "https://example.org/updates?token=1"\n', "no query"),
    (MINIMAL + 'update-url = "https://user:secret@example.org/updates"\n', "no query, fragment or password"),
    (MINIMAL + 'update-url = ""\n', "must be the address of the update repository"),
    (MINIMAL + "update-url = 1\n", "must be the address of the update repository"),
    (MINIMAL + 'javascript-jit = "off"\n', "javascript-jit in .* must be true or false"),
    (MINIMAL + 'keep-start-page = "yes"\n', "keep-start-page in .* must be true or false"),
    (MINIMAL + 'leave-out = "x.serve"\n', "leave-out in .* must be a list of modules"),
    (MINIMAL + 'leave-out = ["x/serve.py"]\n', "leave-out in .* must be a list of modules"),
    (MINIMAL + 'leave-out = [{all-of = "pygments.lexers"}]\n', 'leave-out in .* or, to ship part of a package, {all-of = '),
    (MINIMAL + 'leave-out = [{all-of = "pygments.lexers", but = "python"}]\n', "leave-out in .* must be a list of modules"),
    (MINIMAL + 'leave-out = [{all-of = "pygments/lexers", but = []}]\n', "leave-out in .* must be a list of modules"),
    (MINIMAL + 'collect-all = [{all-of = "pygments.lexers", but = []}]\n', "collect-all in .* must be a list of modules"),
    (MINIMAL + 'collect-all = "reportlab"\n', "collect-all in .* must be a list of modules"),
])
def test_a_wrong_identity_table_is_refused_saying_what_to_write(tmp_path, text, message):
    with pytest.raises(IdentityError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load(project_with(tmp_path, text))


@pytest.mark.parametrize(("url", "kept"), [
    ("https://example.org/updates/", "https://example.org/updates"),
    ("http://127.0.0.1:8123/repo", "http://127.0.0.1:8123/repo"),
    ("http://localhost/repo", "http://localhost/repo"),
])
def test_an_update_url_is_https_or_loopback_http(tmp_path, url, kept):
    assert load(project_with(tmp_path, MINIMAL + f'update-url = "{url}"\n')).update_url == kept
    assert load(project_with(tmp_path, MINIMAL)).update_url == ""  # no key: no updates


def test_two_apps_on_the_shell_run_side_by_side_each_in_its_own_data_folder(tmp_path, app_env):
    env = {**app_env, "XDG_DATA_HOME": str(tmp_path / "data-home")}
    env.pop("NOTEDESK_DATA_DIR", None)
    processes = [subprocess.Popen(launcher_command("--headless", site=site), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env) for site in SITES]
    try:
        for process in processes:
            line = process.stdout.readline()
            assert line.startswith("READY "), process.stderr.read()
        folders = sorted(path.name for path in (tmp_path / "data-home").iterdir())
        assert folders == ["Notedesk", "Polls"]
        assert (tmp_path / "data-home" / "Notedesk" / "logs" / "notedesk.log").exists()
        assert (tmp_path / "data-home" / "Polls" / "logs" / "polls.log").exists()
        keys = {(tmp_path / "data-home" / name / "secret_key").read_text() for name in folders}
        assert len(keys) == 2
    finally:
        for process in processes:
            process.terminate()
            assert exit_code_within(process, 5) == 0


@pytest.mark.parametrize(("name", "slug"), [("متجر", "shop"), ("Καλάθι", "shop"), ("My Shop", "my-shop")])
def test_an_app_named_in_another_script_is_named_by_its_app_id_where_a_program_name_is_needed(tmp_path, name, slug):
    """An Arabic or Greek name gave no program name at all: the log was logs/.log, the database
    .sqlite3, a hidden file, the browser's address <label>..localhost, and every message at the
    terminal started with ": "."""
    text = MINIMAL.replace('name = "My App"', f'name = "{name}"').replace("org.example.MyApp", "org.example.Shop")
    identity = load(project_with(tmp_path, text))
    assert (identity.name, identity.slug, identity.cookie_prefix) == (name, slug, slug.replace("-", "_"))


def test_an_app_named_in_letters_outside_latin_1_starts_and_its_pages_answer(polls_copy, tmp_path, app_env):
    """The server named itself by the app's name in each answer's Server header, which HTTP writes
    in Latin-1: every answer of an app named "Zażółć" (or in Greek, Arabic, Chinese) failed, and the
    launch waited 15 s for a server that never answered, then stopped."""
    pyproject = polls_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('name = "Polls"', 'name = "Zażółć"'), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(polls_copy / "launcher.py"), "--headless", "--data-dir",
                                str(tmp_path / "data")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app_env)
    try:
        line = process.stdout.readline()
        assert line.startswith("READY "), process.stderr.read()
    finally:
        process.terminate()
        assert exit_code_within(process, 5) == 0


def print_identity(project, form):
    return subprocess.run([sys.executable, "-m", "django_desktop_shell.packaging.identity", str(project), "--format", form],
                          capture_output=True, text=True, timeout=30)


def test_the_build_scripts_read_every_name_from_the_identity():
    values = build_values(load(ROOT))
    assert {key: values[key] for key in ("name", "slug", "app_id", "categories", "keywords", "deb_section")} == {
        "name": "Notedesk", "slug": "notedesk", "app_id": "org.notedesk.Notedesk", "categories": "Office",
        "keywords": "notes;notebook;memo", "deb_section": "editors"}
    assert values["icon"] == str(ROOT / "ui" / "static" / "img" / "notedesk.svg")
    assert values["spec"] == str(ROOT / "app.spec")  # Notedesk's own spec, which adds to the shell's


def test_the_app_knows_which_modules_its_build_ships_run_from_its_source_as_built(tmp_path):
    """An app that loads modules by name (Notedesk's lexers, for the code in its notes) asks the
    identity whether the build ships one, so that it offers the same run from its source, where
    every module is there, as in the built app, where leave-out took some away."""
    identity = load(project_with(tmp_path, MINIMAL + 'leave-out = ["x.serve", {all-of = "pygments.lexers", '
                                                     'but = ["python", "c_cpp"]}]\n'))
    assert identity.leave_out == ("x.serve",)
    shipped = ["pygments.lexers", "pygments.lexers.python", "pygments.lexers.c_cpp", "pygments", "pygments.styles.default"]
    assert [identity.ships(module) for module in shipped] == [True] * len(shipped)
    left_out = ["pygments.lexers.haskell", "pygments.lexers.pythonic", "x.serve", "x.serve.views"]
    assert [identity.ships(module) for module in left_out] == [False] * len(left_out)


def test_optional_keys_left_out_give_plain_defaults_and_the_shells_spec(tmp_path):
    assert load(project_with(tmp_path, MINIMAL)).javascript_jit is True
    assert load(project_with(tmp_path, MINIMAL)).keep_start_page is False
    assert load(project_with(tmp_path, MINIMAL)).leave_out == ()
    assert load(project_with(tmp_path, MINIMAL + 'leave-out = ["x.serve"]\n')).leave_out == ("x.serve",)
    assert load(project_with(tmp_path, MINIMAL)).collect_all == ()
    assert load(project_with(tmp_path, MINIMAL + 'collect-all = ["reportlab"]\n')).collect_all == ("reportlab",)
    values = build_values(load(project_with(tmp_path, MINIMAL)))
    assert values["description"] == "My App"  # the .deb and the desktop entry need one
    assert (values["categories"], values["keywords"], values["icon"], values["homepage"]) == ("", "", "", "")
    assert values["deb_section"] == "misc"
    assert values["spec"] == str(SPEC)


# In the order Python puts them (PEP 440), each before the next; a local version (1.0+ubuntu1) is
# never published, and goes after its release alone.
PYTHON_VERSIONS = ["1.0.dev1", "1.0a1.dev1", "1.0a1", "1.0a1.post1", "1.0b2", "1.0rc1", "1.0", "1.0.post1.dev1",
                   "1.0.post1", "1.0.1", "1!0.5"]


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="compares versions with dpkg")
def test_the_debs_version_upgrades_in_the_order_python_gives_release_candidates_and_all(tmp_path):
    """dpkg put 1.0rc1 after 1.0: apt kept the release candidate, and dpkg -i called the release a downgrade."""
    debian = [build_values(load(project_with(tmp_path, MINIMAL.replace('"2.1"', f'"{version}"'))))["deb_version"]
              for version in PYTHON_VERSIONS]
    assert debian[PYTHON_VERSIONS.index("1.0")] == "1.0"  # a release keeps its version as it is
    for older, newer in zip(debian, debian[1:]):
        assert subprocess.run(["dpkg", "--compare-versions", older, "lt", newer]).returncode == 0, (older, newer)


@pytest.mark.parametrize("people, maintainer", [
    ('maintainers = [{name = "Ada", email = "ada@example.org"}]\nauthors = [{name = "Bob", email = "bob@example.org"}]',
     "Ada <ada@example.org>"),
    ('authors = [{name = "Bob"}, {email = "carol@example.org"}]', "carol@example.org <carol@example.org>"),
    ("", "My App maintainers <maintainers@my-app.invalid>"),
])
def test_the_debs_maintainer_is_the_projects_first_maintainer_or_author_with_an_address(tmp_path, people, maintainer):
    """Every .deb said "Maintainer: NAME maintainers <maintainers@SLUG.invalid>", whatever the project's pyproject.toml said."""
    text = MINIMAL.replace('version = "2.1"\n', f'version = "2.1"\n{people}\n')
    assert build_values(load(project_with(tmp_path, text)))["maintainer"] == maintainer


def test_a_version_python_cannot_read_is_refused_saying_what_to_write(tmp_path):
    with pytest.raises(IdentityError, match=r"version 'june' in .*pyproject.toml is not a Python package version "
                                            r"\(PEP 440\), such as 1.2.0 or 1.2.0rc1."):
        build_values(load(project_with(tmp_path, MINIMAL.replace('"2.1"', '"june"'))))


def test_the_windows_app_id_is_derived_from_the_app_id_and_never_changes(tmp_path):
    # Windows upgrades and uninstalls an app by this GUID: if this value changes, an update
    # installs beside the old version instead of over it.
    assert build_values(load(ROOT))["windows_app_id"] == "94EFE83E-D110-5B96-9F86-E757D60318E0"
    other = build_values(load(project_with(tmp_path, MINIMAL)))["windows_app_id"]
    assert other != "94EFE83E-D110-5B96-9F86-E757D60318E0" and len(other) == 36


def test_the_sh_format_evaluates_to_the_values_quotes_and_all():
    printed = print_identity(SITES["polls"], "sh")
    assert printed.returncode == 0, printed.stderr
    shell = subprocess.run(["bash", "-c", 'eval "$1"; printf "%s|%s|%s" "$slug" "$description" "$icon"', "-", printed.stdout],
                           capture_output=True, text=True, check=True)
    assert shell.stdout == "polls|Django's tutorial polls app, unchanged, used as an example of an existing Django project.|"


def test_the_json_and_github_formats_give_the_same_values_one_line_each():
    values = json.loads(print_identity(ROOT, "json").stdout)
    assert values == build_values(load(ROOT))
    lines = print_identity(ROOT, "github").stdout.splitlines()
    assert lines == [f"{key}={value}" for key, value in values.items()]


@pytest.mark.parametrize(("text", "message"), [
    (MINIMAL.replace('app-id = "org.example.MyApp"', 'app-id = "MyApp"'), "must be reverse DNS"),
    (MINIMAL + 'description = """two\nlines"""\n', "description in .* must be one line"),
])
def test_the_printer_refuses_a_wrong_table_saying_why_and_prints_nothing(tmp_path, text, message):
    printed = print_identity(project_with(tmp_path, text), "sh")
    assert (printed.returncode, printed.stdout) == (1, "")
    assert re.search(message, printed.stderr)
