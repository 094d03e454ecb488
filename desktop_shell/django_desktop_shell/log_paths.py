"""The log names a request's path without the person's words in it. A URL's text parts are often
theirs (Notedesk's tag names, /api/tags/<name>/; a project's slugs and search paths), and Django's
line for each refused request ("Not Found: /api/tags/divorce-lawyer/") put them in the log, which
a person attaches to a bug report and a server's host reads. The URL's text parts become the
names of their URL pattern's arguments (/api/tags/<name>/); numbers (a note's id) stay, which is
what finds the request; an upload the shell serves at MEDIA_URL is /media/<file>. The desktop's
log handler has the filter (process/logs.py); a server's LOGGING names it."""

import logging


def path_without_words(request) -> str:
    # Imported at a logged request, not with the log's set-up before Django's.
    from django_desktop_shell.media import media_prefix

    path = request.path
    match = getattr(request, "resolver_match", None)
    prefix = media_prefix()
    if match is None and prefix and path.startswith(prefix):
        return f"{prefix}<file>"  # an upload the shell serves (media.py), named by the person
    for name, value in (match.kwargs.items() if match else ()):
        if isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


class PathsWithoutWords(logging.Filter):
    """For a line logged with its request (Django's django.request, the shell's unhandled errors)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is None:
            return True
        # Here, not with the module: the desktop's log is set up before the window, and django.http
        # imports Django's models (0.1-0.2 s on the launch's path to its first screen).
        from django.http import HttpRequest

        # runserver's lines give their socket as "request": a development server's, written as they are.
        if not isinstance(request, HttpRequest) or not isinstance(record.args, tuple):
            return True
        # Django's lines give the path escaped (django.utils.log.log_response: no control characters).
        written = {request.path: path_without_words(request)}
        written.update({escaped(path): escaped(logged) for path, logged in written.items()})
        record.args = tuple(written.get(arg, arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def escaped(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")
