#!/usr/bin/env bash
# Builds, tests and bundles SMTP Doctor natively on Windows, in an MSYS2 UCRT64 shell:
#   build-aux/windows/build-msys2.sh [BUILDDIR] [BUNDLE]
# then the installer: build-aux/windows/make-msi.sh BUNDLE VERSION OUT.msi
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/_build/msys2}
bundle=${2:-$top/_build/bundle}
[ "${MSYSTEM:-}" = UCRT64 ] || { echo "build-msys2: run this in an MSYS2 UCRT64 shell" >&2; exit 1; }

pacman -S --needed --noconfirm $(grep -v '^#' "$top/build-aux/windows/msys2-packages.txt")
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" --buildtype=release -Dlibsecret=disabled
ninja -C "$build"
# The tests windows-tests.sh lists (it says why the others cannot run on Windows); the
# GUI ones open their windows on the runner's desktop (not tried on a runner yet).
# shellcheck disable=SC2046
meson test -C "$build" --print-errorlogs $("$top/build-aux/windows/windows-tests.sh" "$build")
OBJDUMP=objdump "$top/build-aux/windows/bundle.sh" "$build" "$MINGW_PREFIX" "$bundle"
"$bundle/bin/smtp-doctor-cli.exe" version
