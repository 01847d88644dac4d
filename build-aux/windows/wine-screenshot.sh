#!/usr/bin/env bash
# Tries the Windows bundle (build-aux/windows/bundle.sh) under wine, with only the
# bundle's own DLLs (not the sysroot's) on the search path:
#   1. smtp-doctor-cli.exe version;
#   2. smtp-doctor-cli.exe serve on a free loopback port, and a send against it; then
#      certificate verification against the Windows certificate store (a private CA
#      put into and taken out of the user's Root store);
#   3. smtp-doctor.exe under Xvfb, once per theme (win32 and Adwaita through the
#      bundle's settings.ini): a session against its built-in server, then a screenshot;
#   4. the settings the GUI saved, in the registry (GLib's default backend on Windows)
#      and read back by gsettings.exe.
#
#   build-aux/windows/wine-screenshot.sh BUNDLE [OUTDIR] [DEST]
#     OUTDIR  where the PNGs and logs go (default _build/windows-shots)
#     DEST    where the sysroot is set up, for its wine prefix (default /opt/win64)
# Needs wine64, xvfb-run, xdotool, openssl and imagemagick's import.
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

# serve_send NAME VERIFY [SERVE-ARGS…] (uses $wine, $cli, $out)
. "$top/build-aux/windows/wine-lib.sh"

echo "== serve + send"
serve_send pinned PIN || status=1

# Certificate verification uses GnuTLS's system trust, which on Windows is the
# certificate store. A private CA: its server is refused, then accepted once the CA is
# in the current user's Root store (HKCU, as the registry store wine's crypt32 reads:
# a "Blob" of property 32, the DER, under the SHA-1 of the DER), refused again after.
echo "== TLS verification against the Windows certificate store"
trust="$out/trust"
mkdir -p "$trust"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=SMTP Doctor wine test CA" \
  -keyout "$trust/ca.key" -out "$trust/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$trust/server.key" -out "$trust/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$trust/ext.cnf"
openssl x509 -req -in "$trust/server.csr" -CA "$trust/ca.pem" -CAkey "$trust/ca.key" \
  -CAcreateserial -days 1 -extfile "$trust/ext.cnf" -out "$trust/server.pem" 2>/dev/null
openssl x509 -in "$trust/ca.pem" -outform DER -out "$trust/ca.der"
ca_sha1=$(sha1sum "$trust/ca.der" | cut -c1-40 | tr a-f A-F)
ca_key="HKCU\\Software\\Microsoft\\SystemCertificates\\Root\\Certificates\\$ca_sha1"
le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }
{
  printf 'Windows Registry Editor Version 5.00\r\n\r\n[%s]\r\n"Blob"=hex:' "${ca_key/HKCU/HKEY_CURRENT_USER}"
  { le32 32; le32 1; le32 "$(stat -c %s "$trust/ca.der")"; od -An -v -tx1 "$trust/ca.der"; } \
    | tr -d ' \n' | sed 's/../&,/g; s/,$//'
  printf '\r\n'
} >"$trust/ca.reg"
served=(--cert "Z:$trust/server.pem" --key "Z:$trust/server.key" --hostname localhost)
if serve_send untrusted verify "${served[@]}"; then
  echo "a certificate from a CA outside the store was accepted"; status=1
fi
timeout 60 /usr/lib/wine/wineserver -w || true
$wine reg import "Z:$trust/ca.reg" >/dev/null 2>&1
serve_send trusted verify "${served[@]}" || status=1
$wine reg delete "$ca_key" /f >/dev/null 2>&1 || status=1
timeout 60 /usr/lib/wine/wineserver -w || true
if serve_send removed verify "${served[@]}"; then
  echo "the CA still counted after it left the store"; status=1
fi

# The GUI, once per theme (gtk-theme-name in the bundle's etc\gtk-3.0\settings.ini,
# put back afterwards): it starts its built-in server and shows the "Built-in test
# server" profile; a click on "Send test mail" runs a session against it, then the
# screen is taken. Keys do not reach a wine window without a window manager, so it is
# a click, at a spot inside that button in both themes (the third control of the
# toolbar: x 316-390, y 8-31 from the window's corner). The first GTK start in a new
# prefix can draw nothing (see ../shared/windows/README.md): a warm-up run comes first.
ini="$bundle/etc/gtk-3.0/settings.ini"
cp "$ini" "$out/settings.ini.orig"
trap 'cp "$out/settings.ini.orig" "$ini"' EXIT
shoot() {
  local name=$1 theme=$2
  # A wine session started without this display (the CLI, reg) would own the desktop
  # window, and GTK could not create its windows: wait until that session has ended.
  timeout 60 /usr/lib/wine/wineserver -w || true
  printf '[Settings]\ngtk-theme-name=%s\n' "$theme" >"$ini"
  if gui_click_shot "$bundle/bin/smtp-doctor.exe" "$out/$name" 350 20; then
    echo "$out/$name.png"
  else
    echo "no screenshot for $name:"; grep -v -e '^$' -e Pango-CRITICAL "$out/$name.log" | tail -20; status=1
  fi
}
echo "== GUI"
settings_key='HKCU\Software\GSettings\io\github\smtpdoctor\SmtpDoctor'
$wine reg delete "$settings_key" /f >/dev/null 2>&1 || true
shoot warmup win32
rm -f "$out/warmup.png"
shoot gui-win32 win32
shoot gui-adwaita Adwaita

# Settings: GLib's default backend on Windows is the registry. The GUI saved the form
# when it sent (the key was deleted before it started); the registry must hold the
# server, and GLib's own gsettings.exe (a separate process) must read it back.
echo "== GSettings (registry backend)"
timeout 60 /usr/lib/wine/wineserver -w || true
$wine reg query "$settings_key" 2>/dev/null | tr -d '\r' | grep -E '^ +(server|subject|profile) ' \
  || { echo "the GUI wrote no settings to the registry"; status=1; }
if [ -f "$dest/sysroot/bin/gsettings.exe" ]; then
  got=$(WINEPATH="Z:$bundle/bin" GSETTINGS_SCHEMA_DIR="Z:$bundle/share/glib-2.0/schemas" \
    $wine "$dest/sysroot/bin/gsettings.exe" get io.github.smtpdoctor.SmtpDoctor server | tr -d '\r')
  echo "gsettings get server: $got"
  [ "$got" = "'127.0.0.1'" ] || { echo "gsettings read back $got, not '127.0.0.1'"; status=1; }
fi
exit $status
