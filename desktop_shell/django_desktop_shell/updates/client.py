"""Check, download, verify and stage an update: python-tuf's ngclient on tufup's repository layout.

Why python-tuf here and not tufup's Client: importing tufup.client imports tufup.repo, which imports
setuptools (left out of every bundle) and the key-generation tools; its install step supports
Windows and macOS only and exits the process; its downloads go through a temporary file in the
system's temp folder, cannot resume, and its progress hook counts across downloads. So the
metadata refresh (root rotation, signatures, thresholds, expiry, rollback and freeze checks) is
python-tuf's Updater, and the target downloads are this module's own: resumable with HTTP Range,
never longer than the signed length, written to the data folder, and accepted only when their
length and hashes match the signed targets metadata. Both the metadata (through PacedFetcher)
and the targets are stopped when the server sends less than SLOWEST bytes a second: a byte now and
then trips no timeout. Patches are tufup's: bsdiff4 on the uncompressed tar, checked against the
size and hash tufup signs with each patch.
"""

import errno
import gzip
import hashlib
import logging
import os
import shutil
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import requests
import urllib3
from tuf.api import exceptions as tuf_exceptions
from tuf.ngclient.fetcher import FetcherInterface

from django_desktop_shell import user_key
from django_desktop_shell.files import write_file
from django_desktop_shell.updates import ARCHIVE_SUFFIX, PATCH_SUFFIX, TARGET_NAME, platform_tag, updates_dir

logger = logging.getLogger("django_desktop_shell.updates")
ROOT_SIGNATURE = "root.json.signature"  # beside tuf's root.json: this user's key's signature of it
CHUNK = 16 * 1024  # what a dropped connection can lose of a resumable download
TIMEOUT = (10, 30)  # seconds to connect, seconds between two reads
SLOWEST = 1_000  # bytes a second, over PACE_WINDOW_S: slower is a server that drips, left for the next try
PACE_WINDOW_S = 60
MAX_PATCH_RATIO = 0.8  # tufup's: a full download when the patches are nearly as big
NO_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


class UpdateRefused(Exception):
    """Something the update server sent failed verification: nothing was installed."""


class UpdateUnavailable(Exception):
    """The update could not be had now (no network, server gone, disk full): tried again later."""


class TooSlow(Exception):
    """The server sent less than SLOWEST bytes a second: a byte now and then never trips a read timeout."""


@dataclass
class Offer:
    version: str
    archive: object  # tuf TargetFile of the full archive
    patches: list  # TargetFiles of the patches from the installed version, oldest first; [] for the full archive

    @property
    def download_size(self) -> int:
        return sum(patch.length for patch in self.patches) if self.patches else self.archive.length


