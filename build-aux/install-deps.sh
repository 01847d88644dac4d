#!/usr/bin/env bash
# Installs what building and testing SMTP Doctor needs on Debian 12 (run as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2046
apt-get install -y -qq --no-install-recommends $(grep -v '^#' "$here/debian-packages.txt") >/dev/null
