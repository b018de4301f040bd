#!/usr/bin/env bash
# A benchmark anyone can rerun beside peers (#15.5): a 1,000-case single-turn suite (Chinese
# prompts, `contains` checks) against a local OpenAI-compatible stub (scripts/bench-peers.py,
# zero latency, then 50 ms), at concurrency 16:
#   (a) ailevel run through its OpenAI adapter, end to end with results.json and reports;
#   (b) a raw HTTP client sending the request body ailevel sent (captured at the stub): oha
#       when installed, else hey (Debian: apt-get install hey), else the script's asyncio client;
#   (c) promptfoo (`promptfoo eval`, provider openai:chat, `contains` assertions) and inspect-ai
#       (`inspect eval`, provider openai-api, `includes()` scorer) on the same cases, when
#       installed — on PATH or under $PEERS_DIR; INSTALL_PEERS=1 installs both there first
#       (npm and pip: network and a few minutes once).
# Prints wall times, peak RSS, ailevel/raw and, at 50 ms, wall/ideal with
# ideal = ceil(requests/16) * 50 ms, then a summary table. Figures: docs/benchmarks.md.
# Usage: scripts/bench-peers.sh   (AILEVEL=path/to/ailevel to skip the release build; N=cases;
#        STUB_WORKERS=W stub processes, default the number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-1000}
conc=16
peers=${PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ailevel-bench-peers}
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

if [ "${INSTALL_PEERS:-0}" = 1 ]; then
  echo "installing promptfoo and inspect-ai under $peers"
  mkdir -p "$peers"
  npm install --prefix "$peers/npm" --no-audit --no-fund --loglevel error promptfoo > /dev/null
  [ -x "$peers/venv/bin/python" ] || python3 -m venv "$peers/venv"
  "$peers/venv/bin/pip" install --quiet inspect-ai openai
fi
promptfoo=$(command -v promptfoo || true)
if [ -z "$promptfoo" ] && [ -x "$peers/npm/node_modules/.bin/promptfoo" ]; then
  promptfoo=$peers/npm/node_modules/.bin/promptfoo
fi
inspect=
if python3 -c 'import inspect_ai' 2> /dev/null && command -v inspect > /dev/null; then
  inspect=$(command -v inspect)
elif [ -x "$peers/venv/bin/inspect" ]; then
  inspect=$peers/venv/bin/inspect
fi

mkdir -p "$tmp/suite/phone" "$tmp/promptfoo" "$tmp/inspect"
cp suites/framework.yaml suites/actions.yaml "$tmp/suite/"
cp -r suites/actions "$tmp/suite/"
python3 scripts/bench-peers.py suite "$tmp/suite" "$n"
python3 scripts/bench-peers.py inspect "$tmp/inspect" "$n"

start_stub() { # latency_ms
  if [ -n "$stub_pid" ]; then kill "$stub_pid"; wait "$stub_pid" 2>/dev/null || true; fi
  : > "$tmp/stub.out"
  python3 scripts/bench-peers.py stub --latency-ms "$1" --workers "${STUB_WORKERS:-$(nproc)}" \
    --capture "$tmp/request.json" > "$tmp/stub.out" &
  stub_pid=$!
  for _ in $(seq 200); do
    grep -q listening "$tmp/stub.out" 2>/dev/null && break
    sleep 0.05
  done
  url=$(sed -n 's/^listening on //p' "$tmp/stub.out")
  [ -n "$url" ] || { echo "the stub did not start" >&2; exit 1; }
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
  python3 scripts/bench-peers.py promptfoo "$tmp/promptfoo" "$n" "$url" "$conc"
}

# wall ms and peak RSS KiB of a command, from /usr/bin/time -v; the command's output is kept
# in $tmp/out.txt and its exit status in $status.
measure() { # label cmd...
  local label=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  status=0
  /usr/bin/time -v "$@" > "$tmp/out.txt" 2> "$tmp/time.txt" || status=$?
  t1=$(date +%s%N)
  wall=$(( (t1 - t0) / 1000000 ))
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
  printf '  %-46s %7d ms  peak RSS %7d KiB\n' "$label" "$wall" "$rss"
}

ideal() { # requests latency_ms
  echo $(( ($1 + conc - 1) / conc * $2 ))
}

if command -v oha > /dev/null; then
  raw_name="oha $(oha --version 2>/dev/null | head -n 1 | awk '{print $NF}')"
elif command -v hey > /dev/null; then
  raw_name="hey $(dpkg-query -W -f '${Version}' hey 2>/dev/null || echo)"
else
  raw_name="python asyncio (scripts/bench-peers.py raw)"
fi
raw() { # runs the raw client; sets raw_n to the requests answered 200
  if [[ $raw_name == oha* ]]; then
    measure "raw client ($raw_name)" oha -n "$n" -c "$conc" --no-tui -m POST \
      -H 'content-type: application/json' -D "$tmp/request.json" "$url/v1/chat/completions"
    raw_n=$(sed -n 's/^ *\[200\] \([0-9]*\) responses.*/\1/p' "$tmp/out.txt")
  elif [[ $raw_name == hey* ]]; then
    measure "raw client ($raw_name)" hey -n "$n" -c "$conc" -m POST -T application/json \
      -D "$tmp/request.json" "$url/v1/chat/completions"
    raw_n=$(sed -n 's/^ *\[200\][[:space:]]*\([0-9]*\) responses.*/\1/p' "$tmp/out.txt")
  else
    measure "raw client ($raw_name)" \
      python3 scripts/bench-peers.py raw "$url" "$n" "$conc" "$tmp/request.json"
    raw_n=$n
  fi
  raw_n=${raw_n:-0}
  echo "    raw: $raw_n requests answered 200"
}

