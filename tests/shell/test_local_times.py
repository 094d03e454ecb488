"""Times are shown in the person's own zone: Notedesk's settings said UTC, which Django hands the
process as TZ and so the window, and someone in New York saw a note written at 4:39 PM listed as
written at 9:39 PM (and the files of a Markdown export dated five hours late)."""

import re
import subprocess
import sys

import pytest

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
