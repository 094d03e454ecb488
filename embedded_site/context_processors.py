from django_desktop_shell import native
from django_desktop_shell.runtime import current


def notedesk(request):
    return {"notedesk_version": current.identity.version, "native_dialogs": native.functions is not None}
