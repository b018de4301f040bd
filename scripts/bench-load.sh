#!/usr/bin/env bash
# Times loading the full default suite set (release build): `ailevel list` on the suites
# embedded in the binary (run from an empty directory, so there is no ./suites), and
# `ailevel validate suites` on the checkout's copy. Both load and check every suite file.
# Usage: [AILEVEL_BIN=path] scripts/bench-load.sh [runs]   (default 11)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
if [ -z "${AILEVEL_BIN:-}" ]; then # AILEVEL_BIN=path times another build (before/after)
  cargo build --release --locked --quiet
fi
bin=$(realpath "${AILEVEL_BIN:-${CARGO_TARGET_DIR:-target}/release/ailevel}")
suites=$(realpath suites)
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT

time_cmd() { # label command...
  local label=$1 times=()
  shift
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    (cd "$empty" && "$@" >/dev/null)
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '%-44s median %4d ms over %d runs (min %d, max %d)\n' "$label" \
    "$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2)')" "$runs" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)"
}

echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d)"
time_cmd "list --device sim:phone-l3 (embedded)" "$bin" list --device sim:phone-l3
time_cmd "validate SUITES (checkout copy)" "$bin" validate "$suites"
time_cmd "--version (process start, no load)" "$bin" --version
