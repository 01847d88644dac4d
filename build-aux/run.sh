#!/usr/bin/env bash
# Builds SMTP Doctor and opens the window. It starts on its built-in test server (a
# loopback port, STARTTLS, a demo account), so pressing "Send test mail" shows a whole
# session with no mail server at hand. Without a display it runs the command-line demo.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build/plain"
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ ! -x "$build/src/gui/smtp-doctor" ]; then
  echo "No display (or no GTK build): running the command-line demo instead." >&2
  exec "$top/build-aux/run-demo.sh" "$@"
fi
# The schema and the catalogs are built into the build dir; nothing needs installing.
SMTP_DOCTOR_LOCALEDIR="${SMTP_DOCTOR_LOCALEDIR:-$build/po}" GSETTINGS_SCHEMA_DIR="$build/data" exec "$build/src/gui/smtp-doctor" "$@"
