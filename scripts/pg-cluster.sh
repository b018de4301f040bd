#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the catalogue tests (Debian's `postgresql` package):
#   eval "$(scripts/pg-cluster.sh start)"   # prints AILEVEL_TEST_POSTGRES and PG_TEST_DIR
#   scripts/pg-cluster.sh stop "$PG_TEST_DIR"
# Its data directory and socket live in a new temporary directory; it listens on 127.0.0.1 on
# a free port, trusts local connections (nothing else can reach it) and keeps nothing on
# disk that matters (fsync off). PostgreSQL refuses to run as root, so as root it runs as the
# `postgres` user the package creates.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-cluster: no PostgreSQL server under /usr/lib/postgresql (scripts/install-test-deps.sh installs it)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/ailevel-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bindir/initdb" -D "$dir/data" -U ailevel -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    mkdir -p "$dir/sock" && { [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/sock"; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export AILEVEL_TEST_POSTGRES=postgres://ailevel@127.0.0.1:$port/postgres"
    echo "export PG_TEST_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: pg-cluster.sh stop DIR}
    case "$dir" in
      */ailevel-pg.*) ;;
      *) echo "pg-cluster: $dir is not a cluster this script made" >&2; exit 1 ;;
    esac
    if [ -d "$dir/data" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-cluster.sh start | stop DIR" >&2
    exit 2
    ;;
esac
