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

# The prefix's server, kept up until the end: a server (and wine's services) that a
# test started would hold that test's output pipe open after it ended, and meson would
# wait for it until the timeout (cli did, with all its cases passed). The first wine
# start builds the prefix's state; do it before any test's clock runs.
export WINEPREFIX=${WINEPREFIX:-$dest/wineprefix}
/usr/lib/wine/wineserver -p </dev/null >/dev/null 2>&1
trap '/usr/lib/wine/wineserver -k >/dev/null 2>&1 || true' EXIT
"$dest/wine64-wrapper" "$build/src/cli/smtp-doctor-cli.exe" version </dev/null

status=0
tests=$("$top/build-aux/windows/windows-tests.sh" "$build")
# shellcheck disable=SC2086
meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 4 $tests \
  >"$build.test.log" 2>&1 || status=1
grep -E '^ *[0-9]+/|^(Ok|Fail|Timeout): ' "$build.test.log"

# The installer: an MSI of this build installed, run, upgraded and removed under wine,
# in a prefix of its own (build-aux/windows/msi-test.sh).
"$top/build-aux/windows/msi-test.sh" "$build" "$dest" "$top/_build/windows-msi" \
  >"$build.msi.log" 2>&1 || status=1
cat "$build.msi.log"
exit $status
