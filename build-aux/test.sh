#!/usr/bin/env bash
# Builds SMTP Doctor and runs every test: once normally, once under AddressSanitizer and
# UndefinedBehaviorSanitizer. Prints "N passed, N failed" at the end.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

passed=0
failed=0
status=0

run_suite () {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
  fi
  ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
  meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
  # Count from meson's own log, so the total cannot drift from what ran.
  local log="$dir/meson-logs/testlog.json"
  local ok bad
  ok=$(grep -c '"result": "OK"' "$log" || true)
  bad=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
  passed=$((passed + ok))
  failed=$((failed + bad))
  return 0
}

mkdir -p _build
run_suite _build/plain || status=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite _build/sanitize -Db_sanitize=address,undefined -Db_lundef=false || status=1

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
