#!/usr/bin/env bash
# Tries the Windows bundle (build-aux/windows/bundle.sh) under wine, with only the
# bundle's own DLLs (not the sysroot's) on the search path:
#   1. smtp-doctor-cli.exe version;
#   2. smtp-doctor-cli.exe serve on a free loopback port, and a send against it;
#   3. smtp-doctor.exe under Xvfb, one screenshot per theme: the bundle's settings.ini
#      (win32) and GTK_THEME=Adwaita for comparison;
#   4. a GSettings write through GLib's default backend on Windows (the registry).
#
#   build-aux/windows/wine-screenshot.sh BUNDLE [OUTDIR] [DEST]
#     OUTDIR  where the PNGs and logs go (default _build/windows-shots)
#     DEST    where the sysroot is set up, for its wine prefix (default /opt/win64)
# Needs wine64, xvfb-run and imagemagick's import.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bundle=$(cd "${1:?usage: wine-screenshot.sh BUNDLE [OUTDIR] [DEST]}" && pwd)
out=${2:-$top/_build/windows-shots}
dest=${3:-/opt/win64}
mkdir -p "$out"
out=$(cd "$out" && pwd)

export WINEPREFIX=${WINEPREFIX:-$dest/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
export WINEPATH=
# Bounded, and with no stdin: a wine program left reading the terminal hangs the run.
wine="timeout 120 /usr/lib/wine/wine64"
exec </dev/null
cli="$bundle/bin/smtp-doctor-cli.exe"
status=0

echo "== version"
$wine "$cli" version

echo "== serve + send"
$wine "$cli" serve --port 0 --accept-any-auth >"$out/serve.log" 2>&1 &
serve=$!
port=
for _ in $(seq 60); do
  port=$(sed -n 's/^Listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$out/serve.log")
  [ -n "$port" ] && break
  sleep 0.5
done
if [ -z "$port" ]; then
  echo "serve did not start:"; cat "$out/serve.log"; status=1
else
  SMTP_PASSWORD=secret $wine "$cli" send --server 127.0.0.1 --port "$port" \
    --tls-verify "pin:$(sed -n 's/.* SHA-256 \([0-9a-f]*\).*/\1/p' "$out/serve.log")" --user demo --password-env SMTP_PASSWORD \
    --from a@example.test --to b@example.test --subject 'Grüße aus Wine' \
    >"$out/send.log" 2>&1 || status=1
  grep -E '^Result|^TLS' "$out/send.log" || { cat "$out/send.log"; status=1; }
fi
kill "$serve" 2>/dev/null || true
wait "$serve" 2>/dev/null || true

# One screenshot of the window per theme. The first GTK start in a new prefix can
# draw nothing (see ../shared/windows/README.md): a warm-up run comes first.
shoot() {
  local name=$1 wait=$2
  shift 2
  xvfb-run -a -s '-screen 0 1400x950x24' env "$@" sh -c '
    /usr/lib/wine/wine64 "$1" >"$2.log" 2>&1 & pid=$!
    sleep "$3"; import -window root "$2.png"; kill $pid; wait $pid' \
    sh "$bundle/bin/smtp-doctor.exe" "$out/$name" "$wait" || true
  if [ -s "$out/$name.png" ]; then
    echo "$out/$name.png"
  else
    echo "no screenshot for $name:"; tail -20 "$out/$name.log"; status=1
  fi
}
echo "== GUI"
shoot warmup 15 SD_UNUSED=1
shoot gui-win32 20 SD_UNUSED=1
shoot gui-adwaita 20 GTK_THEME=Adwaita

echo "== GSettings (registry backend)"
$wine reg delete 'HKCU\Software\GSettings\io\github\smtpdoctor\SmtpDoctor' /f >/dev/null 2>&1 || true
if [ -f "$dest/sysroot/bin/gsettings.exe" ]; then
  WINEPATH="$(winepath -w "$bundle/bin" 2>/dev/null || echo "Z:$bundle/bin")" \
    GSETTINGS_SCHEMA_DIR="Z:$bundle/share/glib-2.0/schemas" \
    $wine "$dest/sysroot/bin/gsettings.exe" set io.github.smtpdoctor.SmtpDoctor server mail.example.test
  $wine reg query 'HKCU\Software\GSettings\io\github\smtpdoctor\SmtpDoctor' 2>/dev/null | tr -d '\r' \
    | grep -i server || { echo "server not in the registry"; status=1; }
fi
exit $status
