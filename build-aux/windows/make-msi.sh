#!/usr/bin/env bash
# Makes a Windows Installer package (MSI) of SMTP Doctor from a Windows bundle
# (build-aux/windows/bundle.sh) with wixl (Debian's and MSYS2's msitools):
#
#   build-aux/windows/make-msi.sh BUNDLE_DIR VERSION OUT.msi
#     VERSION  meson's project version (meson introspect --projectinfo BUILDDIR);
#              MSI keeps only the first three numbers of it ("0.2.0-rc1" is 0.2.0)
#
# What the package does:
#   - installs per user, without administrator rights, into
#     %LOCALAPPDATA%\Programs\SMTP Doctor (Intune and Group Policy can deploy it in the
#     user's context). Not per machine: with ALLUSERS=1 it refuses. A per-machine install
#     into %ProgramFiles% (a custom action setting INSTALLDIR when ALLUSERS=1) installed
#     under wine, but its uninstall removed nothing: in maintenance ALLUSERS was not 1
#     again, so INSTALLDIR pointed at the per-user folder. Doing it right needs the
#     install folder remembered in the registry and read back (AppSearch). Nor the
#     "dual-purpose" ALLUSERS=2 with MSIINSTALLPERUSER=1: an administrator (as wine's user
#     always is) then gets a per-machine install;
#   - a Start menu entry "SMTP Doctor" with the app's icon, and the icon in Apps;
#   - one UpgradeCode for every version: installing a newer MSI removes the older one
#     first (a major upgrade; every build is one), an older MSI over a newer refuses;
#   - uninstalling removes every file it installed and the folders it made. The user's
#     own data (settings in HKCU\Software\GSettings, profiles and the built-in server's
#     certificate under %LOCALAPPDATA%/%APPDATA%) stay, as the app wrote them.
# Tools: WIXL and WIXL_HEAT may name other binaries (default wixl, wixl-heat).
set -euo pipefail

