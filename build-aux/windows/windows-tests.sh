#!/usr/bin/env bash
# Prints the tests of a Windows build (cross or MSYS2) that run on Windows, one a line,
# for `meson test`: the unit, server and GUI suites (the GUI tests need no D-Bus on
# Windows: the application registers without a bus and the secret store is in memory),
# except
#   cli-serve   it stops the server with Ctrl+C and checks the goodbye; a test cannot
#               send Ctrl+C to a child on Windows (GSubprocess has no new process group),
#               and under wine the child has no console at all;
#   gui         its checked check boxes need GTK's Adwaita check mark, an SVG, and the
#               cross sysroot's gdk-pixbuf has no SVG loader: GTK warns (fatal under
#               g_test) in /gui/session/auth-only-after-starttls;
#   postfix     (its own suite) a Linux Postfix as root;
#   secret-service  (not built with -Dlibsecret=disabled) GNOME Keyring over D-Bus.
# The cross build runs the GUI tests under wine in Xvfb (tests/gui/meson.build).
#   build-aux/windows/windows-tests.sh BUILDDIR
set -euo pipefail
meson test -C "${1:?usage: windows-tests.sh BUILDDIR}" --list 2>/dev/null \
  | sed -n 's/^smtp-doctor:\(unit\|server\|gui\|gui+i18n\) \/ //p' | grep -vx -e 'cli-serve' -e 'gui'
