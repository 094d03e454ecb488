class StartupError(Exception):
    """A problem the person must fix before the app can start; its message says how."""
