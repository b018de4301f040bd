#!/usr/bin/env bash
# A benchmark anyone can rerun beside peers (#15.5): a 1,000-case single-turn suite (Chinese
# prompts, `contains` checks) against a local OpenAI-compatible stub (scripts/bench-peers.py,
# zero latency, then 50 ms), at concurrency 16:
#   (a) ailevel run through its OpenAI adapter, end to end with results.json and reports;
#   (b) a raw HTTP client sending the same 1,000 requests (oha when installed, else the
#       script's asyncio client over keep-alive connections);
#   (c) promptfoo and inspect-ai, only when already installed.
# Prints wall times, peak RSS, ailevel/raw and, at 50 ms, wall/ideal with
# ideal = ceil(1000/16) * 50 ms. Figures: docs/benchmarks.md.
# Usage: scripts/bench-peers.sh   (AILEVEL=path/to/ailevel to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=1000
conc=16
if [ -z "${AILEVEL:-}" ]; then
  cargo build --release --locked --quiet
  AILEVEL=${CARGO_TARGET_DIR:-target}/release/ailevel
fi
tmp=$(mktemp -d)
stub_pid=
cleanup() {
  if [ -n "$stub_pid" ]; then kill "$stub_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/suite/phone"
cp suites/framework.yaml suites/actions.yaml "$tmp/suite/"
cp -r suites/actions "$tmp/suite/"
python3 scripts/bench-peers.py suite "$tmp/suite" "$n"

start_stub() { # latency_ms
  if [ -n "$stub_pid" ]; then kill "$stub_pid"; wait "$stub_pid" 2>/dev/null || true; fi
  python3 scripts/bench-peers.py stub --latency-ms "$1" > "$tmp/stub.out" &
  stub_pid=$!
  for _ in $(seq 100); do
    grep -q listening "$tmp/stub.out" 2>/dev/null && break
    sleep 0.05
  done
  url=$(sed -n 's/^listening on //p' "$tmp/stub.out")
  cat > "$tmp/device.toml" <<EOF
vendor = "Bench"
model = "Stub"
category = "phone"
firmware = "0"
concurrency = $conc

[adapter]
kind = "openai"
base_url = "$url"
model = "bench"
temperature = 0.0
stream = false
tools = false
EOF
}

# wall ms and peak RSS KiB of a command, from /usr/bin/time -v.
measure() { # label cmd...
  local label=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -v "$@" > "$tmp/out.txt" 2> "$tmp/time.txt" || true
  t1=$(date +%s%N)
  wall=$(( (t1 - t0) / 1000000 ))
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
  printf '  %-44s %7d ms  peak RSS %7d KiB\n' "$label" "$wall" "$rss"
}

echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d); $n cases, concurrency $conc"
for latency in 0 50; do
  start_stub "$latency"
  echo "stub latency $latency ms ($url)"
  measure "ailevel run (openai adapter, results+reports)" \
    "$AILEVEL" run --quiet --trials 1 --concurrency "$conc" --suite "$tmp/suite" \
    --device "$tmp/device.toml" --out "$tmp/run-$latency" --force
  a=$wall
  python3 - "$tmp/run-$latency/results.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print(f"    ailevel: {s['trials']} trials, {s['pass']} pass, {s['fail']} fail, {s['inconclusive']} inconclusive")
EOF
  if command -v oha > /dev/null; then
    measure "raw client (oha)" oha -n "$n" -c "$conc" --no-tui -m POST \
      -H 'content-type: application/json' \
      -d '{"model":"bench","messages":[{"role":"user","content":"第1个问题：明天北京的天气怎么样？"}]}' \
      "$url/v1/chat/completions"
  else
    measure "raw client (python asyncio, keep-alive)" \
      python3 scripts/bench-peers.py raw "$url" "$n" "$conc"
  fi
  r=$wall
  awk -v a="$a" -v r="$r" 'BEGIN { printf "    ailevel/raw %.2f\n", a / r }'
  if [ "$latency" -gt 0 ]; then
    ideal=$(( (n + conc - 1) / conc * latency ))
    awk -v a="$a" -v r="$r" -v i="$ideal" \
      'BEGIN { printf "    ideal %d ms: ailevel wall/ideal %.2f, raw wall/ideal %.2f\n", i, a / i, r / i }'
  fi
  if command -v promptfoo > /dev/null || npx --no-install promptfoo --version > /dev/null 2>&1; then
    echo "  promptfoo: installed, but no config for this suite is generated yet; not timed"
  else
    echo "  promptfoo: not installed"
  fi
  if python3 -c 'import inspect_ai' 2> /dev/null; then
    echo "  inspect-ai: installed, but no task for this suite is generated yet; not timed"
  else
    echo "  inspect-ai: not installed"
  fi
done
