#!/usr/bin/env bash
# Times report rendering on a 10,000-trial results file (400 cases x 25 trials): the library's
# renderers (cargo bench --bench report, which also writes the file and a 100,000-trial one),
# then the `ailevel report` command end to end on each, reading, schema-validating and writing
# all three formats; then, when chromium is installed, how long a headless browser takes to
# load and lay out the 10,000- and 100,000-trial pages (against an empty page: its start-up).
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

big=target/tmp/bench-report/results-100k.json
t0=$(date +%s%N)
target/release/ailevel report "$big" --out "$out/big" --lang zh-CN
t1=$(date +%s%N)
printf '`ailevel report` of 100,000 trials (all formats, zh-CN): %d ms, report.html %d bytes\n' \
  $(( (t1 - t0) / 1000000 )) "$(stat -c %s "$out/big/report.html")"

if command -v chromium >/dev/null; then
  profile=$(mktemp -d)
  trap 'rm -rf "$out" "$profile"' EXIT
  printf '<!DOCTYPE html><title>empty</title>' >"$out/empty.html"
  for page in "$out/empty.html" "$out/report.html" "$out/big/report.html"; do
    t0=$(date +%s%N)
    chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" \
      --dump-dom "file://$page" >/dev/null 2>&1
    t1=$(date +%s%N)
    printf 'chromium loads %-40s %6d ms\n' "${page#"$out"/}" $(( (t1 - t0) / 1000000 ))
  done
fi
