#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time
# from the seed corpus in tests/fuzz/corpus. New inputs go to a temp dir, not the repo.
#   build-aux/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
build="$top/_build/fuzz"
mkdir -p "$top/_build"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$top" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false >"$build.setup.log" 2>&1 || { cat "$build.setup.log"; exit 1; }
fi
ninja -C "$build" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for target in reply auth session diagnose server client-hello; do
  mkdir -p "$work/$target"
  echo "== fuzz-$target: ${seconds}s"
  if ! "$build/tests/fuzz/fuzz-$target" -max_total_time="$seconds" -max_len=20000 \
      -print_final_stats=1 -artifact_prefix="$work/$target-" "$work/$target" "$top/tests/fuzz/corpus/$target" \
      >"$work/$target.log" 2>&1; then
    status=1
    tail -40 "$work/$target.log"
    mkdir -p "$top/_build/fuzz-crashes"
    cp "$work/$target"-* "$top/_build/fuzz-crashes/" 2>/dev/null || true
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$work/$target.log" | tail -3
done
exit $status
