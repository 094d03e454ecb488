"""The server's log names a request's path without the person's words in it (server_settings.py,
LOGGING): a tag's name is part of its address (/api/tags/<name>/), and Django's line for each
refused request ("Not Found: /api/tags/divorce-lawyer/") put the tags of anyone on the server
into its host's log. The URL's text parts become their names (/api/tags/<name>/); numbers (a
note's id) stay, which is what finds the request."""

import logging


def path_without_words(request) -> str:
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in (match.kwargs.items() if match else ()):
        if isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


class PathsWithoutWords(logging.Filter):
    """For a line logged with its request (Django's django.request, the shell's unhandled errors)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is None or not isinstance(record.args, tuple):
            return True
        # Django's lines give the path escaped (django.utils.log.log_response: no control characters).
        written = {request.path: path_without_words(request)}
        written.update({escaped(path): escaped(logged) for path, logged in written.items()})
        record.args = tuple(written.get(arg, arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def escaped(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")
