"""Times are shown in the person's own zone: Notedesk's settings said UTC, which Django hands the
process as TZ and so the window, and someone in New York saw a note written at 4:39 PM listed as
written at 9:39 PM (and the files of a Markdown export dated five hours late)."""

import importlib
import re
import subprocess
import sys
import types
from datetime import datetime

import pytest
import tzlocal

from django_desktop_shell.settings import machine_time_zone
from tests.conftest import ROOT


@pytest.mark.window
def test_the_list_shows_when_a_note_was_written_in_the_persons_zone(tmp_path, app_env):
    zone = "Asia/Kolkata"  # half an hour off UTC's: no time in UTC reads the same
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.local_times", str(tmp_path / "data"), zone],
                            capture_output=True, text=True, env={**app_env, "TZ": zone}, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    shown, in_the_zone = re.search(r"^listed: (.*) \| in Asia/Kolkata: (.*)$", result.stdout, re.MULTILINE).groups()
    assert shown == in_the_zone


@pytest.mark.parametrize(("tz", "expected"), [
    ("Europe/Paris", "Europe/Paris"),
    (":America/New_York", "America/New_York"),  # glibc's form for a zone file's name
    ("/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo"),
])
def test_the_machines_zone_is_the_one_tz_names(monkeypatch, tz, expected):
    monkeypatch.setenv("TZ", tz)
    assert machine_time_zone() == expected


def test_a_tz_no_zone_is_named_by_gives_way_to_the_systems(monkeypatch):
    """A POSIX rule, which Django's TIME_ZONE refuses: the zone /etc/localtime links to instead."""
    monkeypatch.delenv("TZ", raising=False)
    system = machine_time_zone()
    monkeypatch.setenv("TZ", "CET-1CEST")
    assert machine_time_zone() == system


@pytest.mark.parametrize(("windows_zone", "expected"), [
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Eastern Standard Time\x00\x00\x00", "America/New_York"),  # as some Windows write it
])
# The faked zone is not this machine's, whose clock tzlocal compares it with.
@pytest.mark.filterwarnings("ignore:Timezone offset does not match system offset")
def test_on_windows_the_machines_zone_is_the_one_windows_is_set_to(monkeypatch, windows_zone, expected):
    """Windows names its zone in the registry, in its own names, and sets no TZ: the zone was "UTC"
    there, and Today's note counted UTC's days. What tzlocal reads, the registry (winreg), is faked."""
    values = {"TimeZoneKeyName": windows_zone, "DynamicDaylightTimeDisabled": 0}
    registry = types.SimpleNamespace(
        HKEY_LOCAL_MACHINE="HKLM",
        ConnectRegistry=lambda computer, key: key,
        OpenKey=lambda handle, path: types.SimpleNamespace(Close=lambda: None),
        QueryInfoKey=lambda key: (0, len(values), 0),
        EnumValue=lambda key, index: (*list(values.items())[index], 1),
    )
    monkeypatch.setitem(sys.modules, "winreg", registry)
    monkeypatch.delitem(sys.modules, "tzlocal.win32", raising=False)
    windows = importlib.import_module("tzlocal.win32")
    monkeypatch.setattr(tzlocal, "reload_localzone", windows.reload_localzone)
    monkeypatch.setattr(tzlocal, "get_localzone_name", windows.get_localzone_name)
    monkeypatch.delenv("TZ", raising=False)
    assert machine_time_zone() == expected


def test_the_log_keeps_the_machines_zone_when_django_sets_time_zone(tmp_path):
    """Django sets the process's zone to TIME_ZONE as it starts: the log's first lines were in the
    machine's zone and the rest in TIME_ZONE's, so with startproject's "UTC" in New York the log
    went five hours back in the middle of a launch, and no line matched the person's clock."""
    code = "\n".join([
        "import logging, os, pathlib, time",
        "from django_desktop_shell.process.logs import configure_logging",
        f"configure_logging(pathlib.Path({str(tmp_path)!r}), 'polls', dev=False)",
        "logging.getLogger('polls').warning('before Django')",
        "os.environ['TZ'] = 'UTC'; time.tzset()  # what Django does with TIME_ZONE = 'UTC'",
        "logging.getLogger('polls').warning('after Django')",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={"TZ": "America/New_York", "PYTHONPATH": ":".join(sys.path)})
    assert result.returncode == 0, result.stderr
    written = re.findall(r"^(\S+ \S+) WARNING .* polls: (.*)$", (tmp_path / "logs" / "polls.log").read_text(), re.M)
    times = {line: datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f") for stamp, line in written}
    assert abs((times["after Django"] - times["before Django"]).total_seconds()) < 60, written
