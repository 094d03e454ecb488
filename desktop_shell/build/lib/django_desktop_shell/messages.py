"""django.contrib.messages' default storage, with its cookie named for this app and port and
set like the shell's other cookies (HttpOnly, SameSite=Strict): its own name is a fixed "messages"."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage


class DesktopCookieStorage(CookieStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cookie_name = settings.SESSION_COOKIE_NAME.replace("sessionid", "messages")


class DesktopMessageStorage(FallbackStorage):
    storage_classes = (DesktopCookieStorage, SessionStorage)
