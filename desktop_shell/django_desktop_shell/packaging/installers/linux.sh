#!/usr/bin/env bash
# The Linux installers around the bundles PyInstaller has built into DIST, every name from the
# project's [tool.desktop-shell] table: SLUG-VERSION-linux-ARCH.tar.gz of the one-folder bundle
# (with add-to-menu.sh and the icons, for a menu entry without root, and a README of what it needs of the
# system), and SLUG_VERSION_ARCH.deb
# (/opt/SLUG, a desktop entry, the icons, a man page, and the system libraries it needs as
# dependencies). Run by `python -m django_desktop_shell.packaging PROJECT DIST --installers`.
# Usage: linux.sh DIST PROJECT WORK   (WORK: PyInstaller's work folder; PYTHON: the build's python)
set -euo pipefail
dist=$1
project=$2
work=$3
python=${PYTHON:-python3}

missing=()
for tool in dpkg-deb:dpkg dpkg-shlibdeps:dpkg-dev desktop-file-validate:desktop-file-utils objdump:binutils; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "The .deb needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
  exit 2
fi

declare name slug app_id version deb_version description categories keywords icon homepage maintainer deb_section spec mime_types exec_args
identity=$("$python" -m django_desktop_shell.packaging.identity "$project" --format sh)
eval "$identity"
arch=$(dpkg --print-architecture)

# The desktop entry, its Exec= program given: the .deb's names /usr/bin's, add-to-menu.sh's its own folder's.
desktop_entry() {
  printf '[Desktop Entry]\nType=Application\nName=%s\nComment=%s\nExec=%s%s\nTerminal=false\n' \
    "$name" "$description" "$1" "$exec_args"
  [[ -z $icon ]] || echo "Icon=$slug"
  [[ -z $categories ]] || echo "Categories=$categories;"
  [[ -z $keywords ]] || echo "Keywords=$keywords;"
  # The identity's file-types and url-schemes: Open with, double-click and SCHEME:// links.
  [[ -z $mime_types ]] || echo "MimeType=$mime_types"
  printf 'StartupNotify=true\nStartupWMClass=%s\n' "$slug"
}

