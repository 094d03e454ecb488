# Builds the Django project in -Project (default: this repository) for Windows into -Dist
# (default: dist\), with the shell's own packaging (django_desktop_shell\packaging\installers\
# windows.ps1), every name from its [tool.desktop-shell] table: SLUG.exe (one file), SLUG-dir\
# (one folder) and NAME-VERSION-setup.exe (Inno Setup 6, per user). Run from anywhere:
#   powershell -ExecutionPolicy Bypass -File build\windows\build.ps1 [-Dist DIST] [-Project PROJECT]
# Needs Python 3.11 (py -3.11, or $env:PYTHON) and Inno Setup 6. When WINDOWS_CERTIFICATE_FILE
# (a .pfx) and WINDOWS_CERTIFICATE_PASSWORD are set, the executables and the installer are signed.
param([string]$Dist = "", [string]$Project = "")
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
$Dist = if ($Dist) { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Dist) } else { "$Root\dist" }
$Project = if ($Project) { (Resolve-Path $Project).Path } else { $Root }
Set-Location $Root

function Invoke-Native {
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program exited with $LASTEXITCODE" }
}

$Python = "$Root\.venv\Scripts\python.exe"
if (-not (Test-Path $Python)) {
    if ($env:PYTHON) { Invoke-Native $env:PYTHON @("-m", "venv", ".venv") }
    else { Invoke-Native "py" @("-3.11", "-m", "venv", ".venv") }
}
Invoke-Native $Python @("-m", "pip", "install", "--quiet", "--config-settings", "editable_mode=compat", "-e", "./desktop_shell[updates]", "-e", ".[package]")
Invoke-Native $Python @("-m", "django_desktop_shell.packaging", $Project, $Dist, "--installers")
