"""The log filter that takes the person's words out of a request's path: on lines whose "request"
is not Django's, and an upload's name."""

import io
import logging
import socket
from contextlib import contextmanager

from django_desktop_shell.log_paths import PathsWithoutWords
from tests.shell.test_media_files import media_root  # noqa: F401 (a fixture)


@contextmanager
def written_through_the_filter(logger_name: str):
    """What the desktop's log handler would write of `logger_name`'s lines, read from the stream yielded."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PathsWithoutWords())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def test_runserver_s_request_lines_are_written_as_they_are():
    """runserver logs each request with its socket as "request": with the filter on the log's
    handler (`python launcher.py manage runserver`, or a server's LOGGING that names it), every
    request ended in "AttributeError: 'socket' object has no attribute 'path'" and a screenful of
    tracebacks at the terminal, and no line was logged."""
    with written_through_the_filter("django.server.test") as written, socket.socket() as connection:
        logging.getLogger("django.server.test").warning('"%s" %s %s', "GET /tags/holiday/ HTTP/1.1", "400", "143",
                                                        extra={"request": connection})
    assert written.getvalue() == '"GET /tags/holiday/ HTTP/1.1" 400 143\n'


def test_an_upload_s_name_is_not_in_the_log(media_root, client):
    """The shell serves uploads at MEDIA_URL without a URL pattern, so nothing named the path's
    parts: an <img> of a deleted upload logged "Not Found: /media/photos/Ann's passport.jpg" at
    each page, and --diagnose put the log's end in the report for support."""
    with written_through_the_filter("django.request") as written:
        assert client.get("/media/photos/Ann's passport.jpg").status_code == 404
        assert client.get("/media/photos/pancake.png", HTTP_RANGE="bytes=900-").status_code == 416
    assert written.getvalue() == "Not Found: /media/<file>\nRequested Range Not Satisfiable: /media/<file>\n"
