"""The update repository, written from a build beside the installers.

    python -m django_desktop_shell.updates.release PROJECT_DIR DIST_DIR [--keystore DIR] [--repository DIR]
    python -m django_desktop_shell.updates.release --refresh PROJECT_DIR DIST_DIR   # re-sign before expiry
    python -m django_desktop_shell.updates.release --yank VERSION PROJECT_DIR DIST_DIR   # withdraw a bad release

adds this build's one-folder bundle (DIST_DIR/<slug>-dir, or <Name>.app on macOS) to the repository
DIST_DIR/<slug>-updates/<platform>/ as tufup lays it out: metadata/ (root, targets, snapshot,
timestamp, signed with the keystore's keys) and targets/ (<slug>-<version>.tar.gz, and
<slug>-<version>.patch, a bsdiff of the previous version's archive, when the repository holds one).
Upload the whole <slug>-updates/ folder to the update-url; keep it for the next release, whose
patch is made from it. The root key is needed only for the first release (docs/updates.md).
"""

import argparse
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from django_desktop_shell.identity import UPDATE_ROOT_FILE, Identity, IdentityError, load
from django_desktop_shell.updates import ARCHIVE_SUFFIX, PATCH_SUFFIX, TARGET_NAME, platform_tag
from django_desktop_shell.updates.keys import EXPIRATION_DAYS, ROLES, KeysError, keystore_for


YANKED_DIR = "yanked"  # beside metadata/ and targets/: what a yank took out of the signed targets


class ReleaseError(Exception):
    """Said to the person running the command."""


def repository_for(identity: Identity, dist_dir: Path) -> Path:
    return dist_dir / f"{identity.slug}-updates"


def bundle_in(identity: Identity, dist_dir: Path) -> Path:
    return dist_dir / (f"{identity.name}.app" if sys.platform == "darwin" else f"{identity.slug}-dir")


def release(project_dir: Path, dist_dir: Path, *, keystore=None, repository: Path | None = None, bundle: Path | None = None,
            version: str | None = None, expiration_days: dict | None = None, skip_patch: bool = False) -> Path:
    """Add the bundle as `version` (default: the project's) and sign; return the platform's repository."""
    from packaging.version import InvalidVersion, Version

    identity = load(project_dir.resolve())
    version = version or identity.version
    try:
        Version(version)
    except InvalidVersion:
        raise ReleaseError(f"{version!r} is not a version the updater can compare (PEP 440, such as 1.2.0).") from None
    bundle = (bundle or bundle_in(identity, dist_dir)).resolve()
    if not bundle.is_dir():
        raise ReleaseError(f"{bundle} is missing: build the app first (python -m django_desktop_shell.packaging).")
    platform_repo = open_repository(identity, repository or repository_for(identity, dist_dir))
    archive = platform_repo / "targets" / f"{identity.slug}-{version}.tar.gz"
    if archive.exists():
        raise ReleaseError(f"{archive.name} is already in {platform_repo}: each version is released once.")
    if (platform_repo / YANKED_DIR / archive.name).exists():
        raise ReleaseError(f"{version} was yanked: the desktops that took it keep it, so the fix is released as a newer version.")
    with tufup_repository(identity, platform_repo, keystore, expiration_days) as (repo, keys):
        out = yanked_versions(identity, platform_repo)
        newest = repo.roles.get_latest_archive()
        if newest is not None:
            out.append(newest.version)
        latest = max(out, default=None)
        if latest is not None and latest >= Version(version):
            raise ReleaseError(f"{latest} is out (desktops have it, and never install an older version): "
                               f"a release must be newer than {latest}.")
        repo.add_bundle(new_bundle_dir=bundle, new_version=version, skip_patch=skip_patch)
        repo.publish_changes(private_key_dirs=[keys])
    return platform_repo


def yank(project_dir: Path, dist_dir: Path, version: str, *, keystore=None, repository: Path | None = None) -> list[Path]:
    """Withdraw a released version from every platform's repository that has it: its archive and
    patch leave the signed targets (no desktop is offered it from then on, and one that downloaded
    it drops it at its next check), and move to <platform>/yanked/, which keeps that version number
    from being released again. Returns the platform repositories it left."""
    identity = load(project_dir.resolve())
    here = open_repository(identity, repository or repository_for(identity, dist_dir))
    platforms = sorted({here, *(targets.parent.parent for targets in here.parent.glob("*/metadata/targets.json"))})
    left = [platform_repo for platform_repo in platforms if yank_from(identity, platform_repo, version, keystore)]
    if not left:
        raise ReleaseError(f"{version} is not in the signed targets of {', '.join(map(str, platforms))}.")
    return left


