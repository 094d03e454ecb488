#!/usr/bin/env bash
# Builds Notedesk for macOS into dist/: Notedesk.app (app.spec writes its Info.plist, with the
# version from pyproject.toml, and its .icns), Notedesk-VERSION.dmg, and the one-file notedesk.
# Usage: build/macos/build.sh   (PYTHON: a Python 3.11 to make .venv with; default python3.11)
# Signing: with MACOS_SIGNING_IDENTITY (a "Developer ID Application" identity in the keychain)
# the app and the disk image are signed; with MACOS_NOTARY_PROFILE too (a notarytool keychain
# profile), the disk image is notarized and stapled.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

[[ -x .venv/bin/python ]] || "${PYTHON:-python3.11}" -m venv .venv
.venv/bin/python -m pip install --quiet -e ".[package]"
.venv/bin/python -m PyInstaller --clean --noconfirm --log-level WARN \
  --distpath dist --workpath build/out/pyinstaller app.spec
version=$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
app=dist/Notedesk.app
dmg=dist/Notedesk-$version.dmg

sign() {
  codesign --force --timestamp --options runtime --entitlements build/macos/entitlements.plist \
    --sign "$MACOS_SIGNING_IDENTITY" "$@"
}
if [[ -n "${MACOS_SIGNING_IDENTITY:-}" ]]; then
  sign --deep "$app"
  sign dist/notedesk
fi

# The disk image shows the app beside a link to /Applications, to drag it onto.
stage=build/out/dmg
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "Notedesk $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"

if [[ -n "${MACOS_SIGNING_IDENTITY:-}" ]]; then
  codesign --force --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$dmg"
  if [[ -n "${MACOS_NOTARY_PROFILE:-}" ]]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
  fi
fi
echo "Built $app, $dmg and dist/notedesk"
