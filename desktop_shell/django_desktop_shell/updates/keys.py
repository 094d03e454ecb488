"""The update signing keys, made once, and the trusted root the app ships.

    python -m django_desktop_shell.updates.keys PROJECT_DIR [--keystore DIR]

makes four ed25519 key pairs (root, targets, snapshot, timestamp; tufup's key files) in a keystore
OUTSIDE the project: $DESKTOP_SHELL_UPDATE_KEYS, else ~/.config/<slug>-update-keys (mode 0700). It
then writes PROJECT_DIR/update-root.json: version 1 of the root metadata, signed by the root key
and naming every role's public key. Commit that file (it holds no secret); the build bundles it and
the app trusts only what chains from it. Never commit the keystore: after the first release, move
its `root` private key offline (docs/updates.md).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import platformdirs

from django_desktop_shell.identity import UPDATE_ROOT_FILE, Identity, IdentityError, load

KEYSTORE_ENV = "DESKTOP_SHELL_UPDATE_KEYS"
ROLES = ("root", "targets", "snapshot", "timestamp")
# Days until each role's signature expires (tufup's defaults but for targets and snapshot, which a
# release re-signs anyway, and timestamp, which `release --refresh` re-signs: docs/updates.md).
EXPIRATION_DAYS = {"root": 365, "targets": 60, "snapshot": 60, "timestamp": 7}


class KeysError(Exception):
    """Said to the person running the command, in one sentence."""


def keystore_for(identity: Identity, given: str | Path | None = None) -> Path:
    chosen = given or os.environ.get(KEYSTORE_ENV)
    try:
        if chosen:
            return Path(chosen).expanduser().resolve()
        return Path(platformdirs.user_config_dir(f"{identity.slug}-update-keys", appauthor=False, roaming=True))
    except RuntimeError:  # a user with no home folder (a container's uid), for ~ or the default
        raise KeysError(f"This user has no home folder, where the keystore goes unless told: set ${KEYSTORE_ENV} "
                        "or --keystore to a folder named from the root (/…).") from None


def make_keys(project_dir: Path, keystore: str | Path | None = None, root_days: int = EXPIRATION_DAYS["root"]) -> tuple[Path, Path]:
    """Create the keystore and the project's trusted root; return both paths."""
    from securesystemslib.interface import generate_and_write_unencrypted_ed25519_keypair

    project_dir = project_dir.resolve()
    identity = load(project_dir)
    keystore = keystore_for(identity, keystore)
    if keystore.is_relative_to(project_dir) or project_dir.is_relative_to(keystore):
        raise KeysError(f"The keystore {keystore} is inside the project {project_dir}: keep signing keys out of the "
                        f"repository (set {KEYSTORE_ENV} or --keystore to a folder elsewhere).")
    if any((keystore / role).exists() or (keystore / f"{role}.pub").exists() for role in ROLES):
        raise KeysError(f"{keystore} already holds update keys: keys are made once. To replace one, see "
                        "'Key rotation' in docs/updates.md.")
    root_file = project_dir / UPDATE_ROOT_FILE
    if root_file.exists():
        raise KeysError(f"{root_file} exists already: it is the root the installed apps trust. Keys are made once.")
    keystore.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(keystore, 0o700)
    old_umask = os.umask(0o077)
    try:
        for role in ROLES:
            generate_and_write_unencrypted_ed25519_keypair(filepath=str(keystore / role))
    finally:
        os.umask(old_umask)
    root_file.write_bytes(signed_root(keystore, root_days))
    return keystore, root_file


def signed_root(keystore: Path, root_days: int) -> bytes:
    """Version 1 of the root metadata, as tufup's repository tools make it, signed by the root key."""
    from tufup.repo import DEFAULT_EXPIRATION_DAYS, Keys, Roles

    keys = Keys(dir_path=keystore)
    with tempfile.TemporaryDirectory() as folder:
        roles = Roles(dir_path=folder)
        roles.initialize(keys=keys, expiration_days={**DEFAULT_EXPIRATION_DAYS, **EXPIRATION_DAYS, "root": root_days})
        roles.sign_role("root", keystore / "root")
        roles.persist_role("root")
        return (Path(folder) / "root.json").read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m django_desktop_shell.updates.keys", description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="the project folder (with pyproject.toml)")
    parser.add_argument("--keystore", help=f"where the private keys go (default: ${KEYSTORE_ENV}, else ~/.config/<slug>-update-keys)")
    parser.add_argument("--root-days", type=int, default=EXPIRATION_DAYS["root"], help="days until the root signature expires")
    args = parser.parse_args(argv)
    try:
        keystore, root_file = make_keys(args.project, args.keystore, args.root_days)
    except (KeysError, IdentityError) as error:
        print(f"keys: {error}", file=sys.stderr)
        return 1
    print(f"Signing keys written to {keystore} (keep this folder private and backed up; never commit it).")
    print(f"Trusted root written to {root_file}: commit it, and set update-url in [tool.desktop-shell].")
    print("After the first release, move the 'root' private key offline: docs/updates.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