def yank_from(identity: Identity, platform_repo: Path, version: str, keystore) -> bool:
    files = [platform_repo / "targets" / f"{identity.slug}-{version}{suffix}" for suffix in (ARCHIVE_SUFFIX, PATCH_SUFFIX)]
    with tufup_repository(identity, platform_repo, keystore, None) as (repo, keys):
        signed = repo.roles.targets.signed.targets
        if files[0].name not in signed:
            return False
        (platform_repo / YANKED_DIR).mkdir(exist_ok=True)
        for file in files:
            if file.name in signed:
                shutil.copyfile(file, platform_repo / YANKED_DIR / file.name)
                repo.roles.remove_target(file)
        repo.publish_changes(private_key_dirs=[keys])
    return True


def yanked_versions(identity: Identity, platform_repo: Path) -> list:
    from packaging.version import Version

    folder = platform_repo / YANKED_DIR
    names = os.listdir(folder) if folder.is_dir() else []
    return [Version(match["version"]) for match in map(TARGET_NAME.match, names)
            if match and match["name"] == identity.slug and match["suffix"] == ARCHIVE_SUFFIX]


def refresh(project_dir: Path, dist_dir: Path, *, keystore=None, repository: Path | None = None,
            expiration_days: dict | None = None, root: bool = False) -> Path:
    """Re-sign targets, snapshot and timestamp with fresh expiry dates (no new version); with
    `root`, the root too (a new root version: the root key must be brought back for it)."""
    identity = load(project_dir.resolve())
    platform_repo = open_repository(identity, repository or repository_for(identity, dist_dir))
    with tufup_repository(identity, platform_repo, keystore, expiration_days, need_root=root) as (repo, keys):
        for role in (("root",) if root else ()) + ("targets", "snapshot", "timestamp"):
            repo.refresh_expiration_date(role)
        repo.publish_changes(private_key_dirs=[keys])
    if root:
        keep_newest_root(identity, platform_repo, keystore)
    return platform_repo


def rotate_key(project_dir: Path, dist_dir: Path, role: str, *, keystore=None, repository: Path | None = None) -> Path:
    """Replace one role's key (a lost or exposed key, or a routine change): a new key pair, a new root
    version naming it, signed by the old and the new root keys so that installed apps follow. The
    old private key is kept as <role>.retired-<time> in the keystore; delete it once the release is out."""
    from securesystemslib.interface import generate_and_write_unencrypted_ed25519_keypair

    if role not in ROLES:
        raise ReleaseError(f"{role!r} is not a role: one of {', '.join(ROLES)}.")
    identity = load(project_dir.resolve())
    platform_repo = open_repository(identity, repository or repository_for(identity, dist_dir))
    keys = keystore_for(identity, keystore)
    staged = keys / f"{role}-next"
    old_umask = os.umask(0o077)
    try:
        if not staged.exists():
            generate_and_write_unencrypted_ed25519_keypair(filepath=str(staged))
    finally:
        os.umask(old_umask)
    with tufup_repository(identity, platform_repo, keys, None, need_root=True) as (repo, _keys):
        repo.replace_key(old_key_name=role, new_public_key_path=keys / f"{role}-next.pub", new_private_key_encrypted=False)
        repo.refresh_expiration_date("root")
        repo.publish_changes(private_key_dirs=[keys])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for suffix in ("", ".pub"):
        (keys / f"{role}{suffix}").replace(keys / f"{role}.retired-{stamp}{suffix}")
        (keys / f"{role}-next{suffix}").replace(keys / f"{role}{suffix}")
    keep_newest_root(identity, platform_repo, keys)
    return platform_repo


def keep_newest_root(identity: Identity, platform_repo: Path, keystore) -> None:
    """New builds ship the newest root; installed apps reach it through the numbered roots. The root
    is every platform's: the other platforms' repositories beside this one get the new numbered
    roots, and their metadata re-signed with the keys the new root names (else every command
    refused them, as older than the project's root, and their desktops had no update again)."""
    metadata = platform_repo / "metadata"
    shutil.copyfile(metadata / "root.json", identity.project_dir / UPDATE_ROOT_FILE)
    newest = json.loads((metadata / "root.json").read_text(encoding="utf-8"))["signed"]["version"]
    for other in sorted(platform_repo.parent.glob("*/metadata/root.json")):
        other_metadata = other.parent
        if other_metadata == metadata:
            continue
        published = json.loads(other.read_text(encoding="utf-8"))["signed"]["version"]
        if published >= newest:
            continue
        for version in range(published + 1, newest + 1):
            shutil.copyfile(metadata / f"{version}.root.json", other_metadata / f"{version}.root.json")
        shutil.copyfile(metadata / "root.json", other)
        with tufup_repository(identity, other_metadata.parent, keystore, None) as (repo, keys):
            repo.roles.targets.signed.version += 1  # a change, so tufup signs it (and snapshot and timestamp) again
            repo.publish_changes(private_key_dirs=[keys])


