#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a folder of its own, for `make serve` and the tests
# (tests/postgres.py): Debian's postgresql package, initdb and pg_ctl, reached on a Unix socket
# in that folder only (no TCP port). As root, the cluster runs as the unprivileged user `nobody`.
#
#   build/linux/postgres.sh start DIR   creates the cluster if DIR has none, starts it unless it
#                                       runs, makes the database "notedesk", prints its DATABASE_URL
#   build/linux/postgres.sh stop DIR    stops it (DIR is the caller's to delete)
#
# DIR must be reachable by `nobody` when run as root: a folder made directly under /tmp is.
# Throwaway means no durability: fsync is off.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(realpath -m "$2")
bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
[[ -x "$bin/pg_ctl" ]] || { echo "PostgreSQL is not installed: run build/linux/system-packages.sh server" >&2; exit 1; }

as_cluster_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case $action in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -ne 0 ]] || chown nobody:nogroup "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_cluster_owner "$bin/initdb" --pgdata="$dir/data" --username=notedesk --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_cluster_owner "$bin/pg_ctl" status --pgdata="$dir/data" >/dev/null \
      || as_cluster_owner "$bin/pg_ctl" start --pgdata="$dir/data" --log="$dir/postgres.log" --wait --silent \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      || { cat "$dir/postgres.log" >&2; exit 1; }
    exists=$("$bin/psql" --host="$dir" --username=notedesk --dbname=postgres --tuples-only --no-align \
      --command="SELECT 1 FROM pg_database WHERE datname = 'notedesk'")
    [[ "$exists" == 1 ]] || "$bin/createdb" --host="$dir" --username=notedesk notedesk
    echo "postgres://notedesk@${dir//\//%2F}/notedesk"
    ;;
  stop)
    [[ ! -f "$dir/data/postmaster.pid" ]] || as_cluster_owner "$bin/pg_ctl" stop --pgdata="$dir/data" --mode=fast --wait --silent
    ;;
  *) usage ;;
esac
