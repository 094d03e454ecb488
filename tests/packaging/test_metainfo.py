"""The .deb's AppStream metainfo (packaging/metainfo.py): software centres list an app only with it,
and show its name, summary, website and the files it opens from it."""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from django_desktop_shell.identity import load
from django_desktop_shell.packaging.metainfo import metainfo

from tests.conftest import ROOT


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="validates with appstreamcli (make package installs it)")
def test_the_metainfo_validates_and_names_the_apps_desktop_entry_files_and_release(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # a reproducible build's date: 2026-01-01
    text = metainfo(load(ROOT))
    path = tmp_path / "org.notedesk.Notedesk.metainfo.xml"
    path.write_text(text, encoding="utf-8")

    result = subprocess.run(["appstreamcli", "validate", "--no-net", path], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    component = ET.fromstring(text)
    assert (component.get("type"), component.findtext("id"), component.findtext("name")) == (
        "desktop-application", "org.notedesk.Notedesk", "Notedesk")
    assert component.findtext("summary") == "Fast, private notes in a desktop window"
    assert component.findtext("launchable[@type='desktop-id']") == "notedesk.desktop"
    assert component.findtext("url[@type='homepage']") == "https://notedesk.org"
    assert [element.text for element in component.iterfind("provides/mediatype")] == ["text/markdown", "text/plain"]
    assert component.find("releases/release").attrib == {"version": "0.1.0", "date": "2026-01-01"}
