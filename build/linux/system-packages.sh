#!/usr/bin/env bash
# Installs the Debian packages a Notedesk target needs, and only those that are missing.
# Usage: build/linux/system-packages.sh run|test|package|bench|server|proxy …
# As root it installs them; otherwise it prints the exact apt command and fails.
set -euo pipefail

declare -A GROUPS_PACKAGES=(
  # The fonts: DejaVu draws Latin, Greek, Cyrillic, Arabic and Hebrew; without the others a note in
  # Chinese, Japanese, Korean, Hindi or Thai, and every emoji, showed as empty boxes.
  [run]="python3-venv python3-dev libgirepository1.0-dev libcairo2-dev pkg-config gir1.2-webkit2-4.1 fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji fonts-lohit-deva fonts-tlwg-loma-otf hunspell-en-us"
  # dosfstools, exfatprogs, fusefat, exfat-fuse: the USB sticks of tests/reliability/test_removable_drives.py.
  # weston: the Wayland desktop of tests/shell/test_wayland.py.
  # dbus-daemon, at-spi2-core, gir1.2-atspi-2.0: what a screen reader hears, tests/shell/test_screen_reader.py.
  # libsqlite3-mod-spatialite: a GeoDjango project's database, tests/shell/test_geodjango.py.
  [test]="xvfb xauth x11-utils dbus-daemon at-spi2-core gir1.2-atspi-2.0 chromium imagemagick xdotool poppler-utils desktop-file-utils dosfstools exfatprogs fusefat exfat-fuse weston libsqlite3-mod-spatialite"
  # gdal-bin: GDAL and GEOS, which a GeoDjango app opens by name (tests/packaging/test_installers.py).
  [package]="binutils dpkg-dev fakeroot desktop-file-utils shellcheck lintian appstream gdal-bin"
  [bench]="wrk"
  [server]="postgresql"
  # The reverse proxy the server's tests put it behind (tests/sync/test_nginx.py, make test-server).
  [proxy]="nginx"
)

wanted=()
for group in "$@"; do
  [[ -n "${GROUPS_PACKAGES[$group]:-}" ]] || { echo "unknown package group: $group" >&2; exit 2; }
  for package in ${GROUPS_PACKAGES[$group]}; do wanted+=("$package"); done
done

# The policy below, if a run was killed while it installed (SIGKILL skips its trap), would keep
# every service of this machine from starting at its package's install or upgrade: the next run
# removes it, and only one it wrote.
policy=${NOTEDESK_POLICY_RC_D:-/usr/sbin/policy-rc.d}  # another path for the script's tests only
policy_mark="# Notedesk's system-packages.sh: no service starts while it installs"
if [[ $(id -u) -eq 0 ]] && grep -qsxF "$policy_mark" "$policy"; then
  rm -f "$policy"
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "Notedesk needs these system packages. Install them, then run make again:" >&2
  echo "  sudo apt-get update && sudo $command" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Notedesk starts the servers it uses itself (PostgreSQL and nginx, each on a folder and ports of
# its own): their packages' services are not started as they install (policy-rc.d, which both
# invoke-rc.d and deb-systemd-invoke obey). With systemd, nginx's package started it on port 80 (if free),
# and PostgreSQL's its main cluster, servers nothing used; a container without an init blocks the
# start either way, as it does here, now without its "policy-rc.d missing" warning.
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\n%s\nexit 101\n' "$policy_mark" >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