if [ $# -ne 3 ]; then
  sed -n '2,21s/^# \{0,1\}//p' "$0" >&2
  exit 1
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
bundle=$(cd "$1" && pwd)
version=$2
out=$3
WIXL=${WIXL:-wixl}
WIXL_HEAT=${WIXL_HEAT:-wixl-heat}

[ -f "$bundle/bin/smtp-doctor.exe" ] || { echo "make-msi: no bin/smtp-doctor.exe in $bundle" >&2; exit 1; }
# ProductVersion: three numbers, each at most 255.65535.65535 (the fourth is ignored
# by upgrades, so it is not used).
msi_version=$(printf '%s\n' "$version" | sed -n 's/^\([0-9]\{1,3\}\.[0-9]\{1,5\}\.[0-9]\{1,5\}\).*/\1/p')
[ -n "$msi_version" ] || { echo "make-msi: version '$version' is not MAJOR.MINOR.PATCH" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The bundle's files, one component each (file key path, GUID from the install path).
(cd "$bundle" && find . -type f | sed 's#^\./##' | LC_ALL=C sort) |
  "$WIXL_HEAT" --prefix "" --directory-ref INSTALLDIR --component-group BundleFiles \
    --var var.BundleDir --win64 >"$work/files.wxs"
# Windows Installer removes a folder on uninstall only when a RemoveFolder in a
# component of that folder names it (wine's msi not even the folders of the files it
# removed): one component for each folder of the bundle, its GUID made from the
# folder's Id (wixl-heat's hash of the path, so it stays the same from build to build).
awk '{ print }
  match($0, /<Directory Id="dir[0-9A-F]+"/) {
    id = substr($0, RSTART + 15, RLENGTH - 16); h = substr(id, 4)
    printf "<Component Id=\"rmc%s\" Guid=\"%s-%s-%s-%s-%s\" Win64=\"yes\"><RemoveFolder Id=\"rm%s\" On=\"uninstall\"/></Component>\n",
      h, substr(h, 1, 8), substr(h, 9, 4), substr(h, 13, 4), substr(h, 17, 4), substr(h, 21, 12), h
  }' "$work/files.wxs" >"$work/files-folders.wxs"
grep -o 'Component Id="rmc[0-9A-F]*"' "$work/files-folders.wxs" | sed 's/Component Id=/<ComponentRef Id=/; s/$/\/>/' >"$work/folder-refs"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Fragment><ComponentGroup Id="BundleFolders">'
  cat "$work/folder-refs"
  echo '</ComponentGroup></Fragment></Wix>'
} >"$work/folders.wxs"

# Never change the UpgradeCode: it is what ties every version of the package together.
cat >"$work/smtp-doctor.wxs" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="SMTP Doctor" Language="1033" Codepage="1252"
           Version="$(var.Version)" Manufacturer="The SMTP Doctor developers"
           UpgradeCode="4E6F6B1C-2B5A-4C55-9C1E-5D0C7A3B9E21">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perUser"
             Description="SMTP Doctor $(var.Version)"
             Comments="Tests SMTP servers: TLS, authentication, delivery"/>
    <Media Id="1" Cabinet="smtpdoctor.cab" EmbedCab="yes"/>
    <MajorUpgrade DowngradeErrorMessage="A newer version of SMTP Doctor is already installed."/>

    <Icon Id="SmtpDoctorIcon" SourceFile="$(var.IconFile)"/>
    <Property Id="ARPPRODUCTICON" Value="SmtpDoctorIcon"/>
    <Property Id="ARPNOMODIFY" Value="1"/>
    <Property Id="ARPNOREPAIR" Value="1"/>

    <Directory Id="TARGETDIR" Name="SourceDir">
      <!-- Per user (ALLUSERS empty, the default): %LOCALAPPDATA%\Programs\SMTP Doctor. -->
      <Directory Id="LocalAppDataFolder">
        <Directory Id="UserProgramsFolder" Name="Programs">
          <Directory Id="INSTALLDIR" Name="SMTP Doctor"/>
        </Directory>
      </Directory>
      <Directory Id="ProgramMenuFolder">
        <Component Id="StartMenuEntry" Guid="8C1B7E52-6D0A-4F3B-A2E4-3F9D1C6B7A58" Win64="yes">
          <Shortcut Id="SmtpDoctorShortcut" Name="SMTP Doctor"
                    Description="Test SMTP servers: TLS, authentication, delivery"
                    Target="[INSTALLDIR]bin\smtp-doctor.exe" WorkingDirectory="INSTALLDIR"
                    Icon="SmtpDoctorIcon"/>
          <!-- A shortcut cannot be a key path; HKMU is HKCU per user, HKLM per machine. -->
          <RegistryValue Root="HKMU" Key="Software\SMTP Doctor" Name="StartMenuEntry"
                         Type="integer" Value="1" KeyPath="yes"/>
        </Component>
      </Directory>
    </Directory>
    <DirectoryRef Id="INSTALLDIR">
      <Component Id="InstallFolder" Guid="3A9E51D7-0C84-4B2F-9E63-71D5A8C2F4B0" Win64="yes">
        <RemoveFolder Id="rmINSTALLDIR" On="uninstall"/>
      </Component>
    </DirectoryRef>

    <!-- Per user only: see the top of make-msi.sh for why not per machine. -->
    <Condition Message="SMTP Doctor installs for the current user only: ALLUSERS=1 is not supported.">NOT ALLUSERS=1</Condition>

    <Feature Id="Complete" Title="SMTP Doctor" Level="1">
      <ComponentGroupRef Id="BundleFiles"/>
      <ComponentRef Id="StartMenuEntry"/>
      <ComponentGroupRef Id="BundleFolders"/>
      <ComponentRef Id="InstallFolder"/>
    </Feature>
  </Product>
</Wix>
EOF

# wixl takes sources relative to the directory it runs in, never absolute.
ln -s "$bundle" "$work/bundle"
cp "$top/data/windows/smtp-doctor.ico" "$work/"
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd "$work" && "$WIXL" --arch x64 -D Version="$msi_version" -D BundleDir=bundle -D Win64=yes \
  -D IconFile=smtp-doctor.ico -o "$out" smtp-doctor.wxs files-folders.wxs folders.wxs)
echo "make-msi: $out: SMTP Doctor $msi_version, $(find "$bundle" -type f | wc -l) files, $(du -h "$out" | cut -f1)"
