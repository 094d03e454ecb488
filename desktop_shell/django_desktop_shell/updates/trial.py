"""The trial's files in <data folder>/updates/, through which the update's script (apply.py) and the
versions it installs tell each other how the new version's first start went.

Read at every start of an app with updates, before its window (is this version on trial? did the
last update pass?), and written once its site has started (passed) or if the person quits first;
apply.py, with the script and the databases' copies, is imported only to install an update.
"""

import json
import os
import shutil
import sys
import time
from pathlib import Path

from django_desktop_shell.files import write_file
from django_desktop_shell.process import single_instance
from django_desktop_shell.updates import updates_dir

TRIAL_SECONDS = 120
TRIAL_FILE = "trial.json"
# A trial still pending this long after its time was up has lost its script (a logout that ended the
# whole session, a Windows sign-out): while the script runs, it has a result by then without fail.
SCRIPT_GONE_AFTER_S = 600
PASSED_FILE = "trial-passed"
RESULT_FILE = "trial-result"
QUIT_FILE = "trial-quit"  # the new version was quit before its start passed: no failed start
# The script's start handed over to another launch, which runs the new version: its own exit is that
# launch's outcome, its code none of that launch's.
HANDED_OVER_FILE = "trial-handed-over"
SNAPSHOTS_DIR = "before-update"  # a copy of each SQLite database of the data folder, by its name


def pending_trial(data_dir: Path) -> dict | None:
    folder = updates_dir(data_dir)
    try:
        trial = json.loads((folder / TRIAL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return trial if isinstance(trial, dict) else None


def note_start(data_dir: Path, version: str) -> bool:
    """The new version's first lines: whether it is on trial; if so its pid, the process the scripts
    stop at the time limit (and the Windows one watches). Written over the number the POSIX script
    noted, its own start's (the launch that holds the data folder is the trial), and whole: the script
    writes its number only where no launch has."""
    trial = pending_trial(data_dir)
    if trial_of(trial, data_dir, version) and not outlived_its_script(trial):
        write_file(updates_dir(data_dir) / "trial.pid", str(os.getpid()).encode("ascii"), synced=False)
        return True
    return False


def outcome_of_the_launch_on_trial(data_dir: Path, version: str) -> int | None:
    """The script's start of `version` found another launch holding the data folder: one the person
    made as the old version closed, which runs the new version in its place and is the trial now.
    Waits for its outcome and returns the exit status that tells the script: 0 once it has passed,
    or has ended after it was quit; 1 once it has ended without either (a failed start). None when
    this start is not the script's, or on Windows, whose script watches the process trial.pid names
    (the other launch's: this one handed over before it could write its own), once this start has
    noted that it handed over (its end is then no failed start)."""
    if os.environ.get("DESKTOP_UPDATE_TRIAL") != version or not trial_of(pending_trial(data_dir), data_dir, version):
        return None
    folder = updates_dir(data_dir)
    (folder / HANDED_OVER_FILE).touch()
    if sys.platform == "win32":
        return None
    while not (folder / PASSED_FILE).exists() and not (folder / RESULT_FILE).exists():
        # Both: it lets go of the data folder before its process ends, which may still close databases.
        if not single_instance.held(data_dir) and not another_process_on_trial(folder):
            return 0 if (folder / QUIT_FILE).exists() else 1
        time.sleep(0.2)
    return 0


def another_process_on_trial(folder: Path) -> bool:
    """Whether trial.pid names a running process other than this one (or its bootloader)."""
    try:
        pid = int((folder / "trial.pid").read_text(encoding="ascii"))
    except (OSError, ValueError):
        return False
    if pid in (os.getpid(), os.getppid()):
        return False
    try:
        os.kill(pid, 0)
    except OSError:  # none, or another user's: its number used again
        return False
    return True


def trial_of(trial: dict | None, data_dir: Path, version: str) -> bool:
    """Whether `trial` is `version`'s and has no result yet."""
    return bool(trial) and trial.get("version") == version and not (updates_dir(data_dir) / RESULT_FILE).exists()


def outlived_its_script(trial: dict) -> bool:
    """Whether the trial's script had ended before this start: never for the start the script made
    itself (DESKTOP_UPDATE_TRIAL, in its environment), however long the clock says it has been since
    the trial began (a suspend as the old version closed, the clock set forward); else once the trial's
    time is long up."""
    if (started_as_trial_of := os.environ.get("DESKTOP_UPDATE_TRIAL")) and started_as_trial_of == trial.get("version"):
        return False
    at, timeout = trial.get("at"), trial.get("timeout", TRIAL_SECONDS)
    return (isinstance(at, (int, float)) and isinstance(timeout, (int, float))
            and time.time() > at + timeout + SCRIPT_GONE_AFTER_S)


def left_by_its_script(data_dir: Path, version: str) -> bool:
    """Whether `version`'s trial was left without a result, its script ended before it (the new
    version installed, the previous one and the databases' copies still kept beside)."""
    trial = pending_trial(data_dir)
    return trial_of(trial, data_dir, version) and outlived_its_script(trial)


def finish_a_left_trial(data_dir: Path, version: str, previous: Path | None) -> None:
    """What the script does once the new version has passed its start, done by that version: the
    previous version (`previous`, if any) and the databases' copies removed, "passed" its result."""
    folder = updates_dir(data_dir)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(folder / SNAPSHOTS_DIR, ignore_errors=True)
    (folder / RESULT_FILE).write_text(f"passed: {version}\n", encoding="utf-8")


def pass_trial(data_dir: Path, version: str) -> bool:
    """Called once the site has started: if this version is on trial, tell the script it passed."""
    return tell_the_script(data_dir, version, PASSED_FILE)


def leave_trial(data_dir: Path, version: str) -> bool:
    """Called when the person quits before the start has passed: if this version is on trial, tell the
    script it was quit, which is no failed start."""
    return tell_the_script(data_dir, version, QUIT_FILE)


def tell_the_script(data_dir: Path, version: str, news: str) -> bool:
    """If `version` is on trial and the script has no result yet, write it the file `news`."""
    trial = pending_trial(data_dir)
    folder = updates_dir(data_dir)
    if not trial or trial.get("version") != version or (folder / RESULT_FILE).exists():
        return False
    (folder / news).write_text(version, encoding="utf-8")
    return True


def finished_trial(data_dir: Path) -> tuple[dict, str] | None:
    """The last trial and the script's result ("passed: …", "rolled-back: …", "failed: …"), once it has one;
    the trial's files are then removed."""
    folder = updates_dir(data_dir)
    trial = pending_trial(data_dir)
    try:
        result = (folder / RESULT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if trial is None:
        return None
    for name in (TRIAL_FILE, RESULT_FILE, PASSED_FILE, QUIT_FILE, HANDED_OVER_FILE, "trial.pid", "trial-exited"):
        (folder / name).unlink(missing_ok=True)
    return trial, result
