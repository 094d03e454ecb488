"""Installing a staged update: the swap, the new version's trial start, and the rollback.

The running app cannot replace itself safely (its own files would change under it), so once it has
quit, a small script does the work (POSIX sh on Linux and macOS, a batch file on Windows; no
Python outside the bundle is needed):

1. wait until the old process has exited (its data folder and single-instance lock are free);
2. rename the install aside (`.<folder>.previous`) and the staged new version into its place:
   two renames in one folder, so the install is never half-written;
3. start the new version with the old one's arguments (on Windows, on the same data folder but
   without them: cmd would run what they hold), and wait up to TRIAL_SECONDS for it to write
   `trial-passed` (it does once its site has started and answered its health check);
4. passed: delete the previous version; quit by the person before it passed (it wrote
   `trial-quit`, or, on Linux and macOS, a stop signal ended it before it handled them itself):
   rename it back to the staging folder and the previous version back, restore the databases
   copied before the update, and start nothing (Restart to update installs it again); else (it
   exited, or hung): stop it, rename the previous version back, restore the databases, and start
   the old version, which shows why and skips that version from then on (with no previous version
   to put back, the new one stays and is started again, and says so).

Everything it does goes to <data folder>/updates/apply.log.
"""

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django_desktop_shell.files import write_file
from django_desktop_shell.process import single_instance
from django_desktop_shell.process.lifecycle import STOP_SIGNALS
from django_desktop_shell.updates import updates_dir
from django_desktop_shell.updates.install import Install
from django_desktop_shell.updates.trial import PASSED_FILE, RESULT_FILE, SNAPSHOTS_DIR, TRIAL_FILE, TRIAL_SECONDS

QUIT_RESULT = "quit before its start passed; installed again at Restart to update"

