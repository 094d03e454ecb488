"""The server's log names a request's address without the person's words in it
(django_desktop_shell/log_paths.py): a tag's name is part of its address, and Django's line for a refused
request put it in the log ("Not Found: /api/tags/divorce-lawyer/")."""

import io
import logging

import pytest

from embedded_site.notes import tag_views


@pytest.fixture
def server_log():
    """What the server's own log handler (server_settings.LOGGING) writes."""
    [console] = [handler for handler in logging.getLogger().handlers if handler.name == "console"]
    stream = io.StringIO()
    earlier = console.setStream(stream)
    yield stream
    console.setStream(earlier)


def test_a_refused_request_on_a_tag_is_logged_without_the_tag_s_name(client, server_log):
    assert client.delete("/api/tags/divorce-lawyer/").status_code == 404
    assert client.delete("/api/tags/caf%C3%A9%20cr%C3%A8me/").status_code == 404
    assert client.get("/api/notes/999999/").status_code == 404
    log = server_log.getvalue()
    assert "divorce" not in log and "caf" not in log
    assert log.count("WARNING django.request: Not Found: /api/tags/<name>/\n") == 2
    assert "WARNING django.request: Not Found: /api/notes/999999/\n" in log  # a number finds the request


def test_an_unhandled_error_on_a_tag_is_logged_without_the_tag_s_name(client, server_log, monkeypatch):
    def failing(owner, name):
        raise RuntimeError("a bug")

    monkeypatch.setattr(tag_views, "existing_tag", failing)
    assert client.delete("/api/tags/divorce-lawyer/").status_code == 500
    log = server_log.getvalue()
    assert "divorce" not in log
    assert "ERROR django_desktop_shell.middleware: Unhandled error in DELETE /api/tags/<name>/\n" in log
