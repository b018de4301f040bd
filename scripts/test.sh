#!/usr/bin/env bash
# The whole test suite (README's second command). Installs anything the tests need that the
# machine lacks, so no test is skipped for want of a tool.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
# The catalogue tests run on PostgreSQL too: a throwaway cluster, stopped however the tests end.
if [ -z "${AILEVEL_TEST_POSTGRES:-}" ]; then
  eval "$(scripts/pg-cluster.sh start)"
  trap 'scripts/pg-cluster.sh stop "$PG_TEST_DIR"' EXIT
fi
cargo test --locked "$@"