POSIX_SCRIPT = r"""#!/bin/sh
# Written by django-desktop-shell (updates/apply.py): installs {name} {version} in place of
# {current}, starts it, and puts {current} back if it does not pass its start within {timeout} s.
pid={pid}; install={install}; staged={staged}; previous={previous}; failed={failed}
exe={exe}; folder={folder}; data={data}; snapshots={snapshots}; timeout={timeout}; version={version}
quit_statuses={quit_statuses}; x11_socket={x11_socket}; wayland_socket={wayland_socket}
log() {{ printf '%s %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >> "$folder/apply.log"; }}
# The log line first: whoever sees the result (the new version, a test) then finds it in the log too.
result() {{ log "$1"; printf '%s\n' "$1" > "$folder/trial-result"; }}
while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
rm -f "$folder/trial-passed" "$folder/trial-exited" "$folder/trial.pid" "$folder/trial-quit" "$folder/trial-handed-over"
rm -rf "$previous" "$failed"
if ! mv "$install" "$previous"; then
  result "failed: $install could not be moved aside; nothing was changed"
  rm -rf "$staged"; exec "$install/$exe" "$@" </dev/null >/dev/null 2>&1
fi
if ! mv "$staged" "$install"; then
  mv "$previous" "$install"
  result "failed: the new version could not be moved into $install; nothing was changed"
  exec "$install/$exe" "$@" </dev/null >/dev/null 2>&1
fi
log "installed $version in $install; starting it"
# Its number in trial.pid unless a launch has noted its own there (set -C: never over it): the person's,
# which took the data folder first, is the trial then, and the one stopped at the time limit.
# trial-exited whole or not at all: its status read as it was being written was none.
( DESKTOP_UPDATE_TRIAL="$version" "$install/$exe" "$@" </dev/null >/dev/null 2>&1 & started=$!
  (set -C; echo "$started" > "$folder/trial.pid") 2>/dev/null; wait "$started"
  echo $? > "$folder/trial-exit-status"; mv "$folder/trial-exit-status" "$folder/trial-exited" ) &
watch=$!
waited=0
while [ ! -f "$folder/trial-passed" ] && [ ! -f "$folder/trial-exited" ] && [ "$waited" -lt $((timeout * 5)) ]; do
  sleep 0.2; waited=$((waited + 1))
done
if [ -f "$folder/trial-passed" ]; then
  # Its exit, later (closed for the next update, say), would be taken for the next trial's.
  kill "$watch" 2>/dev/null
  rm -rf "$previous" "$snapshots"; result "passed: $version"; exit 0
fi
restore_databases() {{
  for copy in "$snapshots"/*.sqlite3; do
    [ -f "$copy" ] || continue
    database="$data/$(basename "$copy")"
    rm -f "$database-wal" "$database-shm"; cp -p "$copy" "$database" && rm -f "$copy"
  done
  rmdir "$snapshots" 2>/dev/null
}}
# The person quit (or logged out) before the start passed: no failed start. All is put back as it was
# before the restart, the update staged, and nothing is started; Restart to update installs it again.
# A stop signal (a logout, a kill) in the new version's first moments, before it handles them itself
# (the interpreter's start, its imports), ends it by the signal's default action: 128 + its number.
quit=""; [ -f "$folder/trial-quit" ] && quit="it said so"
exited=$(cat "$folder/trial-exited" 2>/dev/null)
for status in $quit_statuses; do
  [ "$exited" = "$status" ] && quit="a stop signal ended it (exit status $status)"
done
# A logout that ends the display server with no signal to its apps: GTK ends the app at once (exit 1)
# as its display goes, with nothing written. The display's socket, there as the trial began, is gone.
for socket in "$x11_socket" "$wayland_socket"; do
  [ -n "$socket" ] && [ ! -S "$socket" ] && quit="its display ended with the session ($socket is gone)"
done
if [ -n "$quit" ] && [ -f "$folder/trial-exited" ] && mv "$install" "$staged"; then
  log "quit before its start passed: $quit"
  if mv "$previous" "$install"; then
    restore_databases; result "quit: $version: quit before its start passed; installed again at Restart to update"; exit 0
  fi
  mv "$staged" "$install"
fi
if [ -f "$folder/trial-handed-over" ] && [ -f "$folder/trial-exited" ]; then
  why="another launch of it, which took the data folder first, ended before its start passed"
elif [ -f "$folder/trial-exited" ]; then
  why="it exited with code $exited before its start passed"
else
  why="its start did not pass within $timeout s"
  child=$(cat "$folder/trial.pid" 2>/dev/null)
  if [ -n "$child" ]; then kill "$child" 2>/dev/null; sleep 2; kill -9 "$child" 2>/dev/null; fi
fi
restore_databases
if [ ! -d "$previous" ]; then
  result "failed: $version: $why; the previous version was not there to put back, so $version was kept"
elif mv "$install" "$failed" && mv "$previous" "$install"; then
  rm -rf "$failed"; result "rolled-back: $version: $why"
else
  [ -d "$install" ] || mv "$failed" "$install"
  result "failed: $version: $why; the previous version could not be put back, so $version was kept"
fi
exec "$install/$exe" "$@" </dev/null >/dev/null 2>&1
"""

