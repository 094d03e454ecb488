#!/usr/bin/env bash
# Builds the Linux installers of the Django project in PROJECT (default: this repository) into
# DIST (default: dist/), with the shell's own packaging (django_desktop_shell/packaging/installers/
# linux.sh), every name from the project's [tool.desktop-shell] table: the one-file SLUG, the
# one-folder SLUG-dir/, SLUG-VERSION-linux-ARCH.tar.gz of that folder, and SLUG_VERSION_ARCH.deb.
# Usage: build/linux/build.sh [DIST [PROJECT]]   (PYTHON: the venv's python, with the `package` extra)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(realpath -m "${1:-$root/dist}")
project=$(realpath "${2:-$root}")
python=${PYTHON:-$root/.venv/bin/python}
"$python" -m django_desktop_shell.packaging "$project" "$dist" --installers
