"""The window asks the app's pages in the person's language, as the OS locale's variables name it,
and LocaleMiddleware answers in the first one the site speaks. WebKitGTK's own choice read only the
C library's locale: a French LANG the system had not generated, a LANGUAGE list (Breton, then
French) and an LC_MESSAGES of its own each got the cookbook's English page."""

import re
import subprocess
import sys

import pytest

from django_desktop_shell.process.languages import page_languages
from tests.conftest import ROOT

FRENCH, ENGLISH = "Recettes du livre de cuisine", "Cookbook recipes"
NO_LOCALE = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


@pytest.mark.window
@pytest.mark.parametrize(("variables", "heading"), [
    ({"LANG": "fr_FR.UTF-8"}, FRENCH),  # whether or not this system has generated it
    ({"LANGUAGE": "br:fr"}, FRENCH),  # no Breton in the cookbook: the person's next language
    ({"LANG": "de_DE.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, FRENCH),
    ({}, ENGLISH),
])
def test_the_window_shows_the_site_in_the_language_the_locale_names(tmp_path, app_env, variables, heading):
    env = {**app_env, **NO_LOCALE, **variables}
    result = subprocess.run([sys.executable, "-m", "tests.shell.drivers.page_language", str(tmp_path / "data")],
                            capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert shown_heading(result) == heading


@pytest.mark.window
def test_the_language_chosen_in_the_page_is_the_one_the_next_launch_opens_in(tmp_path, app_env):
    """Django's language cookie lasts as long as the browser by default, and the window's ends at
    each quit: French chosen in the page's form was gone at the next launch, which was English."""
    env = {**app_env, **NO_LOCALE}
    chosen = subprocess.run([sys.executable, "-m", "tests.shell.drivers.page_language", str(tmp_path / "data"), "fr"],
                            capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    assert shown_heading(chosen) == FRENCH
    next_launch = subprocess.run([sys.executable, "-m", "tests.shell.drivers.page_language", str(tmp_path / "data")],
                                 capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    assert shown_heading(next_launch) == FRENCH


def shown_heading(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return re.search(r"^heading: (.*)$", result.stdout, re.MULTILINE).group(1)


def test_the_c_locale_names_no_language_so_the_sites_own_default_answers(monkeypatch):
    """Not "en-US", Python's reading of C.UTF-8: a site whose LANGUAGE_CODE is French and that also
    speaks English would have answered in English."""
    for name, value in NO_LOCALE.items():
        monkeypatch.setenv(name, value)
    assert page_languages() == []
    monkeypatch.setenv("LANGUAGE", "pt_BR:pt")
    monkeypatch.setenv("LC_ALL", "es_ES.UTF-8")
    assert page_languages() == ["pt-BR", "pt", "es-ES"]
