#!/usr/bin/env bash
# data/hints/rules-strings.c (the knowledge base's strings, for xgettext) must be what
# sd-hints-validate --strings makes of data/hints/rules.json now.
# Usage: check-rules-strings.sh SD-HINTS-VALIDATE SOURCE-ROOT
set -euo pipefail
validate=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$2"
echo "1..1"
if fresh=$("$validate" --strings data/hints/rules.json) &&
   diff -u data/hints/rules-strings.c <(printf '%s\n' "$fresh") >&2; then
  echo "ok 1 data/hints/rules-strings.c matches data/hints/rules.json"
else
  echo "not ok 1 data/hints/rules-strings.c is out of date: run" \
       "sd-hints-validate --strings data/hints/rules.json > data/hints/rules-strings.c" \
       "in the source root"
  exit 1
fi
