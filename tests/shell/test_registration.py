"""What the installers register for the identity's file-types and url-schemes, generated from the
identity table (django_desktop_shell.packaging.registration); the build scripts use it."""

import shutil
import subprocess
import sys

import pytest

from django_desktop_shell.identity import load
from django_desktop_shell.packaging.identity import build_values
from django_desktop_shell.packaging.registration import info_plist_entries, inno_registry
from tests.conftest import ROOT, SITES

NOTEDESK = load(ROOT)


def test_the_desktop_entry_gets_the_mime_types_and_a_field_code_for_files_and_links(tmp_path):
    if not shutil.which("desktop-file-validate"):
        pytest.fail("desktop-file-validate is not installed: run `make test`, which installs desktop-file-utils")
    values = build_values(NOTEDESK)
    assert values["mime_types"] == "text/markdown;text/plain;x-scheme-handler/notedesk;"
    assert values["exec_args"] == " %U"
    entry = tmp_path / "notedesk.desktop"
    entry.write_text(f"[Desktop Entry]\nType=Application\nName=Notedesk\nExec=notedesk{values['exec_args']}\n"
                     f"MimeType={values['mime_types']}\n")
    result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout, result.stdout
    polls = build_values(load(SITES["polls"]))
    assert (polls["mime_types"], polls["exec_args"]) == ("", "")


def test_the_windows_installer_registers_each_extension_and_the_scheme_per_user():
    lines = inno_registry(NOTEDESK).splitlines()
    assert lines[0] == "[Registry]"
    assert all(line.startswith("Root: HKA; Subkey: \"Software\\Classes\\") for line in lines[1:])
    text = "\n".join(lines)
    for extension in ("md", "markdown", "txt"):
        assert f'Subkey: "Software\\Classes\\.{extension}\\OpenWithProgids"; ValueType: string; ValueName: "org.notedesk.Notedesk.{extension}"' in text
    assert 'Subkey: "Software\\Classes\\notedesk"; ValueType: string; ValueName: "URL Protocol"' in text
    assert text.count('ValueData: """{app}\\{#AppSlug}.exe"" ""%1"""') == 4  # 3 extensions and the scheme
    assert inno_registry(load(SITES["polls"])) == ""
    printed = subprocess.run([sys.executable, "-m", "django_desktop_shell.packaging.identity", str(ROOT), "--format", "inno-registry"],
                             capture_output=True, text=True, check=True)
    assert printed.stdout == inno_registry(NOTEDESK)


def test_the_macos_bundle_declares_the_document_types_and_the_url_scheme():
    entries = info_plist_entries(NOTEDESK)
    assert entries["CFBundleURLTypes"] == [{"CFBundleURLName": "org.notedesk.Notedesk", "CFBundleURLSchemes": ["notedesk"]}]
    markdown = entries["CFBundleDocumentTypes"][0]
    assert markdown["CFBundleTypeExtensions"] == ["md", "markdown"] and markdown["CFBundleTypeMIMETypes"] == ["text/markdown"]
    assert markdown["LSHandlerRank"] == "Alternate"
    assert info_plist_entries(load(SITES["polls"])) == {}