# Not run by this project's tests (no Windows here; its text is checked against cmd's rules): the same
# steps with cmd's own tools.
WINDOWS_SCRIPT = r"""@echo off
rem Written by django-desktop-shell (updates/apply.py): installs {version} in place of {current},
rem starts it, and puts {current} back if it does not pass its start within {timeout} s.
rem The paths come in its environment, never in its text (cmd reads this file in the console's code
rem page, and takes a percent sign for a variable); each is used between double quotes, where the
rem characters cmd acts on are plain ones.
setlocal EnableExtensions DisableDelayedExpansion
set "install=%DESKTOP_UPDATE_INSTALL%"
set "previous=%DESKTOP_UPDATE_PREVIOUS%"
set "staged=%DESKTOP_UPDATE_STAGED%"
set "failed=%DESKTOP_UPDATE_FAILED%"
set "folder=%DESKTOP_UPDATE_FOLDER%"
set "data=%DESKTOP_UPDATE_DATA%"
set "snapshots=%DESKTOP_UPDATE_SNAPSHOTS%"
set "exe=%DESKTOP_UPDATE_EXE%"
if "%~1"=="run_new" goto run_new
:wait_old
call :running {pid} && (call :sleep & goto wait_old)
del /q "%folder%\trial-passed" "%folder%\trial.pid" "%folder%\trial-quit" "%folder%\trial-handed-over" "%folder%\trial-exited-*" 2>nul
if exist "%previous%" rmdir /s /q "%previous%"
if exist "%failed%" rmdir /s /q "%failed%"
call :rename install previous || goto not_moved_aside
call :rename staged install || goto not_moved_in
echo installed {version} in "%install%"; starting it
set "DESKTOP_UPDATE_TRIAL={version}"
rem Through this script again (run_new, below), which waits for it and notes its end: seen at once, as the
rem POSIX script's watch sees it, even before it has written its number in trial.pid (its first moments).
start "" /b cmd /d /c .\apply-update.bat run_new
set /a waited=0
:wait_new
if exist "%folder%\trial-passed" goto passed
if %waited% geq {timeout} goto timed_out
call :sleep
set /a waited+=1
rem The number noted is the process to watch: this start's, or that of a launch the person made, which took
rem the data folder first (this start then hands over to it and ends). Before one is noted, this start's end.
set "child="
if exist "%folder%\trial.pid" set /p child=<"%folder%\trial.pid"
if defined child goto watch_child
if not exist "%folder%\trial-exited-{version}" goto wait_new
rem Ended with no number noted: a failed start, unless it handed over to the person's launch, which notes its own.
if exist "%folder%\trial-handed-over" goto wait_new
goto ended
:watch_child
call :running "%child%" && goto wait_new
:ended
rem It has ended: passed a moment before (then closed), quit before it passed, or failed.
if exist "%folder%\trial-passed" goto passed
if not exist "%folder%\trial-quit" goto exited
rem The person quit (or logged out) before the start passed: no failed start. All is put back as it was
rem before the restart, the update staged, and nothing is started; Restart to update installs it again.
call :rename install staged || goto exited
call :rename previous install || (call :rename staged install & goto exited)
call :restore_databases
call :result "quit: {version}: quit before its start passed; installed again at Restart to update"
exit /b 0
:passed
rmdir /s /q "%previous%"
rmdir /s /q "%snapshots%" 2>nul
call :result "passed: {version}"
exit /b 0
:exited
set "why=it exited before its start passed"
goto roll_back
:timed_out
set "why=its start did not pass within {timeout} s"
if defined child taskkill /f /pid "%child%" >nul 2>nul
:roll_back
call :restore_databases
set "not_back=was not there to put back"
if not exist "%previous%\" goto new_kept
set "not_back=could not be put back"
call :rename install failed || goto new_kept
call :rename previous install || (call :rename failed install & goto new_kept)
rmdir /s /q "%failed%"
call :result "rolled-back: {version}: %why%"
start "" "%install%\%exe%"
exit /b 0
:new_kept
call :result "failed: {version}: %why%; the previous version %not_back%, so {version} was kept"
start "" "%install%\%exe%"
exit /b 1
:not_moved_aside
rmdir /s /q "%staged%"
call :result "failed: the install folder could not be moved aside; nothing was changed"
start "" "%install%\%exe%"
exit /b 1
:not_moved_in
call :rename previous install
call :result "failed: the new version could not be moved into the install folder; nothing was changed"
start "" "%install%\%exe%"
exit /b 1

:run_new
rem The new version on trial, waited for (a batch file waits for the programs it runs, a window's too), and
rem its end noted whole, for this version only: a watch left from an earlier update's trial names another.
"%install%\%exe%"
> "%folder%\trial-exit-status" echo %errorlevel%
move /y "%folder%\trial-exit-status" "%folder%\trial-exited-{version}" >nul
exit /b 0

:rename
rem The folder the first variable names is renamed to the one the second names, which must not exist
rem (move would put the first inside it). Tried for 10 s: Windows refuses while a process that has just
rem ended, or one it started (WebView2's), still holds a file in it.
setlocal EnableDelayedExpansion
for /l %%t in (1,1,10) do (
  move "!%~1!" "!%~2!" >nul 2>nul && (endlocal & exit /b 0)
  call :sleep
)
echo could not move "!%~1!" to "!%~2!"
endlocal & exit /b 1

:running
rem Whether the process numbered by the first argument runs (tasklist's table has the number between spaces).
tasklist /fi "PID eq %~1" /nh 2>nul | findstr /c:" %~1 " >nul && exit /b 0
exit /b 1

:sleep
rem About a second. Not timeout.exe: it reads the console, and with this script's input NUL it ends at once.
ping -n 2 127.0.0.1 >nul
exit /b 0

:result
> "%folder%\trial-result" echo %~1
echo %~1
exit /b 0

:restore_databases
for %%f in ("%snapshots%\*.sqlite3") do (
  del /q "%data%\%%~nxf-wal" "%data%\%%~nxf-shm" 2>nul
  copy /y "%%~f" "%data%\%%~nxf" >nul && del /q "%%~f"
)
rmdir "%snapshots%" 2>nul
exit /b 0
"""


