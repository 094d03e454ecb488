class StartupError(Exception):
    """A problem the person must fix before the app can start; its message says how."""


def failure_message(error: Exception) -> str:
    """What the person is told about an error that stopped the start."""
    return str(error) if isinstance(error, StartupError) else f"Unexpected error: {error!r}. The log file has the details."
