import logging


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
    return f"Unexpected error: {type(error).__name__}: {message}{ending} {see_the_log('The traceback is in {}.')}"


def see_the_log(sentence: str) -> str:
    """The sentence with the log file's path in it, or "The log file has the details." before the
    log is set up (a data folder that could not be made)."""
    files = [handler.baseFilename for handler in logging.getLogger().handlers if isinstance(handler, logging.FileHandler)]
    return sentence.format(files[0]) if files else "The log file has the details."
