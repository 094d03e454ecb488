#!/usr/bin/env bash
# Builds the Django project in PROJECT (default: this repository) for macOS into DIST (default:
# dist/), with the shell's own packaging (django_desktop_shell/packaging/installers/macos.sh),
# every name from its [tool.desktop-shell] table: NAME.app (the spec writes its Info.plist, with
# the app-id as bundle id and the version, and its .icns), NAME-VERSION.dmg, and the one-file SLUG.
# Usage: build/macos/build.sh [DIST [PROJECT]]   (PYTHON: a Python 3.11 to make .venv with; default python3.11)
# Signing: with MACOS_SIGNING_IDENTITY (a "Developer ID Application" identity in the keychain)
# the app and the disk image are signed; with MACOS_NOTARY_PROFILE too (a notarytool keychain
# profile), the disk image is notarized and stapled.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "${1:-$root/dist}"
dist=$(cd "${1:-$root/dist}" && pwd)
project=$(cd "${2:-$root}" && pwd)
cd "$root"

python=.venv/bin/python
[[ -x $python ]] || "${PYTHON:-python3.11}" -m venv .venv
"$python" -m pip install --quiet --config-settings editable_mode=compat -e "./desktop_shell[updates]" -e ".[package]"
"$python" -m django_desktop_shell.packaging "$project" "$dist" --installers
