"""The single-instance claim (process/single_instance.py): the first launch on a data folder holds
it, a later one hands over to it."""

import os
import stat

from django_desktop_shell import files
from django_desktop_shell.identity import load
from django_desktop_shell.process import single_instance
from django_desktop_shell.process.open_requests import SHOW
from tests.conftest import ROOT

IDENTITY = load(ROOT)


def test_the_launch_s_key_is_written_whole_for_its_owner_only_without_waiting_for_the_disk(tmp_path, monkeypatch):
    """The key is this launch's alone, made anew at each: after a power cut no launch runs to use it,
    so waiting for the disk to hold it (two fsyncs, 10-25 ms before the window under load) bought
    nothing."""
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(files.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    instance = single_instance.claim(data_dir, IDENTITY)
    try:
        key = data_dir / "instance.key"
        assert len(key.read_bytes()) == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600
        assert not [path for path in data_dir.iterdir() if path.name.startswith(files.TEMPORARY_PREFIX)]
        assert synced == []
        assert single_instance.claim(data_dir, IDENTITY, [SHOW]) == single_instance.RunningInstance()
    finally:
        instance.close()
