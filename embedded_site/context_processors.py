from django.conf import settings

from django_desktop_shell import native


def notedesk(request):
    return {
        "notedesk_version": settings.DESKTOP_APP_VERSION,
        "native_dialogs": native.functions is not None,
        "notedesk_server": getattr(settings, "NOTEDESK_SERVER", False),
    }
