#!/usr/bin/env bash
# The Windows installer, tried under wine as an administrator's deployment would use it:
#   1. bundles a Windows build (bundle.sh) and makes two MSIs of it with make-msi.sh:
#      the build's version, and an "older" one (patch level one lower, one extra file);
#   2. installs the older one silently (msiexec /i … /qn, per user), then checks the
#      files, the Start menu entry and the entry in Apps;
#   3. runs the installed smtp-doctor-cli.exe: version, and serve + send on loopback;
#   4. starts the installed smtp-doctor.exe under Xvfb, clicks "Send test mail" (a session
#      against its built-in server) and takes a screenshot;
#   5. upgrades to the build's MSI: one product left, the new version, the old-only
#      file gone, the CLI still runs;
#   6. uninstalls (msiexec /x … /qn): the install folder, the Start menu entry, the
#      entry in Apps and our registry key are gone.
# Each step prints "ok STEP" or "FAIL STEP", and the end "Ok: N" and "Fail: N" (as meson
# test does, which .ci/run counts). Runs in its own wine prefix, a copy of the sysroot's.
#
#   build-aux/windows/msi-test.sh BUILDDIR [DEST] [OUTDIR]
#     DEST    where the sysroot is set up (default /opt/win64)
#     OUTDIR  bundle, MSIs, logs, screenshot and wine prefix (default _build/windows-msi)
# Needs wine64, wixl (msitools), xvfb-run, xdotool and imagemagick's import.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: msi-test.sh BUILDDIR [DEST] [OUTDIR]}" && pwd)
dest=${2:-/opt/win64}
out=${3:-$top/_build/windows-msi}
here=$top/build-aux/windows
exec </dev/null
. "$here/wine-lib.sh"

passed=0
failed=0
check() {   # check STEP COMMAND…: runs COMMAND, counts and says how it went
  local step=$1
  shift
  if "$@"; then
    echo "ok $step"; passed=$((passed + 1))
  else
    echo "FAIL $step"; failed=$((failed + 1))
  fi
}
finish() {
  echo "Ok:                 $passed"
  echo "Fail:               $failed"
  exit $((failed > 0))
}

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(meson introspect --projectinfo "$build" | sed -n 's/.*"version": *"\([0-9.]*\)[^"]*".*/\1/p')
IFS=. read -r major minor patch <<<"$version"
if [ "${patch:-0}" -gt 0 ]; then
  old_version=$major.$minor.$((patch - 1))
else
  # x.y.0: the older one is x.(y-1).99, or (x-1).99.99
  if [ "$minor" -gt 0 ]; then old_version=$major.$((minor - 1)).99; else old_version=$((major - 1)).99.99; fi
fi

echo "== MSI $version (and $old_version to upgrade from)"
make_msis() {
  "$here/bundle.sh" "$build" "$dest/sysroot" "$out/bundle" &&
    cp -al "$out/bundle" "$out/bundle-old" &&
    echo "only in the older version" >"$out/bundle-old/share/old-only.txt" &&
    "$here/make-msi.sh" "$out/bundle-old" "$old_version" "$out/smtp-doctor-old.msi" &&
    "$here/make-msi.sh" "$out/bundle" "$version" "$out/smtp-doctor.msi"
}
check "make-msi" make_msis
[ "$failed" -eq 0 ] || finish

# A prefix of its own, copied from the sysroot's (Tahoma registered there): what this
# script installs and removes touches no other prefix. winemenubuilder would turn the
# Start menu entry into a .desktop file on this machine: disabled.
export WINEPREFIX=$out/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES=winemenubuilder.exe=d WINEPATH=
cp -a "$dest/wineprefix" "$WINEPREFIX"
wine="timeout 180 /usr/lib/wine/wine64"
wineserver=/usr/lib/wine/wineserver
# The prefix's server and services, started here with no pipe open: one started by a
# step below would keep that step's output open after it ended.
$wineserver -p >/dev/null 2>&1
trap '$wineserver -k >/dev/null 2>&1 || true' EXIT
$wine cmd /c exit >/dev/null 2>&1 || true

user=$($wine cmd /c 'echo %USERNAME%' 2>/dev/null | tr -d '\r')
users_dir=$WINEPREFIX/drive_c/users/$user
app_dir=$users_dir/AppData/Local/Programs/SMTP\ Doctor
app_win="C:\\users\\$user\\AppData\\Local\\Programs\\SMTP Doctor"
shortcut=$users_dir/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/SMTP\ Doctor.lnk
cli="$app_win\\bin\\smtp-doctor-cli.exe"

