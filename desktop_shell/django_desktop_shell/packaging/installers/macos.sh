#!/usr/bin/env bash
# The macOS disk image around the NAME.app PyInstaller has built into DIST (the spec writes its
# Info.plist, with the app-id as bundle id and the version, and its .icns): NAME-VERSION.dmg.
# Run by `python -m django_desktop_shell.packaging PROJECT DIST --installers`.
# Usage: macos.sh DIST PROJECT WORK   (WORK: PyInstaller's work folder; PYTHON: the build's python)
# Signing: with MACOS_SIGNING_IDENTITY (a "Developer ID Application" identity in the keychain)
# the app, the one-file program and the disk image are signed; with MACOS_NOTARY_PROFILE too (a
# notarytool keychain profile), the disk image is notarized and stapled.
set -euo pipefail
dist=$1
project=$2
work=$3
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)

declare name slug version
identity=$("$python" -m django_desktop_shell.packaging.identity "$project" --format sh)
eval "$identity"
app=$dist/$name.app
dmg=$dist/$name-$version.dmg

sign() {
  codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" \
    --sign "$MACOS_SIGNING_IDENTITY" "$@"
}
if [[ -n "${MACOS_SIGNING_IDENTITY:-}" ]]; then
  sign --deep "$app"
  sign "$dist/$slug"
fi

# The disk image shows the app beside a link to /Applications, to drag it onto.
stage=$work/dmg
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
