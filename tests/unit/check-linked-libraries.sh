#!/usr/bin/env bash
# The programs must not link libcurl or libsecret themselves: those load as modules
# (src/core/util/sd-module.c) only for OAuth and the keyring, so that a plain session
# starts with a few libraries instead of some 45 (issue 21). Reads each ELF's NEEDED
# entries; skips (77) where that cannot be done (no readelf, a Windows .exe).
#   check-linked-libraries.sh PROGRAM...
set -u
if ! command -v readelf >/dev/null 2>&1; then
  echo "SKIP: readelf not found"; exit 77
fi
status=0 checked=0
for program in "$@"; do
  if ! head -c 4 "$program" | grep -q 'ELF'; then
    echo "skip: $program is not an ELF file"; continue
  fi
  checked=$((checked + 1))
  needed=$(readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  echo "$program needs: $(echo $needed)"
  for lib in $needed; do
    case "$lib" in
      libcurl*|libsecret*)
        echo "FAIL: $program links $lib directly (it belongs in a module)"; status=1 ;;
    esac
  done
done
if [ "$checked" -eq 0 ]; then
  echo "SKIP: no ELF program to check"; exit 77
fi
exit $status
