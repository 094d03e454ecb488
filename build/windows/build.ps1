# Builds Notedesk for Windows into dist\: notedesk.exe (one file), notedesk-dir\ (one folder) and
# Notedesk-<version>-setup.exe (Inno Setup 6, per user). Run from anywhere:
#   powershell -ExecutionPolicy Bypass -File build\windows\build.ps1
# Needs Python 3.11 (py -3.11, or $env:PYTHON) and Inno Setup 6. When WINDOWS_CERTIFICATE_FILE
# (a .pfx) and WINDOWS_CERTIFICATE_PASSWORD are set, the executables and the installer are signed.
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root

function Invoke-Native {
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program exited with $LASTEXITCODE" }
}

function Find-Program {
    param([string]$Name, [string[]]$Candidates)
    $found = Get-Command $Name -ErrorAction SilentlyContinue
    if ($found) { return $found.Source }
    $path = $Candidates | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
    if (-not $path) { throw "$Name was not found. Install it, then run this script again." }
    return $path
}

$Python = "$Root\.venv\Scripts\python.exe"
if (-not (Test-Path $Python)) {
    if ($env:PYTHON) { Invoke-Native $env:PYTHON @("-m", "venv", ".venv") }
    else { Invoke-Native "py" @("-3.11", "-m", "venv", ".venv") }
}
Invoke-Native $Python @("-m", "pip", "install", "--quiet", "-e", ".[package]")
Invoke-Native $Python @("-m", "PyInstaller", "--clean", "--noconfirm", "--log-level", "WARN",
    "--distpath", "dist", "--workpath", "build\out\pyinstaller", "app.spec")
$Version = & $Python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"

$Iscc = Find-Program "ISCC.exe" @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe")
$IsccArguments = @("/Qp", "/DAppVersion=$Version", "/DSourceDir=$Root\dist\notedesk-dir",
    "/DIconFile=$Root\build\out\icons\notedesk.ico", "/O$Root\dist")

if ($env:WINDOWS_CERTIFICATE_FILE) {
    $SdkSignTools = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" -ErrorAction SilentlyContinue |
        Sort-Object FullName -Descending | ForEach-Object FullName
    $SignTool = Find-Program "signtool.exe" @($SdkSignTools)
    $Sign = @("sign", "/f", $env:WINDOWS_CERTIFICATE_FILE, "/p", $env:WINDOWS_CERTIFICATE_PASSWORD,
        "/fd", "SHA256", "/tr", "http://timestamp.digicert.com", "/td", "SHA256")
    Invoke-Native $SignTool ($Sign + @("dist\notedesk.exe", "dist\notedesk-dir\notedesk.exe"))
    # Inno Setup signs the installer and the uninstaller it writes with this command ($f: the file).
    $IsccArguments += @("/DSign", "/Snotedesk=`"$SignTool`" $($Sign -join ' ') `$f")
}

Invoke-Native $Iscc ($IsccArguments + @("build\windows\notedesk.iss"))
Write-Host "Built dist\notedesk.exe, dist\notedesk-dir\ and dist\Notedesk-$Version-setup.exe"
