# The Windows installer around the one-folder bundle PyInstaller has built into -Dist, every name
# from the project's [tool.desktop-shell] table: NAME-VERSION-setup.exe (Inno Setup 6, per user,
# installer.iss beside this script). Run by
#   python -m django_desktop_shell.packaging PROJECT DIST --installers
# with -Work (PyInstaller's work folder) and -Python (the build's python). Needs Inno Setup 6.
# When WINDOWS_CERTIFICATE_FILE (a .pfx) and WINDOWS_CERTIFICATE_PASSWORD are set, the
# executables and the installer are signed.
param([Parameter(Mandatory)][string]$Dist, [Parameter(Mandatory)][string]$Project,
      [Parameter(Mandatory)][string]$Work, [Parameter(Mandatory)][string]$Python)
$ErrorActionPreference = "Stop"

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
    if (-not $path) { throw "$Name was not found. Install it, then run this again." }
    return $path
}

# One line of JSON, ASCII only: safe whatever code page the console decodes it with.
$App = Invoke-Native $Python @("-m", "django_desktop_shell.packaging.identity", $Project, "--format", "json") | ConvertFrom-Json
$Iscc = Find-Program "ISCC.exe" @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe")
$IsccArguments = @("/Qp", "/DAppName=$($App.name)", "/DAppSlug=$($App.slug)", "/DAppGuid=$($App.windows_app_id)",
    "/DAppVersion=$($App.version)", "/DSourceDir=$Dist\$($App.slug)-dir", "/O$Dist")
if ($App.homepage) { $IsccArguments += "/DHomepage=$($App.homepage)" }
if ($App.icon) {
    # The spec renders the .ico into its work folder, named after the spec.
    $SpecName = [IO.Path]::GetFileNameWithoutExtension($App.spec)
    $IsccArguments += "/DIconFile=$Work\$SpecName\desktop-shell\icons\$($App.slug).ico"
}

# The identity's file-types and url-schemes, as [Registry] lines the installer includes.
$Registration = Invoke-Native $Python @("-m", "django_desktop_shell.packaging.identity", $Project, "--format", "inno-registry")
if ($Registration) {
    Set-Content -Path "$Work\registration.iss" -Value $Registration -Encoding UTF8
    $IsccArguments += "/DRegistration=$Work\registration.iss"
}

$Exe = "$($App.slug).exe"
if ($env:WINDOWS_CERTIFICATE_FILE) {
    $SdkSignTools = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" -ErrorAction SilentlyContinue |
        Sort-Object FullName -Descending | ForEach-Object FullName
    $SignTool = Find-Program "signtool.exe" @($SdkSignTools)
    $Sign = @("sign", "/f", $env:WINDOWS_CERTIFICATE_FILE, "/p", $env:WINDOWS_CERTIFICATE_PASSWORD,
        "/fd", "SHA256", "/tr", "http://timestamp.digicert.com", "/td", "SHA256")
    Invoke-Native $SignTool ($Sign + @("$Dist\$Exe", "$Dist\$($App.slug)-dir\$Exe"))
    # Inno Setup signs the installer and the uninstaller it writes with this command ($f: the file).
    $IsccArguments += @("/DSign", "/Ssigntool=`"$SignTool`" $($Sign -join ' ') `$f")
}

Invoke-Native $Iscc ($IsccArguments + @("$PSScriptRoot\installer.iss"))
Write-Host "Built $Dist\$Exe, $Dist\$($App.slug)-dir\ and $Dist\$($App.name)-$($App.version)-setup.exe"