run_promptfoo() {
  if [ -z "$promptfoo" ]; then
    echo "  promptfoo: not installed (INSTALL_PEERS=1 installs it); not timed"
    pf_wall=-
    return
  fi
  # Its database and config stay in the temporary directory; no telemetry, no cache.
  measure "promptfoo eval ($("$promptfoo" --version 2>/dev/null | tail -n 1))" env \
    PROMPTFOO_CONFIG_DIR="$tmp/promptfoo/home" PROMPTFOO_DISABLE_TELEMETRY=1 \
    PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_CACHE_ENABLED=false OPENAI_API_KEY=bench \
    "$promptfoo" eval -c "$tmp/promptfoo/promptfooconfig.yaml" --no-cache --no-progress-bar \
    --max-concurrency "$conc" -o "$tmp/promptfoo/out.json"
  pf_wall=$wall
  pf_rss=$rss
  if [ "$status" != 0 ]; then # its own stderr precedes time's report
    sed '/Command being timed/q' "$tmp/time.txt" | grep -v 'Command being timed' | tail -n 8 |
      sed 's/^/    | /'
  fi
  python3 - "$tmp/promptfoo/out.json" "$status" <<'EOF' || echo "    promptfoo: no results (exit $status)"
import json, sys
s = json.load(open(sys.argv[1]))["results"]["stats"]
print(f"    promptfoo: {s['successes']} pass, {s['failures']} fail, {s.get('errors', 0)} errors (exit {sys.argv[2]})")
EOF
}

run_inspect() {
  if [ -z "$inspect" ]; then
    echo "  inspect-ai: not installed (INSTALL_PEERS=1 installs it); not timed"
    in_wall=-
    return
  fi
  rm -rf "$tmp/inspect/logs"
  # inspect takes the task file relative to the working directory.
  measure "inspect eval ($("$inspect" --version 2>/dev/null | tail -n 1))" env -C "$tmp/inspect" \
    BENCH_BASE_URL="$url/v1" BENCH_API_KEY=bench \
    "$inspect" eval bench_task.py --model openai-api/bench/bench \
    --max-connections "$conc" --log-dir "$tmp/inspect/logs" --display none
  in_wall=$wall
  in_rss=$rss
  "$inspect" log dump --header-only "$tmp"/inspect/logs/*.eval 2> /dev/null | python3 -c '
import json, sys
log = json.load(sys.stdin)
r = log["results"]
m = r["scores"][0]["metrics"]["accuracy"]["value"]
done, state = r["completed_samples"], log["status"]
print(f"    inspect-ai: {done} samples, accuracy {m:.3f}, status {state} (exit {sys.argv[1]})")
' "$status" || echo "    inspect-ai: no results (exit $status)"
}

echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'); $n cases, concurrency $conc"
echo "ailevel: $AILEVEL ($("$AILEVEL" --version))"
echo "raw client: $raw_name"
declare -A sum
for latency in 0 50; do
  start_stub "$latency"
  echo "stub latency $latency ms ($url, ${STUB_WORKERS:-$(nproc)} processes)"
  measure "ailevel run (openai adapter, results+reports)" \
    "$AILEVEL" run --quiet --trials 1 --concurrency "$conc" --suite "$tmp/suite" \
    --device "$tmp/device.toml" --out "$tmp/run-$latency" --force
  a=$wall
  sum[a$latency]="$wall ms, $(( rss / 1024 )) MiB"
  python3 - "$tmp/run-$latency/results.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print(f"    ailevel: {s['trials']} trials, {s['pass']} pass, {s['fail']} fail, {s['inconclusive']} inconclusive")
EOF
  raw
  r=$wall
  sum[r$latency]="$wall ms, $(( rss / 1024 )) MiB"
  sum[ar$latency]=$(awk -v a="$a" -v r="$r" 'BEGIN { printf "%.2f", a / r }')
  echo "    ailevel/raw ${sum[ar$latency]}"
  if [ "$latency" -gt 0 ]; then
    ia=$(ideal "$n" "$latency")
    ir=$(ideal "$raw_n" "$latency")
    sum[ia]=$(awk -v w="$a" -v i="$ia" 'BEGIN { printf "%.2f", w / i }')
    sum[ir]=$(awk -v w="$r" -v i="$ir" 'BEGIN { printf "%.2f", w / i }')
    echo "    wall/ideal: ailevel ${sum[ia]} (ideal $ia ms), raw ${sum[ir]} (ideal $ir ms for $raw_n requests)"
  fi
  run_promptfoo
  run_inspect
  for p in pf in; do
    w=${p}_wall
    r2=${p}_rss
    if [ "${!w}" = - ]; then
      sum[$p$latency]="not installed"
    else
      sum[$p$latency]="${!w} ms, $(( ${!r2} / 1024 )) MiB, $(awk -v w="${!w}" -v a="$a" 'BEGIN { printf "%.2f", w / a }')× ailevel"
      if [ "$latency" -gt 0 ]; then
        sum[$p$latency]+=", wall/ideal $(awk -v w="${!w}" -v i="$ia" 'BEGIN { printf "%.2f", w / i }')"
      fi
    fi
  done
done

echo
echo "summary: wall, peak RSS (raw client: $raw_name)"
echo "| | stub 0 ms | stub 50 ms |"
echo "|---|---|---|"
echo "| ailevel run | ${sum[a0]} | ${sum[a50]}, wall/ideal ${sum[ia]} |"
echo "| raw client | ${sum[r0]} | ${sum[r50]}, wall/ideal ${sum[ir]} |"
echo "| ailevel/raw | ${sum[ar0]} | ${sum[ar50]} |"
echo "| promptfoo | ${sum[pf0]} | ${sum[pf50]} |"
echo "| inspect-ai | ${sum[in0]} | ${sum[in50]} |"