def trial_seconds(env_prefix: str) -> int:
    return int(os.environ.get(f"{env_prefix}_UPDATE_TRIAL_SECONDS", TRIAL_SECONDS))


def display_sockets() -> dict[str, str]:
    """The sockets of the display servers the new version will draw through (X11's, Wayland's) that
    are there now, each "" if none: one gone by the time it exited tells the script a logout ended it."""
    x11 = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", os.environ.get("DISPLAY", ""))
    wayland = os.environ.get("WAYLAND_DISPLAY")
    candidates = {"x11_socket": Path("/tmp/.X11-unix") / f"X{x11[1]}" if x11 else None,
                  # WAYLAND_DISPLAY is a name in XDG_RUNTIME_DIR, or a path of its own.
                  "wayland_socket": Path(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent")) / wayland if wayland else None}
    return {name: str(path) if path is not None and path.is_socket() else "" for name, path in candidates.items()}


def begin(*, install: Install, staging: Path, version: str, current: str, data_dir: Path, name: str, slug: str,
          env_prefix: str, argv: list[str], pid: int | None = None) -> subprocess.Popen:
    """Hand over to the script; the caller then exits (the script waits for `pid` to end)."""
    folder = updates_dir(data_dir)
    for stale in (PASSED_FILE, RESULT_FILE):
        (folder / stale).unlink(missing_ok=True)
    snapshots = folder / SNAPSHOTS_DIR
    shutil.rmtree(snapshots, ignore_errors=True)
    snapshots.mkdir()
    # The default database and every other SQLite one of the project's (settings.sqlite_file_name).
    for database in sorted([*data_dir.glob(f"{slug}.sqlite3"), *data_dir.glob(f"{slug}.*.sqlite3")]):
        copy_database(database, snapshots / database.name)
    write_file(folder / TRIAL_FILE, json.dumps({"version": version, "from": current, "at": time.time(),
                                                "timeout": trial_seconds(env_prefix)}).encode())
    values = dict(
        name=name, version=version, current=current, pid=pid or os.getpid(), install=install.folder, staged=staging,
        previous=install.previous(), failed=install.folder.parent / f".{install.folder.name}.failed",
        exe=install.executable, folder=folder, data=data_dir, snapshots=snapshots, timeout=trial_seconds(env_prefix),
        quit_statuses=" ".join(str(128 + signum) for signum in STOP_SIGNALS), **display_sockets(),
    )
    log = (folder / "apply.log").open("ab")
    if sys.platform == "win32":
        script = folder / "apply-update.bat"
        # CRLF: with bare LFs, cmd's search for a label (goto, call) can miss it.
        script.write_text(WINDOWS_SCRIPT.format(**values), encoding="ascii", newline="\r\n")
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        # cmd reads what a batch file holds as commands, and no quoting keeps & or %VAR% in an
        # argument from running (a link a web page gave, notedesk://note/x&calc.exe): the arguments
        # stay out of it. The versions it starts get the data folder from the environment instead,
        # as the script gets its paths. It runs in the updates folder: started from the Explorer, the
        # app's current folder is the install, which Windows does not rename while a process is in it.
        paths = {f"DESKTOP_UPDATE_{key.upper()}": str(values[key])
                 for key in ("install", "previous", "staged", "failed", "folder", "data", "snapshots", "exe")}
        return subprocess.Popen(["cmd.exe", "/d", "/c", ".\\apply-update.bat"], cwd=folder, creationflags=flags,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True,
                                env={**os.environ, **paths, f"{env_prefix}_DATA_DIR": str(data_dir)})
    script = folder / "apply-update.sh"
    script.write_text(POSIX_SCRIPT.format(**{key: shlex.quote(str(value)) for key, value in values.items()}), encoding="utf-8")
    return subprocess.Popen(["/bin/sh", str(script), *argv], start_new_session=True, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=log, close_fds=True)


def copy_database(database: Path, copy: Path) -> None:
    """A consistent copy through SQLite's backup API (the WAL included), restored on a rollback."""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