# The spec renders the hicolor sizes from the SVG into its work folder, named after the spec.
install_icons() {
  local png size
  for png in "$work/$(basename "$spec" .spec)"/desktop-shell/icons/png/*.png; do
    size=$(basename "$png" .png)
    install -Dm644 "$png" "$1/hicolor/${size}x${size}/apps/$slug.png"
  done
  install -Dm644 "$icon" "$1/hicolor/scalable/apps/$slug.svg"
}

# The one-folder bundle (the .tar.gz, and what an update installs) carries its own menu entry:
# add-to-menu.sh writes it into the person's menu with this folder's program, wherever it was
# unpacked, and --remove takes it out again. No root needed.
menu_script=$dist/$slug-dir/add-to-menu.sh
[[ -z $icon ]] || install_icons "$dist/$slug-dir/share/icons"
{
  cat <<'SCRIPT'
#!/bin/sh
# Adds this app to your desktop's menu (with its icon, and Open with for its file types), for
# you alone, starting the program in this folder; `add-to-menu.sh --remove` takes it out again.
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
SCRIPT
  printf 'slug=%s\n' "$slug"
  cat <<'SCRIPT'
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry=$data/applications/$slug.desktop
refresh() {
  if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
}
if [ "${1:-}" = --remove ]; then
  rm -f "$entry" "$data"/icons/hicolor/*/apps/"$slug".png "$data"/icons/hicolor/scalable/apps/"$slug".svg
  refresh
  printf '%s\n' "Removed $entry; your data folder is left as it is."
  exit 0
fi
case $here in
  # GLib reads the program's path before it turns %% back into %: its menus would leave the entry out.
  *'
'* | *%*) printf '%s\n' "The path $here holds a line break or a %, which a menu entry cannot name: move the folder, then run this again." >&2
    exit 1 ;;
esac
# Exec= quoting (the Desktop Entry Specification): the program in double quotes, \ " ` $ escaped,
# then each backslash doubled (the value's own escaping).
program=$(printf '%s/%s' "$here" "$slug" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g')
mkdir -p "$data/applications"
if [ -d "$here/share/icons" ]; then cp -R "$here/share/icons" "$data/"; fi
sed "s|^Exec=PROGRAM|Exec=\"$(printf '%s' "$program" | sed 's/[&|\\]/\\&/g')\"|" >"$entry" <<'ENTRY'
SCRIPT
  desktop_entry PROGRAM
  cat <<'SCRIPT'
ENTRY
refresh
printf '%s\n' "Added to your menu: $entry (starts $here/$slug)."
SCRIPT
} >"$menu_script"
chmod 755 "$menu_script"

# What the folder needs of the system it is unpacked on, which no package manager checks for it: the
# newest glibc symbol version its files use (built on Debian 12: 2.35, which RHEL 9's 2.34 lacks),
# WebKitGTK with its GObject bindings, by each distribution's package names, and what the .deb
# recommends.
glibc=$(find "$dist/$slug-dir" -type f \( -name '*.so' -o -name '*.so.*' -o -path "$dist/$slug-dir/$slug" \) -print0 |
  xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
cat >"$dist/$slug-dir/README" <<README
$name $version for Linux ($arch)

Start it: ./$slug in this folder. It keeps your data in ~/.local/share/$name.
Add it to your desktop's menu, for you alone: ./add-to-menu.sh (./add-to-menu.sh --remove takes it out).

What it needs of your system:
- glibc ${glibc#GLIBC_} or later (\`ldd --version\` says which you have).
- GTK 3 and WebKitGTK 4.1, with their GObject introspection data:
    Debian, Ubuntu:  sudo apt install gir1.2-webkit2-4.1
    Fedora:          sudo dnf install webkit2gtk4.1
    Arch:            sudo pacman -S webkit2gtk-4.1
    openSUSE:        sudo zypper install typelib-1_0-WebKit2-4_1
- To check spelling, a hunspell dictionary (Debian, Ubuntu: hunspell-en-us; Fedora: hunspell-en).
- xdg-utils (the same name on each system above), whose xdg-open opens a file or folder from the
  app, and a link in your browser: without it, Open and Show in folder say it is missing.
README

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

# The folder's own menu entry is add-to-menu.sh's, and its README is for a folder no package manager
# installed: the package has its own menu entry, and Depends.
rm -rf "$package/opt/$slug/add-to-menu.sh" "$package/opt/$slug/share" "$package/opt/$slug/README"
entry=$package/usr/share/applications/$slug.desktop
mkdir -p "$(dirname "$entry")"
desktop_entry "$slug" >"$entry"
desktop-file-validate "$entry"
[[ -z $icon ]] || install_icons "$package/usr/share/icons"

# The AppStream metainfo: how GNOME Software, KDE Discover and Ubuntu's App Center find and show the app.
metainfo=$package/usr/share/metainfo/$app_id.metainfo.xml
mkdir -p "$(dirname "$metainfo")"
"$python" -m django_desktop_shell.packaging.identity "$project" --format metainfo >"$metainfo"

# `man SLUG`: the program's own --help (so it says what this version does), and where it keeps data.
man_page=$package/usr/share/man/man1/$slug.1.gz
mkdir -p "$(dirname "$man_page")"
help=$(env -u XDG_DATA_HOME COLUMNS=80 "$package/opt/$slug/$slug" --help)  # the data folder as most have it
{
  printf '.TH "%s" 1 "" "%s %s" "User Commands"\n.SH NAME\n%s \\- %s\n' \
    "${slug^^}" "$name" "$version" "$slug" "${description%.}"
  printf '.SH SYNOPSIS AND OPTIONS\n.nf\n'
  sed -e 's/\\/\\e/g' -e "s/^[.']/\\\\\&&/" <<<"$help"
  printf '.fi\n.SH FILES\n.TP\n.I ~/.local/share/%s\n' "$name"
  printf 'Your data folder (in %s if it is set), made at the first start. Removing the\n' "\$XDG_DATA_HOME"
  printf 'package leaves it where it is: delete it, once %s has quit, to delete your data.\n' "$name"
} | gzip -9n >"$man_page"

# /usr/share/doc/SLUG (Debian Policy 12.5, 12.7): the licences of the app and of all it brings, and
# this version's changelog entry, dated SOURCE_DATE_EPOCH when a reproducible build sets it.
doc=$package/usr/share/doc/$slug
mkdir -p "$doc"
"$python" -m django_desktop_shell.packaging.identity "$project" --format deb-copyright --bundle "$dist/$slug-dir" \
  --installed-at "/opt/$slug" >"$doc/copyright"
printf '%s (%s) unstable; urgency=medium\n\n  * %s %s.\n\n -- %s  %s\n' "$slug" "$deb_version" "$name" "$version" \
  "$maintainer" "$(date -R ${SOURCE_DATE_EPOCH:+-d "@$SOURCE_DATE_EPOCH"})" | gzip -9n >"$doc/changelog.gz"

# What lintian finds in any app built this way, and is meant: a program of its own in /opt/SLUG, as
# the FHS has add-on software (only Debian's own archive keeps out of /opt), that brings the Python it
# runs on, whose pyexpat has expat built in and some of whose modules call nothing of libc.
overrides=$package/usr/share/lintian/overrides/$slug
mkdir -p "$(dirname "$overrides")"
printf '%s: %s\n' "$slug" dir-or-file-in-opt "$slug" "embedded-library expat [opt/$slug/_internal/python3*/lib-dynload/pyexpat.*]" \
  "$slug" library-not-linked-against-libc >"$overrides"
# PyInstaller copies libpython executable; a library is read, not run.
find "$package/opt/$slug" -type f \( -name '*.so' -o -name '*.so.*' \) -exec chmod 644 {} +

# The libraries the bundle links against come from the system (the spec leaves them out);
# dpkg-shlibdeps names their packages. GTK and WebKitGTK are loaded through their typelibs,
# which no ELF file names, so they are listed by hand; so is a hunspell dictionary, which
# WebKitGTK's spell checker (enchant) needs to check spelling in the app's text fields.
mapfile -t elf_files < <(find "$package/opt/$slug" -type f \( -name '*.so*' -o -path "$package/opt/$slug/$slug" \))
shlibs=$(cd "$deb_work" && dpkg-shlibdeps -O --warnings=1 -l"$package/opt/$slug/_internal" "${elf_files[@]}")
depends="gir1.2-webkit2-4.1, libwebkit2gtk-4.1-0, gir1.2-gtk-3.0, libgtk-3-0, hunspell-en-us | hunspell-dictionary, ${shlibs#shlibs:Depends=}"
# The libraries the site opens by name as it runs (GeoDjango's GDAL, GEOS and SpatiaLite), which no
# ELF file names: the packages that hold them here. Without them the installed app stopped at its
# start on a computer that had none ("Could not find the GDAL library").
while read -r library; do
  holder=$(dpkg-query -S "*/$library" 2>/dev/null | head -1) || true
  if [[ -z $holder ]]; then
    echo "The app loads $library, which no Debian package installed here holds: install the one that has it." >&2
    exit 2
  fi
  depends+=", ${holder%%:*}"
done <"$work/$(basename "$spec" .spec)/desktop-shell/libraries-loaded-by-name"
# xdg-utils: xdg-open, with which the download bar opens a file or its folder, and a link outside the
# app opens in the browser; a desktop has it, a minimal system may not.
recommends=xdg-utils

{
  cat <<CONTROL
Package: $slug
Version: $deb_version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk "$package" | cut -f1)
Depends: $depends
Recommends: $recommends
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
# /opt is base-files' (its postinst makes it; no package lists it), so dpkg counted it as this
# package's and removed it with the package's last file when nothing else was there: put back.
# ($DPKG_ROOT: a system dpkg --root installs into.)
cat >"$package/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
[ -d "$DPKG_ROOT/opt" ] || mkdir -m 755 "$DPKG_ROOT/opt"
POSTRM
chmod 755 "$package/DEBIAN/postrm"
dpkg-deb --build --root-owner-group "$package" "$dist/${slug}_${deb_version}_$arch.deb"
