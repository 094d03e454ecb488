; Notedesk's Windows installer (Inno Setup 6): a per-user install with a Start-menu entry and
; an uninstaller. build\windows\build.ps1 compiles it and passes /DAppVersion (from
; pyproject.toml), /DSourceDir (the one-folder bundle), /DIconFile, and /DSign when signing.
#ifndef AppVersion
  #error Compile this with build\windows\build.ps1, which passes the version from pyproject.toml.
#endif

[Setup]
; The AppId ties every version's install and uninstall together: never change it.
AppId={{13636589-53D8-4BC9-9AF9-AB4E8BCC2CDB}
AppName=Notedesk
AppVersion={#AppVersion}
AppVerName=Notedesk {#AppVersion}
AppPublisher=Notedesk
VersionInfoVersion={#AppVersion}
; Per user: installs into %LOCALAPPDATA%\Programs without asking for administrator rights.
PrivilegesRequired=lowest
DefaultDirName={autopf}\Notedesk
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputBaseFilename=Notedesk-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\notedesk.exe
UninstallDisplayName=Notedesk
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
#ifdef Sign
SignTool=notedesk
SignedUninstaller=yes
#endif

[Tasks]
Name: desktopicon; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Notedesk"; Filename: "{app}\notedesk.exe"
Name: "{autodesktop}\Notedesk"; Filename: "{app}\notedesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\notedesk.exe"; Description: "{cm:LaunchProgram,Notedesk}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes only what setup installed: the notes in %APPDATA%\Notedesk stay.
