#!/usr/bin/env bash
# Makes a self-contained Windows folder of SMTP Doctor from a Windows build:
#   DEST/bin/   smtp-doctor.exe, smtp-doctor-cli.exe, the modules (sd-oauth-curl.dll) and
#               the DLLs they need
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
# The modules loaded on demand (libcurl for OAuth) sit beside the exe, with the DLLs
# they need (src/core/util/sd-module.c looks there).
for module in "$build"/src/core/sd-*.dll; do
  [ -f "$module" ] || continue
  cp "$module" "$dest/bin/"
  walk "$module"
done
[ -f "$dest/bin/sd-oauth-curl.dll" ] || { echo "bundle: no sd-oauth-curl.dll in $build/src/core" >&2; exit 1; }

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

# Icons. GTK looks a name up in the icon theme (Adwaita), then in hicolor. Its own
# built-in icons (image-missing, most symbolic ones its widgets draw) live inside
# libgtk under hicolor's directory names, so they are found only through the
# directories hicolor's index.theme lists: an index.theme with just our apps/
# directories hides them, and GTK aborts on the missing image-missing. Hence
# hicolor's full index.theme, and from Adwaita the icons the UI and GTK's widgets
# ask for. Both come from PREFIX, else from this machine (Debian's hicolor-icon-theme
# and adwaita-icon-theme; Debian's Adwaita has every symbolic icon as a PNG too).
theme_dir() {
  local d
  for d in "$prefix/share/icons/$1" "/usr/share/icons/$1"; do
    if [ -f "$d/index.theme" ]; then
      echo "$d"
      return
    fi
  done
  echo "bundle: no $1 icon theme in $prefix/share/icons or /usr/share/icons" >&2
  return 1
}
svg_loader=
if ls "$prefix/$loaders"/loaders/*svg*.dll >/dev/null 2>&1; then
  svg_loader=1
fi
icons_dir="$dest/share/icons"
mkdir -p "$icons_dir/Adwaita"
cp -r "$top/data/icons/hicolor" "$icons_dir/"
hicolor=$(theme_dir hicolor)
cp "$hicolor/index.theme" "$icons_dir/hicolor/"
# Without an SVG loader GTK would pick an SVG, fail to load it, and draw image-missing.
if [ -z "$svg_loader" ]; then
  rm -r "$icons_dir/hicolor/scalable"
fi

# The names our UI uses (icon-name properties, "…-symbolic" in the code), and the
# ones GTK's widgets use: combo and menu arrows, search entry, spinner, dialogs,
# window buttons, check and radio marks, the GTK file chooser's places.
ui_icons=$(cd "$top" && { sed -n 's/.*name="icon[-_]name"[^>]*>\([^<]*\)<.*/\1/p' ui/*.ui
                          grep -ho '"[a-z0-9-]*-symbolic"' src/gui/*.c | tr -d '"'; } | sort -u)
gtk_icons="image-missing open-menu pan-down pan-up pan-start pan-end edit-find edit-clear
  edit-copy edit-paste edit-cut edit-delete edit-select-all process-working object-select
  view-reveal view-conceal dialog-warning dialog-error dialog-information dialog-question
  window-close window-maximize window-minimize window-restore go-up go-down list-add
  list-remove value-increase value-decrease checkbox-checked checkbox-mixed radio-checked
  radio-mixed document-save document-open document-open-recent folder folder-new
  user-home user-desktop drive-harddisk"
adwaita=$(theme_dir Adwaita)
cp "$adwaita/index.theme" "$icons_dir/Adwaita/"
for icon in $(printf '%s\n' $ui_icons $gtk_icons | sed 's/-symbolic$//' | sort -u); do
  (cd "$adwaita" && find . -type f \( -name "$icon.*" -o -name "$icon-symbolic.*" \
      -o -name "$icon-symbolic-rtl.*" -o -name "$icon-symbolic-ltr.*" -o -name "$icon-rtl.*" \)) |
    while read -r f; do
      case $f in *.svg) [ -n "$svg_loader" ] || continue ;; esac
      mkdir -p "$icons_dir/Adwaita/$(dirname "$f")"
      cp "$adwaita/$f" "$icons_dir/Adwaita/$f"
    done
  # A symbolic icon Adwaita has only as SVG (process-working, the spinner's): without
  # an SVG loader, GTK's own encoder turns it into the .symbolic.png GTK reads.
  if [ -z "$svg_loader" ] && [ -z "$(find "$icons_dir/Adwaita" -name "$icon-symbolic.symbolic.png")" ]; then
    svg=$(cd "$adwaita" && find . -name "$icon-symbolic.svg" | head -1)
    if [ -n "$svg" ] && command -v gtk-encode-symbolic-svg >/dev/null; then
      context=$(basename "$(dirname "$svg")")
      for size in 16 24 32; do
        mkdir -p "$icons_dir/Adwaita/${size}x$size/$context"
        gtk-encode-symbolic-svg -o "$icons_dir/Adwaita/${size}x$size/$context" \
          "$adwaita/$svg" "${size}x$size"
      done
    fi
  fi
done
# Every name must resolve to something this GTK can load, or the window shows holes.
for icon in $ui_icons; do
  if [ -z "$(find "$icons_dir" -name "$icon.png" -o -name "$icon.symbolic.png" \
             ${svg_loader:+-o -name "$icon.svg"} | head -1)" ]; then
    echo "bundle: no loadable icon for $icon in $adwaita" >&2
    exit 1
  fi
done
# The caches spare GTK a directory scan at start; gtk-update-icon-cache also refuses
# a theme without index.theme. The Windows build has it in PREFIX/bin (run it there),
# Linux as gtk-update-icon-cache.
if command -v gtk-update-icon-cache >/dev/null; then
  for theme in "$icons_dir"/*/; do
    gtk-update-icon-cache -q -f "$theme"
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