class Client:
    def __init__(self, *, update_url: str, data_dir: Path, trusted_root: Path, slug: str, current_version: str):
        self.base_url = f"{update_url.rstrip('/')}/{platform_tag()}"
        self.folder = updates_dir(data_dir)
        self.metadata_dir = self.folder / "metadata"
        self.targets_dir = self.folder / "targets"
        self.trusted_root = trusted_root
        self.slug = slug
        self.current_version = current_version
        self.updater = None
        self.session = None

    # -- metadata ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fetch and verify timestamp, snapshot, targets (and any new root) against the trusted root."""
        from tuf.api.serialization import DeserializationError
        from tuf.ngclient import Updater

        for folder in (self.metadata_dir, self.targets_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if not self.metadata_signed_here():
            if not self.trusted_root.exists():
                raise UpdateUnavailable(f"This build has no trusted root ({self.trusted_root.name}): it cannot verify updates.")
            for role in ("timestamp", "snapshot", "targets"):
                (self.metadata_dir / f"{role}.json").unlink(missing_ok=True)
            shutil.copyfile(self.trusted_root, self.metadata_dir / "root.json")
        self.session = requests.Session()
        try:
            self.updater = Updater(str(self.metadata_dir), f"{self.base_url}/metadata/", str(self.targets_dir),
                                   f"{self.base_url}/targets/", fetcher=PacedFetcher(self.session))
            self.updater.refresh()
        except tuf_exceptions.ExpiredMetadataError as error:
            raise UpdateRefused("The update information has expired, so it may be an old copy held back to keep this app "
                                f"from its fixes (a freeze attack); nothing was installed. ({error})") from None
        except tuf_exceptions.UnsignedMetadataError as error:
            raise UpdateRefused("The update information is not signed by this app's publisher (a wrong or missing "
                                f"signature); nothing was installed. ({error})") from None
        except tuf_exceptions.BadVersionNumberError as error:
            raise UpdateRefused("The update server offered older update information than this app has already seen "
                                f"(a rollback attack); nothing was installed. ({error})") from None
        except DeserializationError:
            # Not signed data at all: a Wi-Fi login page, or an update-url that points at a web site.
            raise UpdateUnavailable(f"{self.base_url}/metadata/ answered with something that is not update information "
                                    "(a web page: a network that asks to log in first, or the wrong address); "
                                    "it is tried again later.") from None
        except tuf_exceptions.RepositoryError as error:
            raise UpdateRefused(f"The update information failed verification; nothing was installed. ({error})") from None
        except tuf_exceptions.DownloadError as error:
            raise UpdateUnavailable(f"Could not fetch the update information ({error}); it is tried again later.") from None
        except OSError as error:
            raise unavailable(error, self.folder) from None
        finally:
            self.sign_metadata()  # what tuf wrote there it has verified, from the root above

    def metadata_signed_here(self) -> bool:
        """Whether the data folder's root metadata is what this user's updates left there (signed
        with the user's key, user_key.py). A data folder someone else made (a stick handed over)
        held a root of their own, and the app took their release, signed by their keys, from a
        server or mirror they could answer for, as an update of its publisher's."""
        try:
            return user_key.signed_by_user(self.slug, (self.metadata_dir / "root.json").read_bytes(),
                                           (self.metadata_dir / ROOT_SIGNATURE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            return False

    def sign_metadata(self) -> None:
        with suppress(OSError):
            write_file(self.metadata_dir / ROOT_SIGNATURE,
                       user_key.signature(self.slug, (self.metadata_dir / "root.json").read_bytes()).encode("ascii"))

    def targets(self) -> dict:
        """The signed targets (path -> TargetFile). python-tuf has no public listing (tufup reads it the same way)."""
        return dict(self.updater._trusted_set.targets.targets)

    def check(self, skip_versions=()) -> Offer | None:
        """Refresh, then the newest final release above the current version, with patches if they pay."""
        from packaging.version import InvalidVersion, Version

        self.refresh()
        current = Version(self.current_version)
        archives, patches = {}, {}
        for path, info in self.targets().items():
            match = TARGET_NAME.match(path)
            if not match or match["name"] != self.slug:
                continue
            try:
                version = Version(match["version"])
            except InvalidVersion:
                continue
            if version <= current or version.is_prerelease or match["version"] in skip_versions:
                continue
            (archives if match["suffix"] == ARCHIVE_SUFFIX else patches)[version] = info
        if not archives:
            return None
        newest = max(archives)
        chain = [patches[version] for version in sorted(patches) if version <= newest]
        versions_between = [version for version in sorted({*archives, *patches}) if version <= newest]
        use_patches = (
            chain and len(chain) == len(versions_between) and self.cached_current_archive() is not None
            and sum(patch.length for patch in chain) <= MAX_PATCH_RATIO * archives[newest].length
        )
        return Offer(str(newest), archives[newest], chain if use_patches else [])

    def cached_current_archive(self) -> Path | None:
        """The installed version's archive, kept from its own update (the signed .tar.gz, or the
        .tar its patch rebuilt): the patches apply to it. None unless it still verifies."""
        targets = self.targets()
        archive = self.targets_dir / f"{self.slug}-{self.current_version}{ARCHIVE_SUFFIX}"
        rebuilt = self.targets_dir / f"{self.slug}-{self.current_version}.tar"
        if archive.exists() and archive.name in targets:
            try:
                with archive.open("rb") as file:
                    targets[archive.name].verify_length_and_hashes(file)
                return archive
            except Exception:
                archive.unlink(missing_ok=True)
        patch = targets.get(f"{self.slug}-{self.current_version}{PATCH_SUFFIX}")
        if rebuilt.exists() and patch is not None:
            expected = tar_check(patch)
            if file_digest(rebuilt, expected["tar_hash_algorithm"]) == expected.get("tar_hash"):
                return rebuilt
            rebuilt.unlink(missing_ok=True)
        return None

    # -- downloads --------------------------------------------------------------------------------

    def download(self, offer: Offer, progress: Callable[[int, int], None] = lambda done, total: None) -> Path:
        """The verified archive of `offer` (a .tar.gz, or a patched .tar), in the data folder."""
        total = offer.download_size
        free = shutil.disk_usage(self.targets_dir).free
        if free < total:
            raise UpdateUnavailable(f"Not enough disk space to download the update ({total // 1_000_000 + 1} MB needed, "
                                    f"{free // 1_000_000} MB free in {self.targets_dir}); it is tried again later.")
        if not offer.patches:
            return self.fetch(offer.archive, lambda done: progress(done, total))
        done_before = 0
        patch_files = []
        for patch in offer.patches:
            patch_files.append(self.fetch(patch, lambda done, base=done_before: progress(base + done, total)))
            done_before += patch.length
        try:
            return self.apply_patches(offer, patch_files)
        except UpdateRefused:
            logger.warning("A patch did not rebuild the signed archive; the full archive is downloaded instead")
            return self.fetch(offer.archive, lambda done: progress(done, offer.archive.length))

    def fetch(self, info, progress: Callable[[int], None]) -> Path:
        """Download one target, resuming a partial download, and verify its length and hashes."""

        final = self.targets_dir / info.path
        if final.exists():
            try:
                with final.open("rb") as file:
                    info.verify_length_and_hashes(file)
                return final
            except tuf_exceptions.LengthOrHashMismatchError:
                final.unlink()
        part = final.with_name(final.name + ".part")
        have = part.stat().st_size if part.exists() else 0
        if have > info.length:
            part.unlink()
            have = 0
        url = f"{self.base_url}/targets/{info.path}"
        try:
            if have < info.length:
                have = self.fetch_into(part, url, have, info, progress)
        except (requests.RequestException, TooSlow) as error:
            why = "the server sent less than 1 kB a second" if isinstance(error, TooSlow) else type(error).__name__
            raise UpdateUnavailable(f"The download of {info.path} stopped ({why}) after {part_size(part)} of "
                                    f"{info.length} bytes; it resumes at the next check.") from None
        except OSError as error:
            part.unlink(missing_ok=True)
            raise unavailable(error, self.targets_dir) from None
        try:
            with part.open("rb") as file:
                info.verify_length_and_hashes(file)
        except tuf_exceptions.LengthOrHashMismatchError:
            part.unlink()
            raise UpdateRefused(f"The downloaded {info.path} does not match its signed hash: it was altered or damaged on "
                                "the way, so it was deleted and nothing was installed.") from None
        part.replace(final)
        return final

    def fetch_into(self, part: Path, url: str, have: int, info, progress) -> int:
        headers = {"Range": f"bytes={have}-"} if have else {}
        with self.session.get(url, headers=headers, stream=True, timeout=TIMEOUT) as response:
            if response.status_code == 416:  # nothing past what we have: the server's copy is short
                part.unlink(missing_ok=True)
                raise UpdateRefused(f"The server's {info.path} is shorter than its signed length ({info.length} bytes): "
                                    "a truncated file; nothing was installed.")
            if response.status_code not in (200, 206):
                raise UpdateUnavailable(f"The update server answered {response.status_code} for {info.path}; "
                                        "it is tried again later.")
            if response.status_code == 200:
                have = 0  # the server ignored the range: start again
            with part.open("ab" if have else "wb") as file:
                for chunk in paced(response):
                    if have + len(chunk) > info.length:
                        file.truncate(0)
                        raise UpdateRefused(f"The server sent more of {info.path} than its signed length "
                                            f"({info.length} bytes); nothing was installed.")
                    file.write(chunk)
                    have += len(chunk)
                    progress(have)
                file.flush()
                os.fsync(file.fileno())
        if have < info.length:
            # The server closed the answer cleanly, all of it sent: its copy is short.
            part.unlink(missing_ok=True)
            raise UpdateRefused(f"The server's {info.path} is {have} bytes, shorter than its signed length "
                                f"({info.length} bytes): a truncated download; nothing was installed.")
        return have

    def apply_patches(self, offer: Offer, patch_files: list[Path]) -> Path:
        """tufup's patch format: bsdiff4 on the uncompressed tars; the result must match the signed size and hash."""
        import bsdiff4

        source = self.cached_current_archive()
        if source is None:
            raise UpdateRefused("The installed version's archive is gone: no patch applies.")
        with (gzip.open(source, "rb") if source.name.endswith(ARCHIVE_SUFFIX) else source.open("rb")) as file:
            tar_bytes = file.read()
        for patch_file in patch_files:
            tar_bytes = bsdiff4.patch(tar_bytes, patch_file.read_bytes())
        expected = tar_check(offer.patches[-1])
        if len(tar_bytes) != expected.get("tar_size") or hashlib.new(expected["tar_hash_algorithm"], tar_bytes).hexdigest() != expected.get("tar_hash"):
            for patch_file in patch_files:
                patch_file.unlink(missing_ok=True)
            raise UpdateRefused("The patched archive does not match its signed size and hash; nothing was installed.")
        result = self.targets_dir / f"{self.slug}-{offer.version}.tar"
        try:
            result.write_bytes(tar_bytes)
        except OSError as error:
            result.unlink(missing_ok=True)
            raise unavailable(error, self.targets_dir) from None
        return result

    # -- staging ----------------------------------------------------------------------------------

    def stage(self, archive: Path, staging: Path, executable: str) -> Path:
        """Unpack the verified archive beside the install; the running app is not touched."""
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
            size = sum(member.size for member in members)
            free = shutil.disk_usage(staging.parent).free
            if free < size:
                raise UpdateUnavailable(f"Not enough disk space to unpack the update ({size // 1_000_000 + 1} MB needed, "
                                        f"{free // 1_000_000} MB free in {staging.parent}); it is tried again later.")
            shutil.rmtree(staging, ignore_errors=True)
            try:
                tar.extractall(staging, members=members, filter="data")  # no absolute paths, no links out, no devices
            except OSError as error:
                shutil.rmtree(staging, ignore_errors=True)
                raise unavailable(error, staging.parent, deleted="the partly unpacked update") from None
            except tarfile.TarError as error:
                shutil.rmtree(staging, ignore_errors=True)
                raise UpdateRefused(f"The update archive could not be unpacked ({error}); nothing was installed.") from None
        if not (staging / executable).is_file():
            shutil.rmtree(staging, ignore_errors=True)
            raise UpdateRefused(f"The update has no {executable}: it is not a build of this app for this platform.")
        return staging

    def forget_other_archives(self, keep: str) -> None:
        """Keep the new version's archive (the next patch applies to it) and nothing else."""
        kept = {f"{self.slug}-{keep}{ARCHIVE_SUFFIX}", f"{self.slug}-{keep}.tar"}
        for path in self.targets_dir.iterdir():
            if path.name not in kept:
                path.unlink(missing_ok=True)


def paced(response) -> Iterator[bytes]:
    """A streamed answer's body as it arrives, stopped with TooSlow when less than SLOWEST bytes a
    second came over the last PACE_WINDOW_S. read1 returns what has come: a read of a whole chunk
    would wait hours for a server that drips."""
    window_start, window_bytes = time.monotonic(), 0
    while True:
        try:
            chunk = response.raw.read1(CHUNK, decode_content=True)
        except urllib3.exceptions.HTTPError as error:  # what requests' iter_content would have turned into these
            raise requests.ConnectionError(error) from error
        if not chunk:
            return
        yield chunk
        window_bytes += len(chunk)
        elapsed = time.monotonic() - window_start
        if elapsed >= PACE_WINDOW_S:
            if window_bytes < SLOWEST * elapsed:
                raise TooSlow(f"{window_bytes} bytes in {elapsed:.0f} s")
            window_start, window_bytes = time.monotonic(), 0


class PacedFetcher(FetcherInterface):
    """python-tuf's fetcher for the metadata, on the client's session, with the targets' pace rule."""

    def __init__(self, session: requests.Session):
        self.session = session

    def _fetch(self, url: str) -> Iterator[bytes]:
        response = self.session.get(url, stream=True, timeout=TIMEOUT)
        if response.status_code != 200:
            response.close()
            raise tuf_exceptions.DownloadHTTPError(f"{response.status_code} for {url}", response.status_code)
        return self.chunks(response)

    @staticmethod
    def chunks(response: requests.Response) -> Iterator[bytes]:
        try:
            yield from paced(response)
        except TooSlow:
            raise tuf_exceptions.SlowRetrievalError("the server sent less than 1 kB a second") from None
        except requests.RequestException as error:
            raise tuf_exceptions.SlowRetrievalError(str(error)) from error
        finally:
            response.close()


def tar_check(patch) -> dict:
    """The size and hash tufup signs with a patch: those of the uncompressed tar it rebuilds."""
    expected = dict(patch.unrecognized_fields.get("custom", {}).get("tufup") or {})
    if expected.get("tar_hash_algorithm") not in hashlib.algorithms_guaranteed:
        expected["tar_hash_algorithm"] = "sha256"
    return expected


def file_digest(path: Path, algorithm: str) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, algorithm).hexdigest()


def part_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def unavailable(error: OSError, folder: Path, deleted: str = "the partial download") -> Exception:
    if error.errno in NO_SPACE:
        return UpdateUnavailable(f"The disk is full ({folder}): {deleted} was deleted and the app is unchanged; "
                                 "the update is tried again later, once there is room.")
    return UpdateUnavailable(f"Could not write the update in {folder}: {error.strerror or error}; it is tried again later.")

