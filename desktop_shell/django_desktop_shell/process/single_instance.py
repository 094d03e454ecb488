"""One running app per data folder.

The first launch holds a file lock, which the OS releases if the process dies, so a crash never
leaves a stale lock. It listens on a local channel that is not the HTTP server: a Unix socket
(mode 0600, in the 0700 data dir when the path is short enough and its file system holds
sockets, else in a folder of the user's own: the session's runtime folder, or one in their cache
folder) or, on Windows, a named pipe;
both authenticated with a per-install key (multiprocessing's HMAC challenge, both ways). A later
launch sends its messages there and exits: typed JSON objects (process/open_requests.py), "show"
or the files and links it was given; anything else is logged and ignored. (A launch of an older
version sends the pickled string "show", which is still understood.) The running launch answers
each message with what it is (RunningInstance), so that the later one tells the person the truth;
a launch of an older version answers nothing, and has a window.
"""

import hashlib
import json
import logging
import os
import secrets
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import platformdirs
from filelock import FileLock, Timeout

from django_desktop_shell.files import write_file
from django_desktop_shell.identity import Identity
from django_desktop_shell.process.errors import StartupError
from django_desktop_shell.process.open_requests import SHOW, valid_message

LEGACY_SHOW = bytes(ForkingPickler.dumps("show"))
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_UNIX_SOCKET_PATH = 100
ANSWER_TIMEOUT = 5.0
logger = logging.getLogger(__name__)


def channel_address(data_dir: Path, slug: str) -> str:
    return next(channel_addresses(data_dir, slug))


def channel_addresses(data_dir: Path, slug: str) -> Iterator[str]:
    """Where the channel may be, first choice first: the data folder, unless its path is too long
    for a socket or its file system cannot hold one (FAT, exFAT: a USB stick), then a folder of
    the user's own."""
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        yield rf"\\.\pipe\{slug}-{digest}"
        return
    in_data_dir = str(data_dir / "instance.sock")
    if len(os.fsencode(in_data_dir)) <= MAX_UNIX_SOCKET_PATH:  # bytes: 日本 is two characters, six bytes
        yield in_data_dir
    yield str(private_folder(data_dir, slug) / f"{slug}-{digest}.sock")


def private_folder(data_dir: Path, slug: str) -> Path:
    """A folder for the channel of a data folder whose path is too long for a socket: the session's
    XDG_RUNTIME_DIR, or one of this user's own in their cache folder (~/.cache/<slug>). Not in the
    temporary folder, where every user may write: another user who made a directory at the
    channel's name there (`/tmp/<slug>-<uid>`, which anyone can predict) kept the app from
    starting, and the person could not remove it."""
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime_dir):
        folder = Path(runtime_dir)
    else:
        try:
            folder = Path(platformdirs.user_cache_dir()) / slug
        except RuntimeError:  # no HOME, and no home in the password database (paths.default_data_dir)
            raise StartupError(
                f"The data folder {data_dir} has a path too long for the app's single-instance channel, and this user "
                "has neither a session runtime folder (XDG_RUNTIME_DIR) nor a home folder to keep the channel in: use "
                "a data folder with a shorter path.") from None
        with suppress(FileExistsError):
            folder.mkdir(mode=0o700, parents=True)
    try:
        status = folder.lstat()
    except OSError as error:
        raise StartupError(f"Cannot use {folder} for the app's single-instance channel: {error.strerror}.") from None
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o077:
        raise StartupError(
            f"{folder}, where the app keeps its single-instance channel, is not a folder of this user's alone (not a "
            "symbolic link, mode 0700): another user may have made it. Remove it, or use a data folder with a "
            "shorter path."
        )
    return folder


@dataclass(frozen=True)
class RunningInstance:
    """What the launch that owns the data folder says it is. `mode` is a cli.MODES; `port` is 0
    until its server is bound; `launch_url` (headless only, once it is serving) opens a session."""

    mode: str = "window"
    port: int = 0
    launch_url: str = ""


