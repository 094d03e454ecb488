import logging
import sys
from pathlib import Path


class StartupError(Exception):
    """A problem the person must fix before the app can start; its message says how."""


class DataFolderError(StartupError):
    """The data folder cannot be made or written: the launch stops before it has a log to write to."""


class WebViewMissing(StartupError):
    """WebKitGTK, which the window needs, is not installed: a plain GTK dialog says so."""


def failure_message(error: Exception) -> str:
    """What the person is told about an error that stopped the start: a StartupError's own words;
    any other error's type and message (a FileNotFoundError's repr left out the file it names),
    and the log file that holds its traceback."""
    if isinstance(error, StartupError):
        return str(error)
    message = str(error)
    ending = "" if message.endswith((".", "!", "?")) else "."
    left_out = file_the_build_left_out(error)
    if left_out:
        return f"{left_out} {message}{ending} {see_the_log('The traceback is in {}.')}"
    return f"Unexpected error: {type(error).__name__}: {message}{ending} {see_the_log('The traceback is in {}.')}"


def file_the_build_left_out(error: Exception) -> str | None:
    """What to add to pyproject.toml, for a file that a built app reads beside its code and that the
    build did not put in: a library's (its hook, if any, does not name it) or the project's own. Which
    of the two, the built app cannot tell: it carries the metadata of few libraries."""
    bundle = getattr(sys, "_MEIPASS", None)
    if not isinstance(error, FileNotFoundError) or bundle is None or error.filename is None:
        return None
    path = Path(error.filename)
    if not path.is_relative_to(bundle):
        return None
    inside = path.relative_to(bundle)
    return (f"The build left out {inside.as_posix()}, which the app reads: in pyproject.toml's [tool.desktop-shell], "
            f"name {inside.parts[0]} in collect-all if it is a library, or the file in data-files if it is your "
            "project's, and build again (docs/shipping-your-django-app.md, section 6).")


def see_the_log(sentence: str) -> str:
    """The sentence with the log file's path in it, or "The log file has the details." before the
    log is set up (a data folder that could not be made)."""
    files = [handler.baseFilename for handler in logging.getLogger().handlers if isinstance(handler, logging.FileHandler)]
    return sentence.format(files[0]) if files else "The log file has the details."
