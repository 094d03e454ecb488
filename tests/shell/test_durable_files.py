"""files.durable_file: a file is written whole or not at all, and a file two processes create at
once keeps the first one's content (the per-install secrets: secret_key.py, user_key.py)."""

import errno
import os
import pwd

import pytest

from django_desktop_shell import files, secret_key
from django_desktop_shell.process.errors import DataFolderError
from django_desktop_shell.process.paths import prepare_data_dir


@pytest.fixture(params=["hard links", "no hard links"])
def file_system(request, monkeypatch):
    """The data folder's file system: a usual one, or FAT and exFAT (a USB stick), which refuse a
    hard link with EPERM as Linux's vfat driver does."""
    if request.param == "no hard links":
        def refused_link(source, target, *args, **kwargs):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(target))

        monkeypatch.setattr(os, "link", refused_link)
    return request.param


def test_two_launches_making_the_secret_key_at_once_both_keep_the_first_ones(tmp_path, file_system):
    """A launch that finds no key makes one; another launch made and wrote its own in between. The
    later one must read the first's: had it replaced it, the first launch's signed cookies and
    sessions would be refused from then on."""
    path = tmp_path / "secret_key"

    def made_while_another_launch_writes_its_own():
        path.write_text("the-first-launchs-key")
        return "the-second-launchs-key"

    assert secret_key.per_install_value(path, made_while_another_launch_writes_its_own) == "the-first-launchs-key"
    assert path.read_text() == "the-first-launchs-key"
    assert [item.name for item in tmp_path.iterdir()] == ["secret_key"]


def test_a_file_written_anew_replaces_the_old_one_whole(tmp_path, file_system):
    path = tmp_path / "window_state.json"
    path.write_bytes(b"old")
    files.write_file(path, b"new")
    assert path.read_bytes() == b"new"
    assert [item.name for item in tmp_path.iterdir()] == ["window_state.json"]


def test_a_write_that_fails_half_way_leaves_the_old_file_as_it_was_and_nothing_else(tmp_path):
    path = tmp_path / "note.md"
    path.write_bytes(b"every word of the old note")
    with pytest.raises(OSError), files.durable_file(path) as file:
        file.write(b"half of the new")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert path.read_bytes() == b"every word of the old note"
    assert [item.name for item in tmp_path.iterdir()] == ["note.md"]


def refused_chmod(path, mode):
    raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(path))


def test_a_data_folder_on_a_usb_stick_which_has_no_modes_to_set_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "chmod", refused_chmod)
    assert prepare_data_dir(tmp_path / "Notes") == tmp_path / "Notes"


def test_a_data_folder_of_another_users_which_cannot_be_made_private_stops_the_launch_saying_so(tmp_path, monkeypatch):
    """Not taken for a USB stick's: the notes would be written where every user can read them."""
    monkeypatch.setattr(os, "chmod", refused_chmod)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    with pytest.raises(DataFolderError, match=f"^Cannot write to the data folder {tmp_path}: Operation not permitted.$"):
        prepare_data_dir(tmp_path)


def test_a_data_folder_holding_another_users_files_stops_the_launch_saying_whose_and_the_command_that_gives_them_back(
        tmp_path, monkeypatch):
    """A data folder copied back with sudo (a restored backup), or used once by a launch with sudo:
    the launch stopped on "Unexpected error: PermissionError: [Errno 13] Permission denied:
    '…/imports'", with no log, and nothing said what to do."""
    data_dir = tmp_path / "Notes"
    (data_dir / "backups").mkdir(parents=True)
    someone_else = os.stat(data_dir).st_uid + 1
    monkeypatch.setattr(os, "getuid", lambda: someone_else)  # so every file in it is another user's
    with pytest.raises(DataFolderError) as refused:
        prepare_data_dir(data_dir)
    assert str(refused.value) == (
        f"The data folder {data_dir} holds {data_dir / 'backups'}, which belongs to another user "
        f"({pwd.getpwuid(someone_else - 1).pw_name}): the app could not change it. It happens when the app was run "
        f"with sudo, or the folder was copied back with sudo. Make it yours again with `sudo chown -R "
        f"{pwd.getpwuid(someone_else).pw_name} {data_dir} && chmod -R u+rwX {data_dir}` (nothing in it is changed "
        "but its owner and modes), then start again.")


def test_the_command_that_gives_the_folder_back_names_a_user_without_a_name_by_number(tmp_path, monkeypatch):
    """A container's user id with no entry in /etc/passwd (and no USER set): getpass.getuser()
    raised, and the launch said "Unexpected error" instead of how to give the folder back."""
    data_dir = tmp_path / "Notes"
    (data_dir / "backups").mkdir(parents=True)
    nameless = 4_000_000
    monkeypatch.setattr(os, "getuid", lambda: nameless)
    monkeypatch.delenv("USER", raising=False)
    monkeypatch.delenv("LOGNAME", raising=False)
    monkeypatch.delenv("LNAME", raising=False)
    monkeypatch.delenv("USERNAME", raising=False)
    with pytest.raises(DataFolderError, match=f"sudo chown -R {nameless} {data_dir} "):
        prepare_data_dir(data_dir)
