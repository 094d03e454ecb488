"""One identity table drives every name: a wrong table is refused with what to write, and two
apps on the shell run side by side without touching each other's data."""

import subprocess

import pytest

from django_desktop_shell.identity import IdentityError, load

from tests.conftest import SITES, exit_code_within, launcher_command

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
