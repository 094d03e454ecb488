#!/usr/bin/env bash
# Builds the Django project in PROJECT (default: this repository) for macOS into DIST (default:
# dist/), every name from its [tool.desktop-shell] table: NAME.app (the spec writes its
# Info.plist, with the app-id as bundle id and the version, and its .icns), NAME-VERSION.dmg,
# and the one-file SLUG.
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
declare name slug version spec
identity=$("$python" -m django_desktop_shell.packaging.identity "$project" --format sh)
eval "$identity"
out=build/out/$slug
DESKTOP_SHELL_PROJECT=$project "$python" -m PyInstaller --clean --noconfirm --log-level WARN \
  --distpath "$dist" --workpath "$out/pyinstaller" "$spec"
app=$dist/$name.app
dmg=$dist/$name-$version.dmg

sign() {
  codesign --force --timestamp --options runtime --entitlements build/macos/entitlements.plist \
    --sign "$MACOS_SIGNING_IDENTITY" "$@"
}
if [[ -n "${MACOS_SIGNING_IDENTITY:-}" ]]; then
  sign --deep "$app"
  sign "$dist/$slug"
fi

# The disk image shows the app beside a link to /Applications, to drag it onto.
stage=$out/dmg
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "$name $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"

if [[ -n "${MACOS_SIGNING_IDENTITY:-}" ]]; then
  codesign --force --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$dmg"
  if [[ -n "${MACOS_NOTARY_PROFILE:-}" ]]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
  fi
fi
echo "Built $app, $dmg and $dist/$slug"
