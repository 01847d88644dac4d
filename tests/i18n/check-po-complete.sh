#!/usr/bin/env bash
# Every string in the sources (po/POTFILES, as xgettext sees them now) has a translation
# in po/LANG.po that is neither missing, empty nor fuzzy.
# Usage: check-po-complete.sh SOURCE-ROOT LANG...
set -euo pipefail
cd "$1"
shift
pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
# The keywords of meson's "glib" preset (po/meson.build); xgettext knows the rest. Its
# failure must fail the test: an empty template would pass every catalog.
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --files-from=po/POTFILES --output="$pot" 2>/dev/null ||
  { echo "1..0"; echo "Bail out! xgettext failed on po/POTFILES"; exit 1; }
echo "1..$#"
n=0
status=0
for lang in "$@"; do
  n=$((n + 1))
  # msgcmp counts untranslated and fuzzy entries of the catalog as absent.
  if msgcmp --no-fuzzy-matching "po/$lang.po" "$pot" >&2; then
    echo "ok $n po/$lang.po translates every string of the sources"
  else
    echo "not ok $n po/$lang.po lacks translations (above): run meson compile smtp-doctor-pot and smtp-doctor-update-po, then translate"
    status=1
  fi
done
exit $status