msiexec() {   # msiexec LOGNAME ARGS…
  local log=$1
  shift
  $wine msiexec "$@" /qn /l*v "Z:$out/$log.log" >/dev/null 2>&1
}
# The "Apps" entries of SMTP Doctor: "VERSION" lines (wine keeps them in HKLM).
apps_entries() {
  local root
  for root in HKLM HKCU; do
    $wine reg query "$root\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall" /s 2>/dev/null
  done | tr -d '\r' | awk 'function flush() { if (name == "SMTP Doctor") print v; name = v = "" }
    /^HKEY/ { flush() } $1 == "DisplayName" { name = $3 " " $4 } $1 == "DisplayVersion" { v = $3 }
    END { flush() }'
}
installed_as() {   # installed_as VERSION: exactly one entry in Apps, with VERSION
  local got
  got=$(apps_entries | sort -u | tr '\n' ' ')
  echo "in Apps: ${got:-nothing}"
  [ "$got" = "${1:+$1 }" ]
}

echo "== per machine (ALLUSERS=1): refused"
refused() { ! msiexec refused /i "Z:$out/smtp-doctor-old.msi" ALLUSERS=1 && [ -z "$(apps_entries)" ]; }
check "ALLUSERS=1 refused, nothing installed" refused

echo "== install $old_version (per user, silent)"
check "install" msiexec install /i "Z:$out/smtp-doctor-old.msi"
check "installed into %LOCALAPPDATA%\\Programs\\SMTP Doctor" \
  test -f "$app_dir/bin/smtp-doctor.exe" -a -f "$app_dir/share/old-only.txt"
check "Start menu entry" test -f "$shortcut"
check "the Start menu entry starts bin\\smtp-doctor.exe" grep -qa 'smtp-doctor.exe' "$shortcut"
check "in Apps as $old_version" installed_as "$old_version"

echo "== the installed CLI"
check "version" bash -c '$1 "$2" version | tee "$3" && grep -q "^smtp-doctor-cli $4" "$3"' \
  sh "$wine" "$cli" "$out/version.log" "$version"
check "serve + send" serve_send installed PIN

# The GUI: keys do not reach a wine window without a window manager, so a click on
# "Send test mail" (the third control of the toolbar: with the bundle's Adwaita theme
# x 356-457, y 8-39 from the window's corner) runs a session against the built-in
# server; the GUI then saves the form in the registry. (The first GTK start in a new
# prefix may draw nothing: cross-test.sh runs the GUI tests in the prefix copied here
# first; run alone on a fresh prefix, this step may need a second try.)
echo "== the installed GUI"
# GTK makes its windows only when no desktop window of an earlier wine program (started
# without a display) lives in the prefix's server ("WM_CREATE ... HWND mismatch"): the
# server goes first, and a first start that drew nothing gets one more.
gui_once() {
  $wineserver -k >/dev/null 2>&1 || true
  $wineserver -w >/dev/null 2>&1 || true
  gui_click_shot "$app_win\\bin\\smtp-doctor.exe" "$out/$1" 400 22
}
gui() {
  gui_once "$1" && return 0
  echo "the installed GUI drew nothing the first time; starting it again"
  gui_once "$1" || { grep -v '^$' "$out/$1.log" | tail -20; false; }
}
settings_key='HKCU\Software\GSettings\io\github\smtpdoctor\SmtpDoctor'
gui_saved() {
  $wine reg query "$settings_key" 2>/dev/null | tr -d '\r' | grep -qE '^ +server +REG_SZ +.*127\.0\.0\.1'
}
$wine reg delete "$settings_key" /f >/dev/null 2>&1 || true
check "GUI window ($out/gui-installed.png)" gui gui-installed
check "a session from the GUI (it saved the form)" gui_saved

echo "== upgrade to $version"
check "upgrade" msiexec upgrade /i "Z:$out/smtp-doctor.msi"
check "in Apps as $version only" installed_as "$version"
check "the older version's own file is gone" test ! -e "$app_dir/share/old-only.txt"
check "version after the upgrade" bash -c '$1 "$2" version | grep -q "^smtp-doctor-cli $3"' \
  sh "$wine" "$cli" "$version"

echo "== uninstall"
check "uninstall" msiexec uninstall /x "Z:$out/smtp-doctor.msi"
check "the install folder is gone" test ! -e "$app_dir"
check "the Start menu entry is gone" test ! -e "$shortcut"
check "not in Apps" installed_as ""
check "the user's own settings stay" gui_saved
check "no HKCU\\Software\\SMTP Doctor" bash -c '! $1 reg query "HKCU\\Software\\SMTP Doctor" >/dev/null 2>&1' sh "$wine"
# The prefix is 700 MB; only a failed run keeps it, to look into.
if [ "$failed" -eq 0 ]; then
  $wineserver -k >/dev/null 2>&1 || true
  rm -rf "$WINEPREFIX"
fi
finish
