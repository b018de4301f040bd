#!/usr/bin/env bash
# Peak resident memory (VmHWM, from /usr/bin/time -v) of `ailevel run` against the in-process
# reference phone at zero latency, so nothing but ailevel's own work is measured, for runs of
# about N trials each: the default suite's applicable cases with `--trials` chosen to reach N.
# Usage: scripts/bench-memory.sh [N ...]   (default: 1000 10000 100000)
# Env: AILEVEL_BIN (default: a fresh release build), FORMATS (default: html,junit,md),
#      PROFILE (default: devices/sim/phone-l3.toml). docs/benchmarks.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
if [ -z "${AILEVEL_BIN:-}" ]; then
  cargo build --release --locked --quiet
  AILEVEL_BIN=${CARGO_TARGET_DIR:-target}/release/ailevel
fi
formats=${FORMATS:-html,junit,md}
profile=${PROFILE:-devices/sim/phone-l3.toml}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -E 's/^latency_ms *=.*/latency_ms = [0, 0]/' "$profile" > "$tmp/zero.toml"
# Applicable cases of this profile: every one runs `--trials` trials.
cases=$("$AILEVEL_BIN" list --device "$tmp/zero.toml" --json |
  python3 -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin)["cases"] if c.get("applicable", True) is True))')
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%dT%H:%MZ); $cases applicable cases; formats $formats"
printf '%10s %10s %12s %10s %14s\n' trials "per case" "peak RSS" "wall" "results.json"
for n in "${sizes[@]}"; do
  per=$(( (n + cases - 1) / cases ))
  rm -rf "$tmp/out"
  /usr/bin/time -v -o "$tmp/time" "$AILEVEL_BIN" run --quiet --force --device "$tmp/zero.toml" \
    --trials "$per" --format "$formats" --out "$tmp/out" >/dev/null || true
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time")
  wall=$(awk -F'): ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/time")
  trials=$(python3 -c "import json;print(json.load(open('$tmp/out/results.json'))['summary']['trials'])")
  printf '%10d %10d %8d MiB %10s %10d MiB\n' "$trials" "$per" $(( kb / 1024 )) "$wall" \
    $(( $(stat -c %s "$tmp/out/results.json") / 1048576 ))
done
