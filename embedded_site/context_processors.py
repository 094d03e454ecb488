from embedded_site.version import app_version


def notedesk(request):
    return {"notedesk_version": app_version()}
