"""The identity as the build scripts read it, so that no script parses TOML or names an app:

    python -m django_desktop_shell.packaging.identity PROJECT_DIR [--format sh|json|github]

sh: one assignment a line, to eval (assign the output first, so that a wrong table stops the
script); json: one line, for PowerShell's ConvertFrom-Json; github: name=value lines for
$GITHUB_OUTPUT.

windows_app_id, Inno Setup's AppId, is derived from the app-id. Windows ties every version's
install, upgrade and uninstall together by it, so once the app has shipped its app-id, and so
this GUID, must never change.
"""

import argparse
import json
import shlex
import sys
import uuid
from pathlib import Path

from packaging.version import InvalidVersion, Version

from django_desktop_shell.identity import Identity, IdentityError, load
from django_desktop_shell.packaging import spec_for
from django_desktop_shell.packaging.copyright import copyright_text
from django_desktop_shell.packaging.metainfo import metainfo
from django_desktop_shell.packaging.registration import desktop_exec_code, desktop_mime_types, inno_registry

WINDOWS_APP_ID_NAMESPACE = uuid.UUID("e60bb700-6e87-461e-8d66-96fa74212935")  # never change it
# Debian archive sections for freedesktop.org main categories: the first category that has one.
DEB_SECTIONS = {
    "AudioVideo": "video", "Audio": "sound", "Video": "video", "Development": "devel", "Education": "education",
    "Game": "games", "Graphics": "graphics", "Network": "net", "Office": "editors", "Science": "science",
    "Settings": "admin", "System": "admin", "Utility": "utils",
}


def debian_version(identity: Identity) -> str:
    """The version as dpkg and apt order it as Python does: a pre-release or development release
    sorts before its release with "~" (1.0rc1 is 1.0~rc1; 1.0.dev1, before 1.0a1, 1.0~~dev1), where
    dpkg put 1.0rc1 after 1.0, and would not upgrade the release candidate to the release."""
    try:
        version = Version(identity.version)
    except InvalidVersion:
        raise IdentityError(f"version {identity.version!r} in {identity.project_dir / 'pyproject.toml'} is not a Python "
                            "package version (PEP 440), such as 1.2.0 or 1.2.0rc1.") from None
    text = (f"{version.epoch}:" if version.epoch else "") + ".".join(map(str, version.release))
    if version.pre:
        text += f"~{version.pre[0]}{version.pre[1]}"
    if version.post is not None:
        text += f"+post{version.post}"
    if version.dev is not None:
        text += f"{'~' if version.pre or version.post is not None else '~~'}dev{version.dev}"
    return text + (f"+{version.local}" if version.local else "")


def build_values(identity: Identity) -> dict[str, str]:
    values = {
        "name": identity.name,
        "slug": identity.slug,
        "app_id": identity.app_id,
        "version": identity.version,
        "deb_version": debian_version(identity),
        "description": identity.description or identity.name,
        "categories": ";".join(identity.categories),
        "keywords": ";".join(identity.keywords),
        "icon": str(identity.project_dir / identity.icon) if identity.icon else "",
        "homepage": identity.homepage,
        # The .deb's Maintainer, which Debian needs with an address: a made-up one if the project gives none.
        "maintainer": identity.maintainer or f"{identity.name} maintainers <maintainers@{identity.slug}.invalid>",
        "windows_app_id": str(uuid.uuid5(WINDOWS_APP_ID_NAMESPACE, identity.app_id)).upper(),
        "deb_section": next((DEB_SECTIONS[name] for name in identity.categories if name in DEB_SECTIONS), "misc"),
        "spec": str(spec_for(identity.project_dir)),
        "mime_types": desktop_mime_types(identity),  # the desktop entry's MimeType=, file-types and url-schemes
        "exec_args": desktop_exec_code(identity),  # after Exec=SLUG: " %U" when the app opens files or links
    }
    multiline = [key for key, value in values.items() if "\n" in value]
    if multiline:
        raise IdentityError(f"{', '.join(multiline)} in {identity.project_dir / 'pyproject.toml'} must be one line.")
    return values


def render(values: dict[str, str], form: str) -> str:
    if form == "json":
        return json.dumps(values)
    quote = shlex.quote if form == "sh" else str
    return "\n".join(f"{key}={quote(value)}" for key, value in values.items())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m django_desktop_shell.packaging.identity",
                                     description="Print the app's identity for build scripts.")
    parser.add_argument("project_dir", type=Path)
    # inno-registry: Inno Setup [Registry] lines for the file-types and url-schemes (registration.py)
    # deb-copyright: the .deb's copyright file for the one-folder bundle at --bundle, installed at --installed-at
    # metainfo: the AppStream metainfo the .deb installs (metainfo.py)
    parser.add_argument("--format", choices=["sh", "json", "github", "inno-registry", "deb-copyright", "metainfo"],
                        default="sh")
    parser.add_argument("--bundle", type=Path)
    parser.add_argument("--installed-at", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.format == "deb-copyright" and not (arguments.bundle and arguments.installed_at):
        parser.error("--format deb-copyright needs --bundle and --installed-at")
    try:
        identity = load(arguments.project_dir.resolve())
        if arguments.format == "inno-registry":
            print(inno_registry(identity), end="")
        elif arguments.format == "metainfo":
            print(metainfo(identity), end="")
        elif arguments.format == "deb-copyright":
            print(copyright_text(identity, arguments.bundle, arguments.installed_at), end="")
        else:
            print(render(build_values(identity), arguments.format))
    except IdentityError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
