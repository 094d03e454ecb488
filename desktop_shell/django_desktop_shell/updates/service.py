"""The app's side of updates: one Updater per run, in window mode only.

- `for_run()` gives the launcher an Updater, or a no-op one when the app has no update-url, the
  extra is not installed, the mode is not the window (never in --headless, --browser,
  --self-test or manage), or <APP>_UPDATES=off turns updates off for the whole computer. Such a
  run of an app with an update-url is still the trial, if it is the version on trial (TrialOnly).
- After the site has started (never before: the window is not delayed), a background thread
  checks at most once a day (the last check is kept per data folder), if the per-data-folder
  setting is on: check, download (progress shown), verify, unpack beside the install.
- The shell's /_desktop/updates/ routes show the state; "Restart to update" closes the window,
  and the launcher, once the server has stopped, hands over to apply.py. A staged update is also
  applied at the next start.
"""

import importlib
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django_desktop_shell.files import write_file
from django_desktop_shell.identity import UPDATE_ROOT_FILE, Identity
from django_desktop_shell.updates import available, trial, updates_dir

if TYPE_CHECKING:
    from django_desktop_shell.updates.install import Install

logger = logging.getLogger("django_desktop_shell.updates")
DAY_S = 24 * 60 * 60
CHECK_AFTER_S = 30  # after the site has started: the first minute belongs to the person
SETTINGS_FILE = "settings.json"
STATE_FILE = "state.json"
REFUSED = "Update refused:"  # a notice of a refusal starts so: it stays until dismissed or a later check verifies
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]*")  # a version as a release names it: never a path

current = None  # the running app's Updater, for the views; None when updates are off for this run


def read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def write_json(path: Path, value: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(value, indent=1).encode())


def enabled(data_dir: Path) -> bool:
    return read_json(updates_dir(data_dir) / SETTINGS_FILE).get("enabled", True) is not False


def set_enabled(data_dir: Path, on: bool) -> None:
    write_json(updates_dir(data_dir) / SETTINGS_FILE, {"enabled": bool(on)})


class NoUpdates:
    """What the launcher gets when updates are off for this run: every hook does nothing."""

    active = False

    def note_start(self) -> bool:
        return False

    def on_window(self, window) -> None:
        pass

    def quit_before_started(self) -> None:
        pass

    def start_background(self, startup) -> None:
        pass

    def after_exit(self) -> None:
        pass


class TrialOnly(NoUpdates):
    """A run that does not update itself (--headless, --browser, --self-test; updates off on this
    computer) but may be the version on trial: a launch the person made as the old version closed for
    "Restart to update". It passes as any run does, once its site has started (site_started); and it
    takes the rest of the trial's part as the window does: its number in trial.pid, the one the script
    stops at the time limit, and a quit before its start passed told as one."""

    def __init__(self, identity: Identity, data_dir: Path):
        self.identity = identity
        self.data_dir = data_dir
        self.on_trial = False

    def note_start(self) -> bool:
        self.on_trial = trial.note_start(self.data_dir, self.identity.version)
        return False

    def quit_before_started(self) -> None:
        """The person quit (the window closed, a logout) before the start had ended: on trial after an
        update, that is no failed start, and the update's script is told so (trial.leave_trial)."""
        if self.on_trial and trial.leave_trial(self.data_dir, self.identity.version):
            logger.info("Quit before this version's first start after an update had passed: the update is put "
                        "back as staged, and installed again at Restart to update")


