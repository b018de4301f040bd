#!/usr/bin/env bash
# The catalogue benchmark (benches/catalog.rs, release build) on SQLite and then on a
# throwaway PostgreSQL cluster (scripts/pg-cluster.sh), one after the other so they do not
# share the cores. docs/catalog.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --locked --bench catalog --no-run
echo "== SQLite"
cargo bench --locked --bench catalog
echo "== PostgreSQL"
eval "$(scripts/pg-cluster.sh start)"
trap 'scripts/pg-cluster.sh stop "$PG_TEST_DIR"' EXIT
CATALOG_BENCH_DB=$AILEVEL_TEST_POSTGRES cargo bench --locked --bench catalog
