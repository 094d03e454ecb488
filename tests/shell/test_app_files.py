"""The app's own files removed or replaced while it runs (dpkg --purge, an update, a source tree
moved away): the next page says so and to start it again, never a bare 500."""

import logging
from unittest.mock import Mock

import pytest
from django.template import TemplateDoesNotExist

from django_desktop_shell import app_files, errors
from django_desktop_shell.testing import DesktopClient

pytestmark = pytest.mark.urls("tests.failing_urls")
PAGE_LOAD = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
RESTART = "Quit Notedesk and start it again."


@pytest.fixture
def remove_the_app(tmp_path, monkeypatch):
    """A running app (its middleware made, as at the launch), and what removes its files: the file
    that stands for them, and the templates an error page would be made of."""
    stand_in = tmp_path / "settings.py"
    stand_in.write_text("")
    monkeypatch.setattr(app_files, "files_of_this_app", lambda: [stand_in])
    monkeypatch.setattr(app_files, "launch_files", {})
    client = DesktopClient()
    assert client.get("/missing/", **PAGE_LOAD).status_code == 404  # the launch

    def remove(replaced_by_another_version=False):
        if replaced_by_another_version:  # as dpkg installs a file: the new one renamed over the old
            (tmp_path / "settings.py.dpkg-new").write_text("")
            (tmp_path / "settings.py.dpkg-new").replace(stand_in)
            return
        stand_in.unlink()
        monkeypatch.setattr(errors, "shell_engine", Mock(side_effect=TemplateDoesNotExist("desktop_shell/error.html")))
        monkeypatch.setattr(errors.loader, "get_template", Mock(side_effect=TemplateDoesNotExist("500.html")))
        monkeypatch.setattr(errors.loader, "render_to_string", Mock(side_effect=TemplateDoesNotExist("error.html")))

    return client, remove


def test_after_the_apps_files_are_removed_the_next_page_says_to_start_it_again(remove_the_app):
    client, remove = remove_the_app
    remove()
    answer = client.get("/missing/", **PAGE_LOAD)
    assert answer.status_code == 503
    page = answer.content.decode()
    assert "were removed or replaced while it was running" in page and RESTART in page


def test_after_the_apps_files_are_removed_a_failing_request_says_so_rather_than_a_bare_500(remove_the_app, caplog):
    """A view (or a static file) whose code or file is gone: the error page's template is gone too,
    and the server answered its own bare "Internal Server Error"."""
    client, remove = remove_the_app
    remove()
    with caplog.at_level(logging.ERROR):
        assert client.get("/broken/", **AJAX).json() == {"error": app_files.changed_message()}
        answer = client.get("/broken/")
    assert answer.status_code == 503 and RESTART in answer.content.decode()
    assert "Traceback" not in caplog.text


def test_after_the_apps_files_are_removed_what_still_works_still_answers(remove_the_app, db):
    client, remove = remove_the_app
    remove()
    assert client.get("/api/notes/", **AJAX).status_code == 200  # a save of what was typed goes on


def test_after_an_update_is_installed_over_the_app_its_pages_go_on_and_an_error_says_to_start_it_again(
        remove_the_app, caplog):
    """The error may be the running version's own bug rather than the mix of two versions: its
    traceback was not logged, so a report of it after an update held one line and no cause."""
    client, remove = remove_the_app
    remove(replaced_by_another_version=True)
    assert client.get("/missing/", **PAGE_LOAD).status_code == 404  # read from the new version's files
    with caplog.at_level(logging.ERROR):
        assert client.get("/broken/", **AJAX).json() == {"error": app_files.changed_message()}
    assert "Traceback" in caplog.text and "RuntimeError: boom: the view failed" in caplog.text


def test_with_the_apps_files_in_place_a_failing_view_is_the_usual_500(remove_the_app):
    client, _ = remove_the_app
    assert client.get("/broken/", **AJAX).status_code == 500


@pytest.mark.parametrize("build, watched", [
    ("one-folder", ["opt/notedesk/_internal", "opt/notedesk/notedesk"]),
    ("one-file", ["tmp/_MEI123"]),  # its executable may be moved: what it runs from is unpacked
])
def test_a_built_app_watches_what_it_runs_from(monkeypatch, build, watched):
    bundle, executable = {"one-folder": ("/opt/notedesk/_internal", "/opt/notedesk/notedesk"),
                          "one-file": ("/tmp/_MEI123", "/home/ada/Apps/notedesk")}[build]
    monkeypatch.setattr("sys._MEIPASS", bundle, raising=False)
    monkeypatch.setattr("sys.executable", executable)
    assert [str(path).lstrip("/") for path in app_files.files_of_this_app()] == watched