def open_repository(identity: Identity, repository: Path) -> Path:
    """The platform's folder, seeded with the project's trusted root on the first release."""
    if not identity.update_url:
        raise ReleaseError(f"[tool.desktop-shell] in {identity.project_dir / 'pyproject.toml'} has no update-url: the app "
                           "would never look for this repository. Set it to where you will upload it.")
    trusted = identity.project_dir / UPDATE_ROOT_FILE
    if not trusted.exists():
        raise ReleaseError(f"{trusted} is missing: run `python -m django_desktop_shell.updates.keys {identity.project_dir}` once.")
    platform_repo = repository.resolve() / platform_tag()
    metadata = platform_repo / "metadata"
    for folder in (metadata, platform_repo / "targets"):
        folder.mkdir(parents=True, exist_ok=True)
    trusted_version = json.loads(trusted.read_text(encoding="utf-8"))["signed"]["version"]
    if not (metadata / "root.json").exists():
        shutil.copyfile(trusted, metadata / f"{trusted_version}.root.json")
        shutil.copyfile(trusted, metadata / "root.json")
    else:
        published = json.loads((metadata / "root.json").read_text(encoding="utf-8"))["signed"]["version"]
        if published < trusted_version:
            raise ReleaseError(f"{metadata / 'root.json'} is version {published}, older than the project's {UPDATE_ROOT_FILE} "
                               f"(version {trusted_version}): this repository is not the one the app trusts.")
    return platform_repo


@contextlib.contextmanager
def tufup_repository(identity: Identity, platform_repo: Path, keystore, expiration_days: dict | None, need_root: bool = False):
    """tufup's Repository on this folder and keystore. It keeps a config file in the working
    folder and would ask on stdin for a missing folder: it runs in a scratch folder, on folders
    that exist."""
    from tufup.repo import DEFAULT_EXPIRATION_DAYS, Repository

    keys = keystore_for(identity, keystore)
    missing = [role for role in (ROLES if need_root else ROLES[1:]) if not (keys / role).exists()]
    if missing == ["root"] and (keys / "root.pub").exists():
        raise ReleaseError(f"The keystore {keys} lacks the root private key, kept offline after the first release: "
                           "copy it back into the keystore for this command, and offline again after.")
    if missing or not (keys / "root.pub").exists():
        raise ReleaseError(f"The keystore {keys} lacks the {', '.join(missing) or 'root.pub'} key: "
                           "make keys once with `make keys`, or point --keystore or $DESKTOP_SHELL_UPDATE_KEYS at it.")
    days = {**DEFAULT_EXPIRATION_DAYS, **EXPIRATION_DAYS, **(expiration_days or {})}
    tufup_log = logging.getLogger("tufup")
    level = tufup_log.level
    tufup_log.setLevel(logging.ERROR)  # not its warnings about its config file, which lives in the scratch folder
    try:
        with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
            repo = Repository(app_name=identity.slug, repo_dir=platform_repo, keys_dir=keys, expiration_days=days)
            repo._load_keys_and_roles(create_keys=False)  # tufup's public initialize() would make missing keys
            yield repo, keys
    finally:
        tufup_log.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m django_desktop_shell.updates.release", description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("dist", type=Path)
    parser.add_argument("--keystore", help="the signing keys (default: $DESKTOP_SHELL_UPDATE_KEYS, else ~/.config/<slug>-update-keys)")
    parser.add_argument("--repository", type=Path, help="the update repository (default: DIST/<slug>-updates)")
    parser.add_argument("--no-patch", action="store_true", help="publish the full archive only")
    parser.add_argument("--refresh", action="store_true", help="only re-sign the metadata with fresh expiry dates")
    parser.add_argument("--root", action="store_true", help="with --refresh: re-sign the root too (needs the root key)")
    parser.add_argument("--rotate", choices=ROLES, help="replace this role's key (needs the root key)")
    parser.add_argument("--yank", metavar="VERSION", help="withdraw a released version: no desktop is offered it any more")
    args = parser.parse_args(argv)
    try:
        if args.rotate:
            where = rotate_key(args.project, args.dist, args.rotate, keystore=args.keystore, repository=args.repository)
            print(f"The {args.rotate} key was replaced: {where / 'metadata'} has a new root; upload it, and commit "
                  f"the project's {UPDATE_ROOT_FILE}.")
        elif args.yank:
            left = yank(args.project, args.dist, args.yank, keystore=args.keystore, repository=args.repository)
            print(f"{args.yank} was withdrawn from {', '.join(str(where / 'metadata') for where in left)}: upload it. "
                  "Desktops that installed it keep it until you release a newer version (docs/updates.md, 'A bad release').")
        elif args.refresh:
            where = refresh(args.project, args.dist, keystore=args.keystore, repository=args.repository, root=args.root)
            print(f"Re-signed {where / 'metadata'}: upload it.")
        else:
            where = release(args.project, args.dist, keystore=args.keystore, repository=args.repository, skip_patch=args.no_patch)
            print(f"Update repository: {where} ({', '.join(sorted(path.name for path in (where / 'targets').iterdir()))}). "
                  f"Upload {where.parent} to the update-url.")
    except (ReleaseError, KeysError, IdentityError) as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