class PrimaryInstance:
    """Held by the launch that owns the data dir; `on_message` gets each valid message another
    launch sends (a dict: open_requests.py); `running_as` is what it answers."""

    def __init__(self, data_dir: Path, slug: str, lock: FileLock):
        self.lock = lock
        self.on_message: Callable[[dict], None] = lambda message: None
        self.running_as = RunningInstance()
        key_file = data_dir / "instance.key"
        # A later launch never reads half a key; a key no launch uses after a power cut need not wait for the disk.
        write_file(key_file, secrets.token_bytes(32), synced=False)
        self.listener = listen(data_dir, slug, key_file.read_bytes())
        threading.Thread(target=self.serve, name="desktop-single-instance", daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                with self.listener.accept() as connection:
                    message = decode(connection.recv_bytes(MAX_MESSAGE_BYTES))
                    if message is None:
                        logger.warning("Ignored a message of an unknown form on the single-instance channel")
                        continue
                    with suppress(OSError):  # a launch of an older version hangs up without reading it
                        connection.send_bytes(json.dumps(asdict(self.running_as)).encode("utf-8"))
                    if message["type"] == "show":
                        logger.info("Another launch asked this window to show itself")
                    else:
                        logger.info("Another launch sent: %s", message["type"])
                    self.on_message(message)
            except OSError:
                return  # the listener was closed: the app is quitting
            except Exception:
                logger.warning("Ignored a bad message on the single-instance channel", exc_info=True)

    def stop_listening(self) -> None:
        """The app is quitting: a later launch no longer hands over to it (its window is gone, and
        "brought to the front" would show nothing), but waits for the lock and starts."""
        self.listener.close()

    def close(self) -> None:
        self.stop_listening()
        self.lock.release()


def listen(data_dir: Path, slug: str, authkey: bytes) -> Listener:
    for address in channel_addresses(data_dir, slug):
        if sys.platform != "win32":
            with suppress(FileNotFoundError):
                os.unlink(address)  # left by a crashed launch; we hold the lock, so it is not in use
        try:
            return Listener(address, authkey=authkey)
        except OSError:
            if sys.platform == "win32" or address != str(data_dir / "instance.sock"):
                raise
            with suppress(OSError):
                os.unlink(address)  # exFAT leaves a plain file where the socket could not be


def connect(data_dir: Path, slug: str, authkey: bytes):
    """A connection to the running launch's channel, wherever it could make it."""
    error = None
    for address in channel_addresses(data_dir, slug):
        try:
            return Client(address, authkey=authkey)
        except (FileNotFoundError, ConnectionRefusedError) as refused:
            error = refused
    raise error


def decode(data: bytes) -> dict | None:
    if data == LEGACY_SHOW:
        return SHOW
    try:
        return valid_message(json.loads(data.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def held(data_dir: Path) -> bool:
    """Whether a launch holds the data folder now (its lock); asking makes no lock file."""
    lock_file = data_dir / "instance.lock"
    if not lock_file.exists():  # a launch makes it
        return False
    lock = FileLock(lock_file)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        return True
    lock.release()
    return False


def claim(data_dir: Path, identity: Identity, messages: list[dict] = (),
          timeout: float = 10.0) -> PrimaryInstance | RunningInstance:
    """Become the primary instance, or send the running one `messages` (or "show") and return what
    it says it is. The running one may be starting (its channel not open yet) or quitting (its
    channel closed, its lock still held while it stops): retry until it answers or has let go."""
    lock = FileLock(data_dir / "instance.lock")
    unsent = list(messages) or [SHOW]
    deadline = time.monotonic() + timeout
    while True:
        try:
            lock.acquire(blocking=False)
            return PrimaryInstance(data_dir, identity.slug, lock)
        except Timeout:
            pass
        try:
            return send_to_running_instance(data_dir, identity, unsent)
        except (OSError, EOFError, AuthenticationError) as error:
            if time.monotonic() > deadline:
                raise StartupError(
                    f"{identity.name} is already running on {data_dir} but did not answer ({error}). Close it and try again."
                ) from None
            time.sleep(0.1)


def send_to_running_instance(data_dir: Path, identity: Identity, unsent: list[dict]) -> RunningInstance:
    """Send each message on a connection of its own, taking it off `unsent` once sent, so that a
    retry sends only the rest; raises what keeps the channel from taking them."""
    running = RunningInstance()
    authkey = (data_dir / "instance.key").read_bytes()
    while unsent:
        with connect(data_dir, identity.slug, authkey) as connection:
            connection.send_bytes(json.dumps(unsent[0]).encode("utf-8"))
            running = read_answer(connection)
        del unsent[0]
    return running


def read_answer(connection) -> RunningInstance:
    """What the running instance says it is: a launch of an older version hangs up without a word,
    and has a window."""
    try:
        if not connection.poll(ANSWER_TIMEOUT):
            return RunningInstance()
        answer = json.loads(connection.recv_bytes(MAX_MESSAGE_BYTES).decode("utf-8"))
        return RunningInstance(mode=str(answer["mode"]), port=int(answer["port"]), launch_url=str(answer["launch_url"]))
    except (EOFError, OSError, ValueError, TypeError, KeyError):
        return RunningInstance()
