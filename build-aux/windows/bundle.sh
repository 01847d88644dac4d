#!/usr/bin/env bash
# Makes a self-contained Windows folder of SMTP Doctor from a Windows build:
#   DEST/bin/   smtp-doctor.exe, smtp-doctor-cli.exe and the DLLs they need
#   DEST/lib/   gdk-pixbuf loaders and their loaders.cache (when the GTK has loaders)
#   DEST/share/ compiled GSettings schemas, the icons used, our and GTK's translations
#   DEST/etc/gtk-3.0/settings.ini   the theme for Windows
#
#   build-aux/windows/bundle.sh BUILDDIR PREFIX DEST
#     BUILDDIR  a meson build for Windows (the cross build, or one made in MSYS2)
#     PREFIX    where the libraries live: the mingw-w64 sysroot (/opt/win64/sysroot) or
#               MSYS2's $MINGW_PREFIX (/ucrt64)
#
# Runs on Linux (cross build) and in an MSYS2 shell. Only DLLs found in PREFIX/bin are
# copied, found by walking the import tables of the programs (and of the copied DLLs
# and loaders) recursively; anything else (KERNEL32, USER32, ucrtbase…) is Windows' own.
# Tools: OBJDUMP (x86_64-w64-mingw32-objdump, else objdump) and GLIB_COMPILE_SCHEMAS
# (glib-compile-schemas, a native one) can be given in the environment.
set -euo pipefail

if [ $# -ne 3 ]; then
  sed -n '2,17s/^# \{0,1\}//p' "$0" >&2
  exit 1
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
prefix=$(cd "$2" && pwd)
dest=$3
app_id=io.github.smtpdoctor.SmtpDoctor

if [ -z "${OBJDUMP:-}" ]; then
  if command -v x86_64-w64-mingw32-objdump >/dev/null; then
    OBJDUMP=x86_64-w64-mingw32-objdump
  else
    OBJDUMP=objdump
  fi
fi
GLIB_COMPILE_SCHEMAS=${GLIB_COMPILE_SCHEMAS:-glib-compile-schemas}

rm -rf "$dest"
mkdir -p "$dest/bin" "$dest/share/glib-2.0/schemas" "$dest/etc/gtk-3.0"

# DLL names are case-insensitive on Windows; index PREFIX/bin by lower-case name.
declare -A available copied
for f in "$prefix"/bin/*.dll; do
  name=$(basename "$f")
  available[${name,,}]=$f
done

imports() {
  "$OBJDUMP" -p "$1" | sed -n 's/^\s*DLL Name: \(.*\)$/\1/p' | tr -d '\r'
}

# Copies what FILE imports from PREFIX/bin into DEST/bin, and what those import.
walk() {
  local dll key
  for dll in $(imports "$1"); do
    key=${dll,,}
    if [ -n "${copied[$key]:-}" ] || [ -z "${available[$key]:-}" ]; then
      continue
    fi
    copied[$key]=1
    cp "${available[$key]}" "$dest/bin/"
    walk "${available[$key]}"
  done
}

for exe in src/gui/smtp-doctor.exe src/cli/smtp-doctor-cli.exe; do
  if [ -f "$build/$exe" ]; then
    cp "$build/$exe" "$dest/bin/"
    walk "$build/$exe"
  fi
done
[ -f "$dest/bin/smtp-doctor-cli.exe" ] || { echo "bundle: no smtp-doctor-cli.exe in $build" >&2; exit 1; }

# gdk-pixbuf loaders (MSYS2 has them as DLLs; the cross sysroot builds PNG in). The
# cache names each loader by path: regenerated with paths relative to the bundle,
# which gdk-pixbuf resolves against its own installation directory.
loaders=lib/gdk-pixbuf-2.0/2.10.0
if [ -d "$prefix/$loaders/loaders" ]; then
  mkdir -p "$dest/$loaders/loaders"
  for loader in "$prefix/$loaders"/loaders/*.dll; do
    cp "$loader" "$dest/$loaders/loaders/"
    walk "$loader"
  done
  if [ -f "$prefix/$loaders/loaders.cache" ]; then
    # The cache lists each loader as "PREFIX/lib/…/loaders/NAME.dll" (MSYS2 writes
    # Windows paths, e.g. "D:/a/_temp/msys64/ucrt64/lib/…"): keep only the part from
    # lib/ on; gdk-pixbuf looks a relative path up under its installation directory.
    sed -E 's#^"[^"]*(lib[/\\]+gdk-pixbuf-2\.0[/\\]+2\.10\.0[/\\]+loaders[/\\]+[^"/\\]+\.dll)"#"\1"#' \
      "$prefix/$loaders/loaders.cache" >"$dest/$loaders/loaders.cache"
  fi
fi

# GSettings: ours and GTK's (file chooser, colour chooser…), compiled for the bundle.
cp "$top/data/$app_id.gschema.xml" "$dest/share/glib-2.0/schemas/"
cp "$prefix"/share/glib-2.0/schemas/org.gtk.*.gschema.xml "$dest/share/glib-2.0/schemas/" 2>/dev/null || true
"$GLIB_COMPILE_SCHEMAS" --strict "$dest/share/glib-2.0/schemas"

# Icons: ours in hicolor, plus the few themed icons the window and GTK's own widgets
# ask for, from Adwaita when the prefix has it (MSYS2 does; the cross sysroot does not).
mkdir -p "$dest/share/icons"
cp -r "$top/data/icons/hicolor" "$dest/share/icons/"
# Without an SVG loader GTK would pick the SVG, fail, and abort on the missing fallback.
if ! ls "$prefix/$loaders"/loaders/*svg* >/dev/null 2>&1; then
  rm -r "$dest/share/icons/hicolor/scalable"
fi
if [ -f "$prefix/share/icons/hicolor/index.theme" ]; then
  cp "$prefix/share/icons/hicolor/index.theme" "$dest/share/icons/hicolor/"
else
  {
    dirs=$(cd "$dest/share/icons/hicolor" && ls -d */apps | sort -V)
    printf '[Icon Theme]\nName=Hicolor\nComment=Fallback Icon Theme\nHidden=true\nDirectories=%s\n' \
      "$(echo $dirs | tr ' ' ',')"
    for d in $dirs; do
      size=${d%%x*}
      if [ "$size" = scalable/apps ]; then
        printf '\n[%s]\nSize=128\nMinSize=8\nMaxSize=512\nContext=Applications\nType=Scalable\n' "$d"
      else
        printf '\n[%s]\nSize=%s\nContext=Applications\nType=Fixed\n' "$d" "$size"
      fi
    done
  } >"$dest/share/icons/hicolor/index.theme"
