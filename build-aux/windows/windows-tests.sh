#!/usr/bin/env bash
# Prints the tests of a Windows build (cross or MSYS2) that run on Windows, one a line,
# for `meson test`: the unit and server suites, except
#   cli-serve   it stops the server with Ctrl+C and checks the goodbye; a test cannot
#               send Ctrl+C to a child on Windows (GSubprocess has no new process group),
#               and under wine the child has no console at all;
#   postfix     (its own suite) a Linux Postfix as root;
#   secret-service  (not built with -Dlibsecret=disabled) GNOME Keyring over D-Bus.
#   build-aux/windows/windows-tests.sh BUILDDIR
set -euo pipefail
meson test -C "${1:?usage: windows-tests.sh BUILDDIR}" --list 2>/dev/null \
  | sed -n 's/^smtp-doctor:\(unit\|server\) \/ //p' | grep -vx 'cli-serve'
