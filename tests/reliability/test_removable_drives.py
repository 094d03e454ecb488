"""A data folder on a USB stick, with real FAT32 and exFAT file systems: their FUSE drivers
(exfat-fuse, fusefat), as root, on a loop image, which is what a desktop without the kernel's
drivers mounts a stick with. The FUSE daemon killed is the stick pulled out: every access to the
folder then fails."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import launcher_command
from tests.reliability.conftest import poll, require_root_for_mounts, run


def fuse_drive(tmp_path, formatter: list[str], driver: list[str]):
    require_root_for_mounts()
    for tool in (formatter[0], driver[0]):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (build/linux/system-packages.sh test)")
    if not os.path.exists("/dev/fuse"):
        pytest.skip("no /dev/fuse here")
    image = tmp_path / "stick.img"
    with open(image, "wb") as file:
        file.truncate(64 * 1024 * 1024)
    run(*formatter, str(image))
    return image


class MountedDrive:
    """A FUSE driver in the foreground on `source`, mounted at `at`, until pulled out or unmounted."""

    def __init__(self, driver: list[str], source: str, at: Path):
        at.mkdir(exist_ok=True)
        self.at = at
        self.process = subprocess.Popen([*driver, source, str(at)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        poll(lambda: subprocess.run(["mountpoint", "-q", str(at)]).returncode == 0, 30, f"the mount at {at}")

    def pull_out(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def remove(self) -> None:
        """Unmounted, lazily: a pulled-out drive's mount point answers nothing, not even `mountpoint`."""
        subprocess.run(["umount", "-l", str(self.at)], capture_output=True)
        self.process.wait(30)


@pytest.fixture
def exfat_stick(tmp_path):
    image = fuse_drive(tmp_path, ["mkfs.exfat"], ["mount.exfat-fuse", "-d"])
    attached = subprocess.run(["losetup", "-f", "--show", str(image)], capture_output=True, text=True)
    if attached.returncode:
        pytest.skip(f"no loop device here: {attached.stderr.strip()}")
    device = attached.stdout.strip()
    drives = []

    def plug_in() -> MountedDrive:
        drives.append(MountedDrive(["mount.exfat-fuse", "-d"], device, tmp_path / "stick"))
        return drives[-1]

    yield plug_in
    for drive in reversed(drives):
        drive.remove()
    run("losetup", "-d", device)


@pytest.fixture
def fat32_stick(tmp_path):
    image = fuse_drive(tmp_path, ["mkfs.vfat", "-F", "32"], ["fusefat", "-f"])
    drive = MountedDrive(["fusefat", "-f", "-o", "rw+"], str(image), tmp_path / "stick")
    yield drive
    drive.remove()


def test_notes_on_an_exfat_stick_pulled_out_and_plugged_back(exfat_stick, notedesk):
    """Before, the stick could not be used at all (the launch stopped on the single-instance
    socket, then on a hard link); a save to a pulled-out stick answered "a disk error … Check the
    disk" while the kernel still had the folder's details, and 500 "Something went wrong on our
    side" once it had not: the error's classifier itself failed to look at the folder."""
    stick = exfat_stick()
    data_dir = stick.at / "Notizen" / "Jürgen's Ünterlagen"
    app = notedesk(data_dir)
    api = app.client()
    note = api.send_json("POST", "/api/notes/", {"title": "Trip", "body": "the first day"})
    assert note.status == 201, note.body
    note = note.json()

    stick.pull_out()
    for _ in ("the folder's details still in the kernel's cache", "the folder's details gone"):
        refused = api.send_json("PATCH", f"/api/notes/{note['id']}/", {"body": "the second day", "version": note["version"]})
        assert refused.status == 503
        assert refused.json()["error"] == (
            "The drive or network folder that holds your data cannot be reached (it was removed or disconnected), so "
            "nothing was saved. Copy what you wrote since elsewhere, connect it again, then quit Notedesk and start it "
            "again.")
        poll(lambda: not reachable(data_dir), 30, "the pulled-out stick's folder unreachable")
    api.close()
    app.stop()

    stick.remove()
    exfat_stick()
    api = notedesk(data_dir).client()
    assert api.request("GET", f"/api/notes/{note['id']}/").json()["body"] == "the first day"
    saved = api.send_json("PATCH", f"/api/notes/{note['id']}/", {"body": "the second day", "version": note["version"]})
    assert saved.status == 200, saved.body


def reachable(folder: Path) -> bool:
    try:
        folder.stat()
    except OSError:
        return False
    return True


def test_a_fat32_stick_whose_driver_cannot_share_sqlites_log_says_so_and_changes_nothing(fat32_stick, notedesk, tmp_path):
    """fusefat maps no shared memory, which SQLite's write-ahead log needs (as on many network
    shares). Before, the launch said the database could not be opened ("disk I/O error"), and, as
    for a damaged file, to copy the latest backup over it: every note written since would go."""
    app = notedesk(tmp_path / "on the computer")
    assert app.client().send_json("POST", "/api/notes/", {"title": "Kept", "body": "words"}).status == 201
    app.stop()
    app = notedesk(app.data_dir)  # the day's first launch on a database with notes copies it
    (backup,) = poll(lambda: list((app.data_dir / "backups").glob("notedesk-*.sqlite3")), 60, "the day's backup")
    app.stop()
    data_dir = fat32_stick.at / "Notes"
    (data_dir / "backups").mkdir(parents=True)
    # copyfile: copytree's copystat ends in "Function not implemented" there.
    shutil.copyfile(app.database, data_dir / "notedesk.sqlite3")
    shutil.copyfile(backup, data_dir / "backups" / backup.name)
    before = (data_dir / "notedesk.sqlite3").read_bytes()

    launch = subprocess.run(launcher_command("--headless", "--data-dir", str(data_dir)), capture_output=True, text=True,
                            timeout=120)
    assert launch.returncode == 1
    assert launch.stderr == (
        f"notedesk: Cannot open the database {data_dir / 'notedesk.sqlite3'}, and Notedesk has not changed it. The "
        "folder that holds your data is on a file system where SQLite cannot share its write-ahead log between "
        "connections (a network share, or a FUSE file system). Keep the data folder on a local disk: quit Notedesk, "
        "move the folder there, and start Notedesk with --data-dir naming it.\n")
    assert (data_dir / "notedesk.sqlite3").read_bytes() == before