fi
icons="open-menu view-reveal view-conceal edit-copy dialog-warning dialog-error
  dialog-information pan-down pan-up pan-start pan-end window-close window-maximize
  window-minimize window-restore edit-find edit-clear go-up go-down list-add list-remove
  object-select process-working document-save folder document-open user-home drive-harddisk
  checkbox-checked checkbox-mixed radio-checked radio-mixed image-missing"
if [ -f "$prefix/share/icons/Adwaita/index.theme" ]; then
  adwaita="$prefix/share/icons/Adwaita"
  mkdir -p "$dest/share/icons/Adwaita"
  cp "$adwaita/index.theme" "$dest/share/icons/Adwaita/"
  for icon in $icons; do
    (cd "$adwaita" && find . \( -name "$icon.*" -o -name "$icon-symbolic.*" -o -name "$icon-symbolic-*" \) \
      -print) | while read -r f; do
      mkdir -p "$dest/share/icons/Adwaita/$(dirname "$f")"
      cp "$adwaita/$f" "$dest/share/icons/Adwaita/$f"
    done
  done
fi
if command -v gtk-update-icon-cache >/dev/null; then
  for theme in "$dest"/share/icons/*/; do
    gtk-update-icon-cache -q -f -t "$theme" || true
  done
fi

# Translations of GTK's own text (dialogs, the file chooser); GLib's when it has them.
if [ -d "$prefix/share/locale" ]; then
  for mo in "$prefix"/share/locale/*/LC_MESSAGES/{gtk30,glib20,gdk-pixbuf}.mo; do
    [ -f "$mo" ] || continue
    rel=${mo#"$prefix"/}
    mkdir -p "$dest/$(dirname "$rel")"
    cp "$mo" "$dest/$rel"
  done
fi

# Our own catalogs, built from po/: share\locale is where sd_i18n_bind() looks, beside bin\.
for mo in "$build"/po/*/LC_MESSAGES/smtp-doctor.mo; do
  [ -f "$mo" ] || continue
  rel=${mo#"$build"/po/}
  mkdir -p "$dest/share/locale/$(dirname "$rel")"
  cp "$mo" "$dest/share/locale/$rel"
done

# Theme, window decorations: see build-aux/windows/settings.ini.
cp "$top/build-aux/windows/settings.ini" "$dest/etc/gtk-3.0/settings.ini"

# Licences of the libraries, from the cross sysroot (one folder per source package).
# MSYS2 keeps every installed package's there: the installer's CI job adds the needed ones.
if [ -f "$prefix/SOURCES.txt" ] && [ -d "$prefix/share/licenses" ]; then
  cp -r "$prefix/share/licenses" "$dest/share/"
fi

echo "bundle: $dest: $(ls "$dest/bin" | grep -ci '\.dll$') DLLs, $(du -sh "$dest" | cut -f1)"
