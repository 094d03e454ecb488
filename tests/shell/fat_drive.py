"""Runs a launcher as if every path under DRIVE were on a FAT or exFAT drive as Linux's vfat driver
answers: no POSIX modes (chmod refused), no hard links, no socket files. Each is refused with
EPERM, as vfat does (mounted without `quiet`).

    python tests/shell/fat_drive.py DRIVE LAUNCHER [ARGUMENT …]
"""

import errno
import os
import runpy
import socket
import sys


def main() -> None:
    drive = os.path.realpath(sys.argv[1])

    def refuse_on_drive(path) -> None:
        if os.path.realpath(os.fsdecode(path)).startswith(drive + os.sep):
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), os.fsdecode(path))

    chmod, link, bind = os.chmod, os.link, socket.socket.bind

    def chmod_on_fat(path, *args, **kwargs):
        refuse_on_drive(path)
        return chmod(path, *args, **kwargs)

    def link_on_fat(source, target, *args, **kwargs):
        refuse_on_drive(target)
        return link(source, target, *args, **kwargs)

    def bind_on_fat(self, address):
        if self.family == socket.AF_UNIX:
            refuse_on_drive(address)
        return bind(self, address)

    os.chmod, os.link, socket.socket.bind = chmod_on_fat, link_on_fat, bind_on_fat
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
