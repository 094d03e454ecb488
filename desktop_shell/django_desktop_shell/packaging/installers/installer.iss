; The Windows installer of an app on the desktop shell (Inno Setup 6): a per-user install with a
; Start-menu entry and an uninstaller. windows.ps1 beside it compiles it and passes every name
; from the app's identity: /DAppName, /DAppSlug (the program), /DAppGuid (the AppId),
; /DAppVersion, /DHomepage when there is one; /DSourceDir (the one-folder bundle), /DIconFile
; when the app has an icon, /DRegistration (the [Registry] lines for the identity's file-types
; and url-schemes, django_desktop_shell.packaging.registration) when it has any, and /DSign when signing.
#ifndef AppGuid
  #error Compile this with windows.ps1 (python -m django_desktop_shell.packaging PROJECT DIST --installers), which passes the app's identity.
#endif

[Setup]
; Derived from the app-id: it ties every version's install and uninstall together, so neither
; may change once the app has shipped. "{{" is a literal brace.
AppId={{{#AppGuid}}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
#ifdef Homepage
AppPublisherURL={#Homepage}
#endif
VersionInfoVersion={#AppVersion}
; Per user: installs into %LOCALAPPDATA%\Programs without asking for administrator rights.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputBaseFilename={#AppName}-{#AppVersion}-setup
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
UninstallDisplayIcon={app}\{#AppSlug}.exe
UninstallDisplayName={#AppName}
WizardStyle=modern
#ifdef Registration
ChangesAssociations=yes
#endif
Compression=lzma2
SolidCompression=yes
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Tasks]
Name: desktopicon; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppSlug}.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppSlug}.exe"; Tasks: desktopicon

#ifdef Registration
#include Registration
#endif

[Run]
Filename: "{app}\{#AppSlug}.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes only what setup installed: the data in %APPDATA%\{#AppName} stays.
