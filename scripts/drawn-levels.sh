#!/usr/bin/env bash
# Grades every reference simulator with `--phrasing drawn` on seeds FIRST..LAST and prints a
# table (profile, level per seed, OK when every seed gives exactly the profile's level).
# Usage: scripts/drawn-levels.sh [FIRST] [LAST] [PROFILE_GLOB]
set -euo pipefail
first=${1:-1}; last=${2:-10}; glob=${3:-*}
bin=${AILEVEL_BIN:-target/debug/ailevel}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
jobs=${JOBS:-2}
run_one() {
  local profile=$1 seed=$2 bin=$3 out=$4 name level
  name=$(basename "$profile" .toml)
  level=$("$bin" run --device "$profile" --phrasing drawn --seed "$seed" --concurrency 8 \
    --out "$out/$name-$seed" --json -q 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["level"] or "none")') || true
  echo "$name $seed ${level:-none}" >"$out/$name-$seed.level"
}
export -f run_one
for p in devices/sim/$glob.toml; do
  for s in $(seq "$first" "$last"); do echo "$p $s"; done
done | xargs -P "$jobs" -n 2 bash -c 'run_one "$0" "$1" '"$bin $out"
printf '%-14s' profile; for s in $(seq "$first" "$last"); do printf ' s%-3s' "$s"; done; echo
for p in devices/sim/$glob.toml; do
  name=$(basename "$p" .toml); want=L${name##*-l}; ok=OK
  printf '%-14s' "$name"
  for s in $(seq "$first" "$last"); do
    got=$(cut -d' ' -f3 "$out/$name-$s.level")
    [ "$got" = "$want" ] || ok=MISS
    printf ' %-4s' "$got"
  done
  echo " $ok"
done
