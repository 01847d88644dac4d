#!/usr/bin/env bash
# Installs what building and testing SMTP Doctor needs on Debian 12 (run as root).
set -euo pipefail
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
apt-get update -qq
# shellcheck disable=SC2046
apt-get install -y -qq --no-install-recommends $(grep -v '^#' "$here/debian-packages.txt") >/dev/null
# npm: Debian's package, unless a node with its own npm (NodeSource, which conflicts
# with Debian's npm) is installed already.
command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends npm >/dev/null
# nodemailer for tests/real/clients, into that folder (node_modules/ is not in git).
if [ -n "${SUDO_USER:-}" ]; then
  sudo -u "$SUDO_USER" npm install --prefix "$here/../tests/real/clients" --no-audit --no-fund --silent
else
  npm install --prefix "$here/../tests/real/clients" --no-audit --no-fund --silent
fi
