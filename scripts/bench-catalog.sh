#!/usr/bin/env bash
# The catalogue benchmark (benches/catalog.rs, release build) on SQLite and then on a
# throwaway PostgreSQL cluster (scripts/pg-cluster.sh), one after the other so they do not
# share the cores. Built once, then the one executable runs both. docs/catalog.md records
# the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=$(cargo bench --locked --bench catalog --no-run 2>&1 | tee /dev/stderr \
  | sed -n 's/.*Executable benches\/catalog.rs (\(.*\))$/\1/p')
[ -x "$bench" ] || { echo "bench-catalog: no benchmark executable" >&2; exit 1; }
echo "== SQLite"
"$bench"
echo "== PostgreSQL"
eval "$(scripts/pg-cluster.sh start)"
trap 'scripts/pg-cluster.sh stop "$PG_TEST_DIR"' EXIT
CATALOG_BENCH_DB=$AILEVEL_TEST_POSTGRES "$bench"
