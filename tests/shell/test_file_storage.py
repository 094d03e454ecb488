"""Uploaded files the site saves through Django's storage, in the data folder."""

import os
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile

from django_desktop_shell.storage import WholeFileSystemStorage
from tests.reliability.conftest import mounts  # noqa: F401 (the fixture)

SAVE_ON_A_FULL_DISK = """
from pathlib import Path
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile

spooled = TemporaryUploadedFile("spooled.bin", "application/octet-stream", 0, None)  # where Django spools an upload
spooled.write(b"x" * 8_000_000)
spooled.flush()
for name, content in (("uploads/streamed.bin", ContentFile(b"x" * 8_000_000)), ("uploads/spooled.bin", spooled)):
    try:
        default_storage.save(name, content)
    except OSError as error:
        print(name, "refused:", error.strerror)
print(sorted(path.name for path in Path(default_storage.path("uploads")).iterdir()))
"""


def test_an_upload_the_disk_cannot_hold_leaves_no_part_of_it(polls_copy, tmp_path, app_env, mounts):  # noqa: F811
    """A 600 MB upload to a data folder with 400 MB free answered "The disk that holds your data is
    full, so nothing was saved", and left 400 MB of it in media/uploads/ (Django's storage does not
    remove what it had written): the disk stayed full, and no page named the file."""
    disk = mounts("-t", "tmpfs", "-o", "size=4m", "tmpfs", at=tmp_path / "disk")
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(disk / "Polls"), "manage",
                             "shell", "--no-imports", "-c", SAVE_ON_A_FULL_DISK],
                            capture_output=True, text=True, env=app_env, timeout=60)
    used = os.statvfs(disk)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["uploads/streamed.bin refused: No space left on device",
                                          "uploads/spooled.bin refused: No space left on device", "[]"]
    assert (used.f_blocks - used.f_bfree) * used.f_frsize < 1_000_000


def test_a_save_that_fails_before_writing_still_says_why(tmp_path):
    """Nothing of the file was written: the error is the save's own, not one of the clean-up's."""
    (tmp_path / "uploads").write_text("a file where the folder would be")
    with pytest.raises(FileExistsError, match="uploads exists and is not a directory"):
        WholeFileSystemStorage(location=tmp_path).save("uploads/photo.jpg", ContentFile(b"a photo"))
