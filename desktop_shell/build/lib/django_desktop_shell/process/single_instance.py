"""One running app per data folder.

The first launch holds a file lock, which the OS releases if the process dies, so a crash never
leaves a stale lock. It listens on a local channel that is not the HTTP server: a Unix socket
(mode 0600, in the 0700 data dir when the path is short enough) or, on Windows, a named pipe;
both authenticated with a per-install key. A later launch sends "show" there and exits.
"""

import hashlib
import logging
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from pathlib import Path

from filelock import FileLock, Timeout

from django_desktop_shell.files import write_file
from django_desktop_shell.identity import Identity
from django_desktop_shell.process.errors import StartupError

SHOW = "show"
MAX_UNIX_SOCKET_PATH = 100
logger = logging.getLogger(__name__)


def channel_address(data_dir: Path, slug: str) -> str:
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return rf"\\.\pipe\{slug}-{digest}"
    in_data_dir = str(data_dir / "instance.sock")
    if len(in_data_dir) <= MAX_UNIX_SOCKET_PATH:
        return in_data_dir
    return str(Path(tempfile.gettempdir()) / f"{slug}-{os.getuid()}-{digest}.sock")


class PrimaryInstance:
    """Held by the launch that owns the data dir; `on_show` is called when another launch asks."""

    def __init__(self, data_dir: Path, slug: str, lock: FileLock):
        self.lock = lock
        self.address = channel_address(data_dir, slug)
        self.on_show: Callable[[], None] = lambda: None
        key_file = data_dir / "instance.key"
        write_file(key_file, secrets.token_bytes(32))  # a later launch never reads half a key
        if sys.platform != "win32" and os.path.exists(self.address):
            os.unlink(self.address)  # left by a crashed launch; we hold the lock, so it is not in use
        self.listener = Listener(self.address, authkey=key_file.read_bytes())
        threading.Thread(target=self.serve, name="desktop-single-instance", daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                with self.listener.accept() as connection:
                    if connection.recv() == SHOW:
                        logger.info("Another launch asked this window to show itself")
                        self.on_show()
            except OSError:
                return  # the listener was closed: the app is quitting
            except Exception:
                logger.warning("Ignored a bad message on the single-instance channel", exc_info=True)

    def close(self) -> None:
        self.listener.close()
        self.lock.release()


def claim(data_dir: Path, identity: Identity) -> PrimaryInstance | None:
    """Become the primary instance, or tell the running one to show itself and return None."""
    lock = FileLock(data_dir / "instance.lock")
    try:
        lock.acquire(blocking=False)
    except Timeout:
        ask_running_instance_to_show(data_dir, identity)
        return None
    return PrimaryInstance(data_dir, identity.slug, lock)


def ask_running_instance_to_show(data_dir: Path, identity: Identity, timeout: float = 10.0) -> None:
    # The running instance may still be starting up: retry until its channel answers.
    deadline = time.monotonic() + timeout
    while True:
        try:
            authkey = (data_dir / "instance.key").read_bytes()
            with Client(channel_address(data_dir, identity.slug), authkey=authkey) as connection:
                connection.send(SHOW)
            return
        except (OSError, EOFError, AuthenticationError) as error:
            if time.monotonic() > deadline:
                raise StartupError(
                    f"{identity.name} is already running on {data_dir} but did not answer ({error}). Close it and try again."
                ) from None
            time.sleep(0.1)
