; Inno Setup script (6.3 or newer) for the SMTP Doctor installer.
;
; A per-user install that needs no administrator rights: into
; %LOCALAPPDATA%\Programs\SMTP Doctor, a Start menu entry for the user, an uninstaller
; listed in Settings > Apps. No file associations, nothing for other users.
;
; The bundle (build-aux/windows/bundle.sh) and the version (meson's project version)
; come from the environment, which every ISCC version reads the same way:
;   set SD_BUNDLE=C:\path\to\bundle
;   set SD_VERSION=0.1.0
;   iscc build-aux\windows\smtp-doctor.iss
; /DBundleDir=… and /DAppVersion=… on ISCC's command line take precedence.
; The installer lands in _build\installer\ of the source tree unless /DOutputDir=… says
; otherwise.

#ifndef BundleDir
  #define BundleDir GetEnv("SD_BUNDLE")
#endif
#ifndef AppVersion
  #define AppVersion GetEnv("SD_VERSION")
#endif
#ifndef OutputDir
  #define OutputDir "..\..\_build\installer"
#endif
#if BundleDir == ""
  #error Set SD_BUNDLE to the folder build-aux/windows/bundle.sh made
#endif
#if AppVersion == ""
  #error Set SD_VERSION to the project version (meson introspect --projectinfo)
#endif
#if !FileExists(AddBackslash(BundleDir) + "bin\smtp-doctor.exe")
  #error The bundle has no bin\smtp-doctor.exe
#endif

[Setup]
; The AppId ties upgrades and the uninstaller to this application: never change it.
AppId={{B2021EB7-42AC-41B7-82E4-1A3243E4ED2F}
AppName=SMTP Doctor
AppVersion={#AppVersion}
AppVerName=SMTP Doctor {#AppVersion}
AppPublisher=The SMTP Doctor developers
AppCopyright=GPL-3.0-or-later
; Non administrative install mode only: no elevation prompt, no "for all users" choice.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\SMTP Doctor
DisableProgramGroupPage=yes
; 64-bit programs: x64 Windows, and Arm64 Windows 11 through its x64 emulation.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; GTK 3 and the UCRT build need Windows 10 or newer.
MinVersion=10.0
WizardStyle=modern
SetupIconFile=..\..\data\windows\smtp-doctor.ico
UninstallDisplayIcon={app}\bin\smtp-doctor.exe
UninstallDisplayName=SMTP Doctor
OutputDir={#OutputDir}
OutputBaseFilename=smtp-doctor-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ChangesAssociations=no

[Files]
; The whole bundle: bin\ (programs and DLLs), lib\ (pixbuf loaders), share\, etc\.
; ignoreversion: an update replaces every bundled DLL with the one it was built with.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[InstallDelete]
; A previous version's files that this one no longer ships would otherwise stay and,
; for the DLLs beside the programs, be loaded.
Type: filesandordirs; Name: "{app}\bin"
Type: filesandordirs; Name: "{app}\lib"
Type: filesandordirs; Name: "{app}\share"

[Icons]
Name: "{autoprograms}\SMTP Doctor"; Filename: "{app}\bin\smtp-doctor.exe"; WorkingDir: "{app}"; Comment: "Test SMTP servers: TLS, authentication, delivery"

[Run]
Filename: "{app}\bin\smtp-doctor.exe"; Description: "{cm:LaunchProgram,SMTP Doctor}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes what [Files] installed. The user's own data stays: settings
; (HKCU\Software\GSettings\io\github\smtpdoctor), profiles and the built-in server's
; certificate (under %LOCALAPPDATA%), passwords (Credential Manager).