class Updater(TrialOnly):
    active = True

    def __init__(self, identity: Identity, data_dir: Path, argv: list[str], install: "Install"):
        super().__init__(identity, data_dir)
        self.argv = list(argv)
        self.install = install
        self.folder = updates_dir(data_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.window = None
        self.restart_requested = False
        self.trial_left_by_its_script = False
        self.status = {"state": "idle", "message": "", "version": "", "done": 0, "total": 0}
        self.check_after_s = float(os.environ.get(f"{identity.env_prefix}_UPDATE_CHECK_AFTER", CHECK_AFTER_S))
        self.state = read_json(self.folder / STATE_FILE)
        self.running_mark = install.mark_running() if install.updatable else None
        self.take_trial_result()
        if not install.updatable:
            self.set(state="unavailable", message=install.reason)
        elif self.ready():
            self.set(state="ready", version=self.ready()["version"],
                     message=self.ready_message(self.ready()["version"]))

    # -- state --------------------------------------------------------------------------------

    def set(self, **changes) -> None:
        with self.lock:
            self.status.update(changes)
        if "state" in changes:
            logger.info("Updates: %s %s", changes["state"], changes.get("message", ""))

    def save_state(self, **changes) -> None:
        with self.lock:
            self.state.update(changes)
            write_json(self.folder / STATE_FILE, self.state)

    def ready_message(self, version: str) -> str:
        return f"{self.identity.name} {version} is ready: restart to update."

    def ready(self) -> dict | None:
        """The update this install's check staged, if it is still there. Only the folder the check
        stages a version into (beside the install) counts: the state file is in the data folder, and
        one someone else made (a stick handed over) named a folder of theirs, which the app swapped
        its install for at its next start and ran."""
        ready = self.state.get("ready")
        if not (isinstance(ready, dict) and isinstance(ready.get("version"), str) and VERSION.fullmatch(ready["version"])
                and ready["version"] != self.identity.version and self.install.updatable):
            return None
        staging = self.install.staging_for(ready["version"])
        if ready.get("staging") != str(staging) or not staging.is_dir():
            return None
        return ready

    def take_trial_result(self) -> None:
        """What the last update's script found: passed, or rolled back (that version is then skipped)."""
        finished = trial.finished_trial(self.data_dir)
        if not finished:
            return
        last_trial, result = finished
        version = last_trial.get("version", "")
        if result.startswith("passed") and version == self.identity.version:
            self.save_state(ready=None, notice=f"Updated to {self.identity.name} {version}.")
        elif result.startswith("quit") and self.install.staging_for(version).is_dir():
            # Staged again, for the person's Restart to update only: installed at every start, a version
            # whose start hangs, quit each time, left the person no working app.
            self.save_state(ready={"version": version, "staging": str(self.install.staging_for(version)),
                                   "when_asked": True},
                            notice=f"{self.identity.name} {version} was closed before its first start had ended, so "
                                   f"{self.identity.name} {self.identity.version} opened. Restart to update when you are "
                                   "ready: its first start may take a while.")
        elif result.startswith(("rolled-back", "failed")):
            failed = dict(self.state.get("failed_versions") or {})
            failed[version] = result
            if version == self.identity.version:  # the script had no previous version to put back
                notice = (f"{self.identity.name} {version} did not pass its first start after the update, and the previous "
                          f"version could not be put back, so it was kept. ({result})")
            else:
                notice = (f"The update to {version} did not start, so {self.identity.name} {self.identity.version} was "
                          f"kept. ({result})")
            self.save_state(ready=None, failed_versions=failed, notice=notice)
        logger.info("Last update: %s", result)

    def snapshot(self) -> dict:
        self.take_trial_result()
        with self.lock:
            status = dict(self.status)
        status.update(
            app=self.identity.name, current_version=self.identity.version, enabled=enabled(self.data_dir),
            last_check=self.state.get("last_check"), notice=self.state.get("notice", ""),
            install=self.install.kind,
        )
        if not status["enabled"] and status["state"] in ("idle", "up-to-date"):
            status.update(state="off", message="Automatic updates are off.")
        return status

    def dismiss_notice(self) -> None:
        self.save_state(notice="")

    # -- hooks the launcher calls -------------------------------------------------------------

    def note_start(self) -> bool:
        """Before anything else: a staged update is applied now (the app then exits at once)."""
        super().note_start()
        self.trial_left_by_its_script = trial.left_by_its_script(self.data_dir, self.identity.version)
        ready = self.ready()
        if not ready or not self.install.updatable:
            return False
        if ready.get("when_asked"):
            logger.info("The update to %s waits for Restart to update: its last first start was quit", ready["version"])
            return False
        if self.install.others_running(self.running_mark):
            logger.info("The staged update to %s waits: another window runs from this install", ready["version"])
            return False
        logger.info("Applying the staged update to %s", ready["version"])
        return self.begin_apply(ready)

    def on_window(self, window) -> None:
        self.window = window

    def start_background(self, startup) -> None:
        """Checks begin once the site has started (`startup`, a Future), never before."""
        def run():
            if startup.exception() is None:
                if self.trial_left_by_its_script:
                    self.finish_a_left_trial()
                self.run()
            elif self.on_trial:
                self.quit_failed_trial()

        threading.Thread(target=run, name="desktop-updates", daemon=True).start()

    def finish_a_left_trial(self) -> None:
        """This version was installed by an update whose script ended before its trial did (a logout
        that ended the whole session, a Windows sign-out): the previous version and the databases'
        copies were kept, and every start took itself for the trial. Started now, it has passed."""
        logger.warning("The update to %s was left without a result (its script ended before its first start "
                       "had passed); it has started now, so it is kept", self.identity.version)
        trial.finish_a_left_trial(self.data_dir, self.identity.version,
                                  self.install.previous() if self.install.updatable else None)

    def quit_failed_trial(self) -> None:
        """This version, just installed, could not start: quit (exit code 1) rather than show the error
        and wait, so the update's script puts the previous version back at once."""
        logger.error("This version failed its start after an update: quitting, so the previous version is put back")
        deadline = time.monotonic() + 10
        while self.window is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.window is None:
            os._exit(1)
        self.window.destroy()

    def after_exit(self) -> None:
        """The server has stopped and the data folder is free: "Restart to update" hands over now."""
        ready = self.ready()
        if self.restart_requested and ready:
            self.begin_apply(ready)

    def begin_apply(self, ready: dict) -> bool:
        """Hand over to the update's script; if it cannot even start, this version goes on as it is.
        The last update's notice goes: the new version said "Updated to <this version>" until it
        read its own trial's result."""
        import sqlite3  # with the script's module: only to install an update, never before a window shows

        from django_desktop_shell.updates import apply

        self.save_state(ready=None, notice="")
        try:
            apply.begin(install=self.install, staging=Path(ready["staging"]), version=ready["version"],
                        current=self.identity.version, data_dir=self.data_dir, name=self.identity.name,
                        slug=self.identity.slug, env_prefix=self.identity.env_prefix, argv=self.argv)
        except (OSError, sqlite3.Error) as error:
            logger.error("Could not start installing %s: %s", ready["version"], error)
            self.save_state(notice=f"The update to {ready['version']} could not be installed ({error}); "
                                   "it is downloaded again at the next check.")
            return False
        return True

    # -- what the routes ask ------------------------------------------------------------------

    def request_check(self) -> bool:
        if not enabled(self.data_dir) or not self.install.checks:
            return False
        self.wake.set()
        return True

    def request_restart(self) -> str | None:
        """Close the window to install the ready update; else why not."""
        if not self.ready() or self.window is None:
            return "No update is ready to install."
        if self.install.others_running(self.running_mark):
            return (f"Close the other {self.identity.name} windows first (on another data folder): they run from the "
                    "folder the update replaces.")
        self.restart_requested = True
        threading.Thread(target=self.window.destroy, name="desktop-close", daemon=True).start()
        return None

    # -- the background thread ----------------------------------------------------------------

    def due(self) -> bool:
        """On, and not checked for a day (a failed try does not count as a check: it is tried again within the hour).
        A check dated ahead of the clock (made with the clock a year ahead) is no check: by its date,
        none was due until the clock caught up, a year without updates."""
        return enabled(self.data_dir) and not 0 <= time.time() - float(self.state.get("last_check") or 0) < DAY_S

    def run(self) -> None:
        self.wake.wait(self.check_after_s)
        while True:
            if self.wake.is_set() or self.due():
                self.wake.clear()
                if self.install.checks:
                    self.check_once()
            self.wake.wait(min(DAY_S, 3600))

    def check_once(self) -> None:
        # Imported by name: the build bundles the client (and python-tuf) only for an app with an update-url.
        client_module = importlib.import_module("django_desktop_shell.updates.client")
        Client, UpdateRefused, UpdateUnavailable = client_module.Client, client_module.UpdateRefused, client_module.UpdateUnavailable
        client = Client(update_url=self.identity.update_url, data_dir=self.data_dir,
                        trusted_root=self.identity.project_dir / UPDATE_ROOT_FILE, slug=self.identity.slug,
                        current_version=self.identity.version)
        ready = self.ready()
        if not ready:
            self.set(state="checking", message="Checking for updates…", done=0, total=0)
        try:
            offer = client.check(skip_versions=tuple(self.state.get("failed_versions") or ()))
            if ready and offer is not None and offer.version == ready["version"]:
                self.save_state(last_check=time.time())
                self.finish("ready", self.ready_message(offer.version))
                return
            if ready:
                self.withdraw(ready, offer)
            if offer is not None and not self.install.updatable:
                self.announce(offer.version)
                return
            if offer is None:
                self.save_state(last_check=time.time())
                self.finish("up-to-date", f"{self.identity.name} {self.identity.version} is up to date.", version="")
                return
            self.set(state="downloading", version=offer.version, total=offer.download_size,
                     message=f"Downloading {self.identity.name} {offer.version}…")
            archive = client.download(offer, lambda done, total: self.set(done=done, total=total))
            staging = client.stage(archive, self.install.staging_for(offer.version), self.install.executable)
            client.forget_other_archives(keep=offer.version)
            self.save_state(ready={"version": offer.version, "staging": str(staging)}, last_check=time.time())
            self.finish("ready", self.ready_message(offer.version))
        except UpdateRefused as error:
            # Said in the update bar until dismissed: a refusal may be an attack on the updates.
            self.save_state(last_check=time.time(), notice=f"{REFUSED} {error}")
            self.finish("refused", f"{REFUSED} {error}")
        except UpdateUnavailable as error:
            self.finish("unavailable-now", str(error))
        except Exception as error:  # the app goes on; the log has the details
            logger.exception("The update check failed")
            self.finish("unavailable-now", f"The update check failed ({error!r}); it is tried again later.")

    def announce(self, version: str) -> None:
        """An install that cannot swap itself (the one-file binary) says a new version is out, once per version."""
        self.save_state(last_check=time.time())
        if self.state.get("announced") != version:
            self.save_state(announced=version, notice=f"{self.identity.name} {version} is out. {self.install.reason}")
        self.finish("unavailable", self.install.reason, version=version)

    def withdraw(self, ready: dict, offer) -> None:
        """The staged version is no longer the one to install: a newer one is out, or its publisher
        yanked it (a bad release), which the restart would have installed all the same."""
        from packaging.version import Version

        shutil.rmtree(ready["staging"], ignore_errors=True)
        self.save_state(ready=None)
        if offer is None or Version(offer.version) < Version(ready["version"]):
            self.save_state(notice=f"{self.identity.name} {ready['version']}, downloaded earlier, was withdrawn by its "
                                   "publisher: it was not installed.")

    def finish(self, state: str, message: str, **changes) -> None:
        """A check's outcome, shown now and kept in the data folder (the log has it too). A check that
        failed with an update staged leaves "Restart to update" on the bar: that update still installs."""
        self.save_state(last_result={"state": state, "message": message, "at": time.time()})
        if state in ("up-to-date", "ready") and self.state.get("notice", "").startswith(REFUSED):
            self.save_state(notice="")  # verified since: what was refused (a lapsed signature, a bad mirror) is over
        ready = self.ready()
        if ready and state != "ready":
            state, message = "ready", self.ready_message(ready["version"])
        self.set(state=state, message=message, **changes)


def site_started(identity: Identity, data_dir: Path) -> None:
    """The site answered its health check: if this version is on trial after an update, it passed."""
    if trial.pass_trial(data_dir, identity.version):
        logger.info("This version passed its start after an update")


def outcome_of_the_launch_on_trial(identity: Identity, data_dir: Path) -> int | None:
    """For a launch that handed over to the one holding the data folder: if it is the update script's
    start of the new version, the exit status that tells the script how the launch that holds it (the
    person's, running the new version) did, once it knows (trial.outcome_of_the_launch_on_trial)."""
    return trial.outcome_of_the_launch_on_trial(data_dir, identity.version)


def for_run(identity: Identity, data_dir: Path, mode: str, argv: list[str] | None = None) -> NoUpdates:
    """The launcher's updater for this run (also set as `current` for the routes)."""
    global current
    current = None
    if not identity.update_url:
        return NoUpdates()
    if mode != "window" or turned_off_on_this_computer(identity):
        return TrialOnly(identity, data_dir)
    if not available():
        logger.warning("update-url is set but the updates extra is not installed (pip install django-desktop-shell[updates])")
        return NoUpdates()
    from django_desktop_shell.updates import install as installs  # only for an app with updates: before its window

    install = installs.detect(identity.slug, identity.name)
    current = Updater(identity, data_dir, sys.argv[1:] if argv is None else argv, install)
    return current


def turned_off_on_this_computer(identity: Identity) -> bool:
    """<APP>_UPDATES=off, set for every user by an administrator (/etc/environment, a system
    environment variable on Windows): no check, no download, no update bar."""
    variable = f"{identity.env_prefix}_UPDATES"
    value = os.environ.get(variable)
    if value is None:
        return False
    if value == "off":
        logger.info("Updates are turned off on this computer (%s=off)", variable)
        return True
    logger.warning("%s=%s is not understood: only %s=off turns updates off", variable, value, variable)
    return False
