#!/usr/bin/env bash
# Times report rendering on a 10,000-trial results file (400 cases x 25 trials): the library's
# renderers (cargo bench --bench report, which also writes the file), then the `ailevel report`
# command end to end on it, reading, schema-validating and writing all three formats.
# Usage: scripts/bench-report.sh [runs]   (default 5). docs/reports.md records the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo bench --quiet --bench report
cargo build --release --quiet
results=target/tmp/bench-report/results.json
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
times=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  target/release/ailevel report "$results" --out "$out" --lang zh-CN
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2)')
printf '`ailevel report` (all formats, zh-CN): median %d ms over %d runs (min %d, max %d)\n' \
  "$median" "$runs" "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)"
for f in report.html junit.xml summary.md; do
  printf '  %-12s %10d bytes\n' "$f" "$(stat -c %s "$out/$f")"
done
