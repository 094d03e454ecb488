"""The device's own sync endpoints, for its sidebar (docs/api.md): the state, connecting to a
server and disconnecting, and "Sync now". The worker (and its HTTP client) is imported by the
views that use it, not with the URLs: the first request of a launch does not pay for it."""

from functools import wraps

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from embedded_site.notes.api import ApiError, api_view, json_object, valid
from embedded_site.notes.forms import JsonTyped

MAX_WAIT = 120


WEB_ADDRESS = "Enter the server's address as its page gives it, starting with https:// (or http:// on your own network)."


class JsonURLField(JsonTyped, forms.URLField):
    """A server's address: the web's (Django's URLField takes ftp:// too, which no server answers)."""

    default_error_messages = {"wrong_type": "Enter the address as text (a JSON string).", "invalid": WEB_ADDRESS}
    default_validators = [URLValidator(schemes=["https", "http"])]


class DeviceTokenField(JsonTyped, forms.CharField):
    """The token a server made for this device (devices/tokens.py: URL-safe ASCII): it goes in an
    Authorization header, which can carry no space, line break or character outside ASCII."""

    default_error_messages = {"wrong_type": "Enter the token as text (a JSON string)."}
    default_validators = [RegexValidator(
        r"\A[!-~]+\Z", "Paste the token exactly as the server showed it: it has no spaces, line breaks or "
        "characters outside ASCII.")]


class ConnectForm(forms.Form):
    server_url = JsonURLField(max_length=2000, assume_scheme="https", label="Server address")
    token = DeviceTokenField(max_length=500, label="Device token")


class SyncNowForm(forms.Form):
    wait = forms.FloatField(required=False, min_value=0, max_value=MAX_WAIT)


def sync_worker():
    from embedded_site.sync import worker

    return worker


def device_only(view):
    """A server is what devices sync with: it has no server of its own."""

    @wraps(view)
    def on_a_device(request, *args, **kwargs):
        if getattr(settings, "NOTEDESK_SERVER", False):
            raise ApiError(404, "This is a Notedesk server: devices sync with it through /api/sync/v1/.")
        return view(request, *args, **kwargs)

    return on_a_device


@require_GET
@api_view
@device_only
def sync_status(request):
    return JsonResponse(sync_worker().status())


@require_http_methods(["POST", "DELETE"])
@api_view
@device_only
def sync_connection(request):
    worker = sync_worker()
    if request.method == "DELETE":
        worker.disconnect()
    else:
        details = valid(ConnectForm(json_object(request)))
        worker.connect(details["server_url"], details["token"])
    return JsonResponse(worker.status())


@require_POST
@api_view
@device_only
def sync_now(request):
    """A round at once; `?wait=S` answers once it ended (scripts and tests), else at once."""
    worker = sync_worker()
    if worker.current is None:
        return JsonResponse({**worker.status(), "error": {"reason": "not_connected", "message": "Connect to a server first."}}, status=409)
    worker.current.sync_now(wait=valid(SyncNowForm(request.GET))["wait"] or 0)
    return JsonResponse(worker.status())
