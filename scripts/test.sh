#!/usr/bin/env bash
# The whole test suite (README's second command). Installs anything the tests need that the
# machine lacks, so no test is skipped for want of a tool.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
cargo test --locked "$@"
