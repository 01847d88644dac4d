#!/usr/bin/env bash
# Cross-builds SMTP Doctor for 64-bit Windows with mingw-w64 against the sysroot in
# ../shared/windows, and runs the tests as Windows executables under wine64 (loopback
# only). Skips, saying so, when that folder is not there.
#   build-aux/windows/cross-test.sh [DEST]   (DEST: where the sysroot is set up, default /opt/win64)
#
# The tests that run are those build-aux/windows/windows-tests.sh lists (and says why
# the others cannot); the Credential Manager backend is compiled and linked instead of
# libsecret. Then build-aux/windows/msi-test.sh tries the MSI installer. Each part ends
# with "Ok: N" and "Fail: N" lines (.ci/run adds them up).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared="$top/../shared/windows"
dest=${1:-/opt/win64}
build="$top/_build/windows"

if [ ! -f "$shared/setup-cross.sh" ]; then
  echo "cross-test: $shared not found; skipping the Windows build"
  exit 0
fi
mkdir -p "$top/_build"
if [ ! -x "$dest/wine64-wrapper" ]; then
  bash "$shared/setup-cross.sh" "$dest" >"$top/_build/windows-setup.log" 2>&1 \
    || { tail -20 "$top/_build/windows-setup.log"; exit 1; }
fi

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$top" --cross-file "$dest/cross-mingw64.txt" -Dlibsecret=disabled \
    >"$build.setup.log" 2>&1 || { cat "$build.setup.log"; exit 1; }
fi
ninja -C "$build" >"$build.ninja.log" 2>&1 || { grep -E -A8 'FAILED|error' "$build.ninja.log" | head -60; exit 1; }

# The first wine start builds the prefix's state; do it before any test's clock runs.
"$dest/wine64-wrapper" "$build/src/cli/smtp-doctor-cli.exe" version

status=0
tests=$("$top/build-aux/windows/windows-tests.sh" "$build")
# The GUI tests in a run of their own, once the prefix's server (and the desktop window
# it keeps, made by wine programs started without a display) has gone: GTK started while
# that desktop lived could not make its windows ("WM_CREATE … HWND mismatch").
gui_tests=$(printf '%s\n' $tests | grep -E '^(gui|transcript)' || true)
other_tests=$(printf '%s\n' $tests | grep -vE '^(gui|transcript)' || true)
# shellcheck disable=SC2086
meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 4 $other_tests \
  >"$build.test.log" 2>&1 || true
grep -E '^ *[0-9]+/' "$build.test.log"
count() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1; }
ok=$(count Ok "$build.test.log"); fail=$(count Fail "$build.test.log")
timedout=$(count Timeout "$build.test.log")
# wine sometimes does not exit after a test program has finished: every subtest passed,
# then the time limit. Such a test runs once more, in a fresh wine server, and counts as
# that second run says (a test that failed a subtest is never run again).
hung=$(sed -n 's/^ *[0-9]*\/[0-9]* smtp-doctor:[^/]*\/ \([^ ]*\) *TIMEOUT .* subtests passed$/\1/p' \
  "$build.test.log" | sort -u)
if [ -n "$hung" ]; then
  echo "wine did not exit after these tests had passed every subtest; once more:" $hung
  WINEPREFIX=$dest/wineprefix timeout 120 /usr/lib/wine/wineserver -k 2>/dev/null || true
  WINEPREFIX=$dest/wineprefix timeout 120 /usr/lib/wine/wineserver -w 2>/dev/null || true
  # shellcheck disable=SC2086
  meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 4 $hung \
    >"$build.rerun.log" 2>&1 || true
  grep -E '^ *[0-9]+/' "$build.rerun.log"
  timedout=$((timedout - $(printf '%s\n' $hung | wc -l) + $(count Timeout "$build.rerun.log")))
  ok=$((ok + $(count Ok "$build.rerun.log")))
  fail=$((fail + $(count Fail "$build.rerun.log")))
fi
printf 'Ok: %s\nFail: %s\nTimeout: %s\n' "$ok" "$fail" "$timedout"
[ "$fail" -eq 0 ] && [ "$timedout" -eq 0 ] || status=1
if [ -n "$gui_tests" ]; then
  WINEPREFIX=$dest/wineprefix timeout 120 /usr/lib/wine/wineserver -k 2>/dev/null || true
  WINEPREFIX=$dest/wineprefix timeout 120 /usr/lib/wine/wineserver -w 2>/dev/null || true
  # shellcheck disable=SC2086
  meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 4 $gui_tests \
    >"$build.gui-test.log" 2>&1 || status=1
  grep -E '^ *[0-9]+/|^(Ok|Fail|Timeout): ' "$build.gui-test.log"
fi

# The installer: an MSI of this build installed, run, upgraded and removed under wine,
# in a prefix of its own (build-aux/windows/msi-test.sh).
"$top/build-aux/windows/msi-test.sh" "$build" "$dest" "$top/_build/windows-msi" \
  >"$build.msi.log" 2>&1 || status=1
cat "$build.msi.log"
exit $status
