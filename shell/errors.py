class StartupError(Exception):
    """A problem the person must fix before Notedesk can start; its message says how."""
