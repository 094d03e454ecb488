#!/usr/bin/env bash
# Builds the Linux installers into DIST (default: dist/): the one-file notedesk, the one-folder
# notedesk-dir/, notedesk-VERSION-linux-ARCH.tar.gz of that folder, and notedesk_VERSION_ARCH.deb.
# Usage: build/linux/build.sh [DIST]   (PYTHON: the venv's python, with the `package` extra)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(realpath -m "${1:-$root/dist}")
python=${PYTHON:-$root/.venv/bin/python}
out=$root/build/out

"$python" -m PyInstaller --clean --noconfirm --log-level WARN \
  --distpath "$dist" --workpath "$out/pyinstaller" "$root/app.spec"

version=$("$python" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
  "$root/pyproject.toml")
arch=$(dpkg --print-architecture)

tar -czf "$dist/notedesk-$version-linux-$arch.tar.gz" -C "$dist" \
  --transform "s|^notedesk-dir|notedesk-$version|" notedesk-dir

# The .deb: dpkg-shlibdeps wants a source-package layout, debian/control and debian/PACKAGE/.
deb_work=$out/deb
package=$deb_work/debian/notedesk
rm -rf "$deb_work"
mkdir -p "$package/DEBIAN" "$package/opt" "$package/usr/bin"
printf 'Source: notedesk\n\nPackage: notedesk\nArchitecture: any\n' >"$deb_work/debian/control"
cp -a "$dist/notedesk-dir" "$package/opt/notedesk"
ln -s /opt/notedesk/notedesk "$package/usr/bin/notedesk"
install -Dm644 "$root/build/linux/notedesk.desktop" "$package/usr/share/applications/notedesk.desktop"
desktop-file-validate "$package/usr/share/applications/notedesk.desktop"
for png in "$out"/pyinstaller/app/desktop-shell/icons/png/*.png; do
  size=$(basename "$png" .png)
  install -Dm644 "$png" "$package/usr/share/icons/hicolor/${size}x${size}/apps/notedesk.png"
done
install -Dm644 "$root/ui/static/img/notedesk.svg" "$package/usr/share/icons/hicolor/scalable/apps/notedesk.svg"

# The libraries the bundle links against come from the system (app.spec leaves them out);
# dpkg-shlibdeps names their packages. GTK and WebKitGTK are loaded through their typelibs,
# which no ELF file names, so they are listed by hand.
mapfile -t elf_files < <(find "$package/opt/notedesk" -type f \( -name '*.so*' -o -path "$package/opt/notedesk/notedesk" \))
shlibs=$(cd "$deb_work" && dpkg-shlibdeps -O --warnings=1 -l"$package/opt/notedesk/_internal" "${elf_files[@]}")
depends="gir1.2-webkit2-4.1, libwebkit2gtk-4.1-0, gir1.2-gtk-3.0, libgtk-3-0, ${shlibs#shlibs:Depends=}"

cat >"$package/DEBIAN/control" <<CONTROL
Package: notedesk
Version: $version
Architecture: $arch
Maintainer: Notedesk maintainers <maintainers@notedesk.invalid>
Installed-Size: $(du -sk "$package" | cut -f1)
Depends: $depends
Section: editors
Priority: optional
Description: fast, private notes in a desktop window
 Notedesk keeps your notes on this computer, in your own data folder, and
 shows them in a native window. Removing the package leaves your notes where
 they are.
CONTROL
dpkg-deb --build --root-owner-group "$package" "$dist/notedesk_${version}_$arch.deb"
