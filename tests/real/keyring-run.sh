#!/usr/bin/env bash
# Runs a test (program or script) against a real Secret Service: a private D-Bus session with its own
# GNOME Keyring and a temp HOME, so separate CLI processes share stored tokens.
#   keyring-run.sh PROGRAM [ARG…]
set -euo pipefail

if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null; then
  echo "1..0 # SKIP gnome-keyring-daemon or dbus-run-session missing"
  exit 77
fi
if [ -z "${SD_IN_DBUS_SESSION:-}" ]; then
  export SD_IN_DBUS_SESSION=1
  exec dbus-run-session -- bash "$0" "$@"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
unset SD_SECRET_STORE
echo -n "test-keyring-password" | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null
"$@"
