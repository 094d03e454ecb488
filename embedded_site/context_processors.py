from embedded_site import desktop
from embedded_site.version import app_version


def notedesk(request):
    return {"notedesk_version": app_version(), "native_dialogs": desktop.native_functions is not None}
