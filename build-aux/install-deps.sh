#!/usr/bin/env bash
# Installs what building and testing SMTP Doctor needs on Debian 12. Run it as root or
# as a user (then it asks sudo; containers often have no sudo but run as root).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps.sh: run it as root (no sudo here)" >&2; exit 1; }
  exec sudo "$0" "$@"
fi
# Another apt (unattended-upgrades on a fresh machine) may hold the lock: wait for it.
apt_get () { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
here=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
# The real-server tests run their own Postfix instance; keep the system's unconfigured.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# Installing a server package must not start it as a system service (Dovecot would listen
# on every interface); the tests start their own instances on loopback.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt_get update -qq
# shellcheck disable=SC2046
apt_get install -y -qq --no-install-recommends $(grep -v '^#' "$here/debian-packages.txt") >/dev/null
# A German locale for the monitor test: perfdata must stay C-locale under LC_NUMERIC=de_DE.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  sed -i 's/^# *\(de_DE\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^de_DE\.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' >>/etc/locale.gen
  locale-gen >/dev/null
fi
# npm: Debian's package, unless a node with its own npm (NodeSource, which conflicts
# with Debian's npm) is installed already.
command -v npm >/dev/null || apt_get install -y -qq --no-install-recommends npm >/dev/null
# nodemailer for tests/real/clients, into that folder (node_modules/ is not in git).
if [ -n "${SUDO_USER:-}" ]; then
  sudo -u "$SUDO_USER" npm install --prefix "$here/../tests/real/clients" --no-audit --no-fund --silent
else
  npm install --prefix "$here/../tests/real/clients" --no-audit --no-fund --silent
fi
