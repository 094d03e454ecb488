#!/usr/bin/env bash
# The Linux installers around the bundles PyInstaller has built into DIST, every name from the
# project's [tool.desktop-shell] table: SLUG-VERSION-linux-ARCH.tar.gz of the one-folder bundle,
# and SLUG_VERSION_ARCH.deb (/opt/SLUG, a desktop entry, the icons, and the system libraries it
# needs as dependencies). Run by `python -m django_desktop_shell.packaging PROJECT DIST --installers`.
# Usage: linux.sh DIST PROJECT WORK   (WORK: PyInstaller's work folder; PYTHON: the build's python)
set -euo pipefail
dist=$1
project=$2
work=$3
python=${PYTHON:-python3}

missing=()
for tool in dpkg-deb:dpkg dpkg-shlibdeps:dpkg-dev desktop-file-validate:desktop-file-utils; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "The .deb needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
  exit 2
fi

declare name slug version description categories keywords icon homepage deb_section spec mime_types exec_args
identity=$("$python" -m django_desktop_shell.packaging.identity "$project" --format sh)
eval "$identity"
arch=$(dpkg --print-architecture)

tar -czf "$dist/$slug-$version-linux-$arch.tar.gz" -C "$dist" \
  --transform "s|^$slug-dir|$slug-$version|" "$slug-dir"

# The .deb: dpkg-shlibdeps wants a source-package layout, debian/control and debian/PACKAGE/.
deb_work=$work/deb
rm -rf "$deb_work"
package=$deb_work/debian/$slug
mkdir -p "$package/DEBIAN" "$package/opt" "$package/usr/bin"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$slug" "$slug" >"$deb_work/debian/control"
cp -a "$dist/$slug-dir" "$package/opt/$slug"
ln -s "/opt/$slug/$slug" "$package/usr/bin/$slug"

entry=$package/usr/share/applications/$slug.desktop
mkdir -p "$(dirname "$entry")"
{
  printf '[Desktop Entry]\nType=Application\nName=%s\nComment=%s\nExec=%s%s\nTerminal=false\n' \
    "$name" "$description" "$slug" "$exec_args"
  [[ -z $icon ]] || echo "Icon=$slug"
  [[ -z $categories ]] || echo "Categories=$categories;"
  [[ -z $keywords ]] || echo "Keywords=$keywords;"
  # The identity's file-types and url-schemes: Open with, double-click and SCHEME:// links.
  [[ -z $mime_types ]] || echo "MimeType=$mime_types"
  printf 'StartupNotify=true\nStartupWMClass=%s\n' "$slug"
} >"$entry"
desktop-file-validate "$entry"

if [[ -n $icon ]]; then
  # The spec renders the hicolor sizes from the SVG into its work folder, named after the spec.
  for png in "$work/$(basename "$spec" .spec)"/desktop-shell/icons/png/*.png; do
    size=$(basename "$png" .png)
    install -Dm644 "$png" "$package/usr/share/icons/hicolor/${size}x${size}/apps/$slug.png"
  done
  install -Dm644 "$icon" "$package/usr/share/icons/hicolor/scalable/apps/$slug.svg"
fi

# The libraries the bundle links against come from the system (the spec leaves them out);
# dpkg-shlibdeps names their packages. GTK and WebKitGTK are loaded through their typelibs,
# which no ELF file names, so they are listed by hand; so is a hunspell dictionary, which
# WebKitGTK's spell checker (enchant) needs to check spelling in the app's text fields.
mapfile -t elf_files < <(find "$package/opt/$slug" -type f \( -name '*.so*' -o -path "$package/opt/$slug/$slug" \))
shlibs=$(cd "$deb_work" && dpkg-shlibdeps -O --warnings=1 -l"$package/opt/$slug/_internal" "${elf_files[@]}")
depends="gir1.2-webkit2-4.1, libwebkit2gtk-4.1-0, gir1.2-gtk-3.0, libgtk-3-0, hunspell-en-us | hunspell-dictionary, ${shlibs#shlibs:Depends=}"

{
  cat <<CONTROL
Package: $slug
Version: $version
Architecture: $arch
Maintainer: $name maintainers <maintainers@$slug.invalid>
Installed-Size: $(du -sk "$package" | cut -f1)
Depends: $depends
Section: $deb_section
Priority: optional
CONTROL
  [[ -z $homepage ]] || echo "Homepage: $homepage"
  cat <<DESCRIPTION
Description: ${description%.}
 $name keeps each person's data in their own data folder and shows it in a
 native window. Removing the package leaves that folder where it is.
DESCRIPTION
} >"$package/DEBIAN/control"
dpkg-deb --build --root-owner-group "$package" "$dist/${slug}_${version}_$arch.deb"
