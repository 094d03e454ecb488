"""Signed updates of a real one-folder install: a copy of examples/polls built twice (1.0.0 and
1.0.1) by the shell's packaging command, released by its release command into a repository that a
real HTTP server on 127.0.0.1 serves, installed from a .tar.gz like the Linux one, run in its window
under Xvfb. It finds, downloads and verifies 1.0.1 in the background, installs it at the next start,
and keeps the old version when a broken 1.0.2 fails its start; then each refusal, against the real
binary. Slow (two builds): `make test-package`."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psutil
import pytest

from django_desktop_shell.updates import keys, platform_tag, updates_dir

from tests.conftest import SITES
from tests.shell.update_repository import RepositoryServer, tree

pytestmark = pytest.mark.packaging
BUILD_TIMEOUT_S = 900


def set_version(project: Path, version: str) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', pyproject.read_text()), encoding="utf-8")


def build_and_release(project: Path, dist: Path, keystore: Path, repository: Path, version: str) -> None:
    set_version(project, version)
    # A cache of its own: PyInstaller's shared one (~/.cache/pyinstaller) breaks under concurrent builds.
    env = {**os.environ, "PYINSTALLER_CONFIG_DIR": str(project.parent / "pyinstaller-cache")}
    subprocess.run([sys.executable, "-m", "django_desktop_shell.packaging", str(project), str(dist)],
                   check=True, timeout=BUILD_TIMEOUT_S, env=env)
    subprocess.run([sys.executable, "-m", "django_desktop_shell.updates.release", str(project), str(dist),
                    "--keystore", str(keystore), "--repository", str(repository)], check=True, timeout=600)


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    root = tmp_path_factory.mktemp("polls-updates")
    served = root / "served"
    served.mkdir()
    server = RepositoryServer(served)
    project = root / "polls"
    shutil.copytree(SITES["polls"], project, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "[tool.desktop-shell]\n", f'[tool.desktop-shell]\nupdate-url = "{server.url}/polls-updates"\n'), encoding="utf-8")
    keystore = root / "keystore"
    keys.make_keys(project, keystore)
    repository = served / "polls-updates"
    for version in ("1.0.0", "1.0.1"):
        build_and_release(project, root / f"dist-{version}", keystore, repository, version)
    try:
        yield {"root": root, "server": server, "project": project, "keystore": keystore, "repository": repository}
    finally:
        server.close()


def install_from_tarball(dist: Path, apps: Path, version: str) -> Path:
    """As a person installs the Linux .tar.gz (build/linux/build.sh makes it the same way)."""
    tarball = dist / f"polls-{version}-linux.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(dist / "polls-dir", arcname=f"polls-{version}")
    with tarfile.open(tarball) as archive:
        archive.extractall(apps, filter="tar")
    return apps / f"polls-{version}"


def installs_in(apps: Path) -> list[str]:
    """What the folder holds but the lock file each running app keeps beside its install."""
    return sorted(path.name for path in apps.iterdir() if ".running-" not in path.name)


def state_of(data: Path) -> dict:
    try:
        return json.loads((updates_dir(data) / "state.json").read_text())
    except (OSError, ValueError):
        return {}


def read_text(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def wait_for(condition, what: str, seconds: float = 120, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    details = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{details}")


def app_processes(data: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if str(data) in (process.info["cmdline"] or []) and "--version" not in process.info["cmdline"]:
                found.append(process)
        except psutil.Error:
            pass
    return found


def stop_app(data: Path) -> None:
    """End the app processes this test started on `data` (by pid), and wait until they are gone."""
    processes = app_processes(data)
    for process in processes:
        process.send_signal(signal.SIGTERM)
    _gone, alive = psutil.wait_procs(processes, timeout=15)
    for process in alive:
        process.kill()


def start_window(binary: Path, data: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(binary), "--data-dir", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env={**env, "POLLS_UPDATE_CHECK_AFTER": "0", "POLLS_UPDATE_TRIAL_SECONDS": "60"})


def a_day_later(data: Path) -> None:
    """The app checks at most once a day: make its last check a day old."""
    state = state_of(data)
    state["last_check"] = time.time() - 24 * 60 * 60 - 1
    (updates_dir(data) / "state.json").write_text(json.dumps(state))


def check_once(binary: Path, data: Path, env: dict, done) -> dict:
    """Start the installed app in its window, let its background check reach an outcome, quit it."""
    before = state_of(data).get("last_result", {}).get("at")
    process = start_window(binary, data, env)
    try:
        result = wait_for(lambda: done(state_of(data).get("last_result", {}), before), "the update check's outcome",
                          log=data / "logs" / "polls.log")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0, process.stderr.read()
    return result


def outcome(state: str):
    return lambda result, before: result if result.get("at") != before and result.get("state") == state else None


def version_of(binary: Path, env: dict) -> str:
    return subprocess.run([str(binary), "--version"], capture_output=True, text=True, env=env, timeout=60).stdout.strip()


def test_the_installed_app_updates_itself_and_keeps_the_old_version_when_the_new_one_fails_its_start(releases, app_env):
    root = releases["root"]
    installed = install_from_tarball(root / "dist-1.0.0", root / "apps", "1.0.0")
    binary = installed / "polls"
    data = root / "data"
    targets = sorted(path.name for path in (releases["repository"] / platform_tag() / "targets").iterdir())
    assert targets == ["polls-1.0.0.tar.gz", "polls-1.0.1.patch", "polls-1.0.1.tar.gz"]
    assert version_of(binary, app_env) == "Polls 1.0.0"

    # 1.0.0 finds 1.0.1 in the background, downloads and verifies it, and stages it beside itself.
    before = tree(installed)
    check_once(binary, data, app_env, outcome("ready"))
    assert state_of(data)["ready"]["version"] == "1.0.1"
    assert (root / "apps" / ".polls-1.0.0.update-1.0.1" / "polls").exists()
    assert tree(installed) == before  # nothing installed while it ran

    # The next start installs it: the old process hands over and exits, the new version starts and passes.
    relaunch = start_window(binary, data, app_env)
    assert relaunch.wait(30) == 0, relaunch.stderr.read()
    # The new version's update bar (or its next check) reads the script's result and says so.
    wait_for(lambda: state_of(data).get("notice") == "Updated to Polls 1.0.1."
             or read_text(updates_dir(data) / "trial-result") == "passed: 1.0.1", "the new version's start",
             log=updates_dir(data) / "apply.log")
    assert "passed: 1.0.1" in (updates_dir(data) / "apply.log").read_text()
    assert version_of(binary, app_env) == "Polls 1.0.1"
    assert installs_in(root / "apps") == ["polls-1.0.0"]  # no previous, no staging
    stop_app(data)
    assert (data / "polls.sqlite3").exists()

    # A broken 1.0.2 (its settings module is missing) is published; 1.0.1 gets it as a patch from its own archive.
    broken = root / "broken-1.0.2"
    shutil.copytree(root / "dist-1.0.1" / "polls-dir", broken, symlinks=True)
    identity_file = broken / "_internal" / "pyproject.toml"
    identity_file.write_text(identity_file.read_text().replace('version = "1.0.1"', 'version = "1.0.2"')
                             .replace('settings = "mysite.settings"', 'settings = "mysite.missing_settings"'))
    # Published in a copy of the repository (the other tests use the one with 1.0.0 and 1.0.1), where the app now looks.
    with_broken = releases["repository"].parent / "with-1.0.2"
    shutil.copytree(releases["repository"], with_broken)
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from django_desktop_shell.updates import release; "
                    "release.release(Path(sys.argv[1]), Path(sys.argv[2]), keystore=sys.argv[3], repository=Path(sys.argv[4]), "
                    "bundle=Path(sys.argv[5]), version='1.0.2')",
                    str(releases["project"]), str(root), str(releases["keystore"]), str(with_broken), str(broken)],
                   check=True, timeout=600)
    pointed_at(binary, "with-1.0.2")
    releases["server"].requests.clear()
    a_day_later(data)  # it checked today already
    check_once(binary, data, app_env, outcome("ready"))
    fetched = [path for path, _range in releases["server"].requests if "/targets/" in path]
    assert fetched == [f"/with-1.0.2/{platform_tag()}/targets/polls-1.0.2.patch"]
    before = tree(installed)

    relaunch = start_window(binary, data, app_env)
    assert relaunch.wait(30) == 0
    # 1.0.2 exits on its missing settings; the script puts 1.0.1 back, restores the database, starts 1.0.1,
    # which notes the failure and will not take 1.0.2 again.
    failed = wait_for(lambda: state_of(data).get("failed_versions", {}).get("1.0.2"), "the rollback",
                      log=updates_dir(data) / "apply.log")
    assert failed.startswith("rolled-back: 1.0.2: it exited with code 1")
    assert "did not start, so Polls 1.0.1 was kept" in state_of(data)["notice"]
    assert tree(installed) == before
    assert version_of(binary, app_env) == "Polls 1.0.1"
    wait_for(lambda: app_processes(data), "1.0.1 started again")
    stop_app(data)
    a_day_later(data)
    check_once(binary, data, app_env, outcome("up-to-date"))  # 1.0.2 is skipped


@pytest.fixture
def installed_100(releases, tmp_path):
    return install_from_tarball(releases["root"] / "dist-1.0.0", tmp_path / "apps", "1.0.0") / "polls"


def served_copy(releases, tmp_path) -> Path:
    """A copy of the repository the test may spoil, served at /spoiled/ by the same server."""
    copy = releases["root"] / "served" / "spoiled"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(releases["repository"], copy)
    return copy / platform_tag()


def pointed_at(binary: Path, path: str) -> None:
    """Point the installed app at another folder of the server (the identity is in the bundle)."""
    identity_file = binary.parent / "_internal" / "pyproject.toml"
    identity_file.write_text(re.sub(r'update-url = "(http://127.0.0.1:\d+)/[^"]*"', rf'update-url = "\1/{path}"',
                                    identity_file.read_text()))


def refused_message(binary, data, env) -> str:
    result = check_once(binary, data, env, lambda result, before: result if result.get("at") != before
                        and result.get("state") in ("refused", "unavailable-now") else None)
    return f"{result['state']}: {result['message']}"


@pytest.mark.parametrize("spoil", ["tampered archive", "wrong key", "expired metadata", "truncated download"])
def test_the_installed_app_refuses_a_spoiled_update_and_stays_as_it_was(releases, installed_100, tmp_path, app_env, spoil):
    repo = served_copy(releases, tmp_path)
    archive = repo / "targets" / "polls-1.0.1.tar.gz"
    if spoil == "tampered archive":
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        archive.write_bytes(bytes(data))
        expected = "refused: Update refused: The downloaded polls-1.0.1.tar.gz does not match its signed hash"
    elif spoil == "wrong key":
        other = tmp_path / "other"
        shutil.copytree(releases["project"], other / "project")
        (other / "project" / "update-root.json").unlink()
        keys.make_keys(other / "project", other / "keys")
        subprocess.run([sys.executable, "-m", "django_desktop_shell.updates.release", str(other / "project"),
                        str(releases["root"] / "dist-1.0.1"), "--keystore", str(other / "keys"),
                        "--repository", str(other / "repo")], check=True, timeout=600)
        shutil.rmtree(repo / "metadata")
        shutil.copytree(other / "repo" / platform_tag() / "metadata", repo / "metadata")
        shutil.copy(releases["project"] / "update-root.json", repo / "metadata" / "root.json")
        expected = "refused: Update refused: The update information is not signed by this app's publisher"
    elif spoil == "expired metadata":
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from django_desktop_shell.updates import release; "
                        "release.refresh(Path(sys.argv[1]), Path(sys.argv[2]), keystore=sys.argv[3], repository=Path(sys.argv[4]), "
                        "expiration_days={'timestamp': -1})",
                        str(releases["project"]), str(tmp_path), str(releases["keystore"]), str(repo.parent)], check=True)
        expected = "refused: Update refused: The update information has expired"
    else:
        archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        expected = "refused: Update refused: The server's polls-1.0.1.tar.gz is"
    pointed_at(installed_100, "spoiled")
    before = tree(installed_100.parent)
    message = refused_message(installed_100, tmp_path / "data", app_env)
    assert message.startswith(expected), message
    assert tree(installed_100.parent) == before
    assert installs_in(installed_100.parent.parent) == ["polls-1.0.0"]  # nothing staged
    assert "ready" not in state_of(tmp_path / "data") or state_of(tmp_path / "data")["ready"] is None


def test_the_installed_app_refuses_older_metadata_than_it_has_seen(releases, installed_100, tmp_path, app_env):
    """A rollback (freeze) attack: the server swaps in the metadata it signed before 1.0.1."""
    repo = served_copy(releases, tmp_path)
    pointed_at(installed_100, "spoiled")
    data = tmp_path / "data"
    check_once(installed_100, data, app_env, outcome("ready"))  # it has seen the current metadata
    state = state_of(data)
    state.pop("ready")
    (updates_dir(data) / "state.json").write_text(json.dumps(state))
    a_day_later(data)
    shutil.rmtree(installed_100.parent.parent / ".polls-1.0.0.update-1.0.1")
    old = tmp_path / "old-repo"
    keystore = releases["keystore"]
    subprocess.run([sys.executable, "-m", "django_desktop_shell.updates.release", str(releases["project"]),
                    str(releases["root"] / "dist-1.0.0"), "--keystore", str(keystore), "--repository", str(old)],
                   check=True, timeout=600)
    shutil.rmtree(repo / "metadata")
    shutil.copytree(old / platform_tag() / "metadata", repo / "metadata")
    message = refused_message(installed_100, data, app_env)
    assert message.startswith("refused: Update refused: The update server offered older update information"), message


def test_the_installed_app_resumes_a_download_the_server_dropped(releases, installed_100, tmp_path, app_env):
    server = releases["server"]
    data = tmp_path / "data"
    server.cut_after = 3_000_000
    try:
        message = refused_message(installed_100, data, app_env)
    finally:
        server.cut_after = None
    assert message.startswith("unavailable-now: The download of polls-1.0.1.tar.gz stopped"), message
    part = updates_dir(data) / "targets" / "polls-1.0.1.tar.gz.part"
    kept = part.stat().st_size
    assert 2_000_000 < kept <= 3_000_000
    server.requests.clear()
    check_once(installed_100, data, app_env, outcome("ready"))  # tried again at the next start (the last try failed)
    assert (f"/polls-updates/{platform_tag()}/targets/polls-1.0.1.tar.gz", f"bytes={kept}-") in server.requests


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_the_installed_app_refuses_an_update_when_the_disk_fills_during_the_download(releases, installed_100, tmp_path, app_env):
    server = releases["server"]
    data = tmp_path / "data"
    small_disk = updates_dir(data) / "targets"  # the downloads land on the small disk (a link to it the launch refuses)
    small_disk.mkdir(parents=True)
    archive_size = (releases["repository"] / platform_tag() / "targets" / "polls-1.0.1.tar.gz").stat().st_size
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={archive_size + 4_000_000},mode=0700", "tmpfs",
                       str(small_disk)]).returncode:
        pytest.skip("tmpfs cannot be mounted here")
    try:
        server.paused.clear()
        server.go_on.clear()
        server.pause_at = 1_000_000
        process = start_window(installed_100, data, app_env)
        try:
            assert server.paused.wait(120), "the download did not start"
            filler = small_disk / "another-program's-file"  # something else fills the disk meanwhile
            with filler.open("wb") as file:
                try:
                    while True:
                        file.write(b"\0" * 1_000_000)
                except OSError:
                    pass
            server.go_on.set()
            result = wait_for(lambda: state_of(data).get("last_result"), "the outcome", log=data / "logs" / "polls.log")
        finally:
            server.pause_at = None
            server.go_on.set()
            process.send_signal(signal.SIGTERM)
            process.wait(15)
        assert result["state"] == "unavailable-now"
        assert result["message"].startswith("The disk is full"), result
        assert sorted(path.name for path in small_disk.iterdir()) == ["another-program's-file"]  # the partial file is gone
        assert installs_in(installed_100.parent.parent) == ["polls-1.0.0"]
        filler.unlink()
        check_once(installed_100, data, app_env, outcome("ready"))  # room again: the next try works
    finally:
        subprocess.run(["umount", "-l", str(small_disk)])
