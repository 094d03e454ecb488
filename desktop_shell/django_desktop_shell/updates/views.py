"""The /_desktop/updates/ routes: behind the launch gate and CSRF like every page of the app.

    GET  /_desktop/updates/          a page: the state, the setting, "Check now", "Restart to update"
    GET  /_desktop/updates/status    the state as JSON (and a CSRF token for the POSTs below)
    POST /_desktop/updates/check     check now (when the setting is on)
    POST /_desktop/updates/settings  enabled=1|0: the per-data-folder setting
    POST /_desktop/updates/restart   "Restart to update": closes the window; the update installs
    POST /_desktop/updates/dismiss   forget the notice about the last update
"""

import functools

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_POST

from django_desktop_shell.errors import error_response, render_shell_page, wants_json
from django_desktop_shell.updates import service

OFF = {"state": "off", "message": "This app does not update itself in this run.", "enabled": False, "notice": ""}


def status_of(request) -> dict:
    status = service.current.snapshot() if service.current else {**OFF, "current_version": settings.DESKTOP_APP_VERSION}
    return {**status, "csrf_token": get_token(request)}


@require_GET
def page(request):
    context = {"app_name": settings.DESKTOP_APP_NAME, "start_path": settings.DESKTOP_START_PATH, "status": status_of(request)}
    return HttpResponse(render_shell_page("desktop_shell/updates.html", context))


@require_GET
def status(request):
    return JsonResponse(status_of(request))


def with_updater(view):
    """A POST that needs this run's updater: 409 when the app does not update itself in this run."""
    @functools.wraps(view)
    def guarded(request):
        if service.current is None:
            return error_response(request, 409, OFF["message"])
        return view(request, service.current)

    return require_POST(guarded)


@with_updater
def check(request, updater):
    if not updater.request_check():
        return error_response(request, 409, "Updates are off, or this install cannot update itself.")
    return JsonResponse(status_of(request), status=202)


@with_updater
def preferences(request, updater):
    value = request.POST.get("enabled")
    if value not in ("0", "1"):
        return error_response(request, 400, "Send enabled=1 or enabled=0.")
    service.set_enabled(updater.data_dir, value == "1")
    return JsonResponse(status_of(request)) if wants_json(request) else HttpResponseRedirect("/_desktop/updates/")


@with_updater
def restart(request, updater):
    refusal = updater.request_restart()
    if refusal:
        return error_response(request, 409, refusal)
    return JsonResponse({**status_of(request), "state": "restarting", "message": "Restarting to update…"}, status=202)


@with_updater
def dismiss(request, updater):
    updater.dismiss_notice()
    return JsonResponse(status_of(request))
