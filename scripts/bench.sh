#!/usr/bin/env bash
# Times full runs of the reference simulators (release build) and the harness's own
# overhead: the same run with the simulator's latency set to zero measures only ailevel.
# Usage: scripts/bench.sh [runs]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/ailevel
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

time_runs() { # profile label
  local profile=$1 label=$2 times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$bin" run --quiet --force --device "$profile" --out "$tmp/out" >/dev/null
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  local median
  median=$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2)')
  local trials
  trials=$(python3 -c "import json;print(json.load(open('$tmp/out/results.json'))['summary']['trials'])")
  printf '%-34s median %6d ms over %d runs (min %d, max %d), %d trials\n' \
    "$label" "$median" "$runs" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$trials"
}

echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d)"
for p in devices/sim/phone-l1.toml devices/sim/phone-l2.toml devices/sim/phone-l3.toml; do
  time_runs "$p" "$(basename "$p" .toml) (sim latency)"
  sed -E 's/^latency_ms *=.*/latency_ms = [0, 0]/' "$p" > "$tmp/zero.toml"
  time_runs "$tmp/zero.toml" "$(basename "$p" .toml) (zero latency)"
done
