from cookbook.settings.base import *  # noqa: F403

from django_desktop_shell.settings import desktop_settings  # noqa: E402

desktop_settings(globals())
