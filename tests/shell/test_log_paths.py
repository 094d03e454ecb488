"""The log filter that takes the person's words out of a request's path, on lines whose "request"
is not Django's."""

import io
import logging
import socket

from django_desktop_shell.log_paths import PathsWithoutWords


def test_runserver_s_request_lines_are_written_as_they_are():
    """runserver logs each request with its socket as "request": with the filter on the log's
    handler (`python launcher.py manage runserver`, or a server's LOGGING that names it), every
    request ended in "AttributeError: 'socket' object has no attribute 'path'" and a screenful of
    tracebacks at the terminal, and no line was logged."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PathsWithoutWords())
    logger = logging.getLogger("django.server.test")
    logger.addHandler(handler)
    try:
        with socket.socket() as connection:
            logger.warning('"%s" %s %s', "GET /tags/holiday/ HTTP/1.1", "400", "143", extra={"request": connection})
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == '"GET /tags/holiday/ HTTP/1.1" 400 143\n'
