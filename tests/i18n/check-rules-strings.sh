#!/usr/bin/env bash
# data/hints/rules-strings.c (the knowledge base's strings, for xgettext) must be what
# sd-hints-validate --strings makes of data/hints/kb.json and rules/*.json now; and
# hints.gresource.xml and src/core/meson.build must name every rule file, so none is
# left unchecked or unloaded.
# Usage: check-rules-strings.sh SD-HINTS-VALIDATE SOURCE-ROOT
set -euo pipefail
validate=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$2"
echo "1..2"
if fresh=$("$validate" --strings data/hints/kb.json data/hints/rules/*.json) &&
   diff -u data/hints/rules-strings.c <(printf '%s\n' "$fresh") >&2; then
  echo "ok 1 data/hints/rules-strings.c matches data/hints/kb.json and rules/*.json"
else
  echo "not ok 1 data/hints/rules-strings.c is out of date: run" \
       "sd-hints-validate --strings data/hints/kb.json data/hints/rules/*.json" \
       "> data/hints/rules-strings.c in the source root"
  exit 1
fi
missing=""
for f in data/hints/rules/*.json; do
  name=${f#data/hints/}
  grep -q ">$name</file>" data/hints/hints.gresource.xml || missing="$missing $name (gresource)"
  grep -q "'../../data/hints/$name'" src/core/meson.build || missing="$missing $name (meson)"
done
if [ -z "$missing" ]; then
  echo "ok 2 every rule file is loaded and checked"
else
  echo "not ok 2 not listed:$missing"
  exit 1
fi
