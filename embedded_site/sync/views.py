"""The sync endpoints of the server, under /api/sync/v1/ (docs/api.md, docs/sync.md). A device
is known by its token alone: `Authorization: Bearer <token>`; no session, no CSRF token."""

import logging
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from django_desktop_shell.errors import error_response

from embedded_site.notes import days
from embedded_site.notes.api import ApiError, api_view, json_object, valid
from embedded_site.sync import blobs, protocol, store
from embedded_site.sync.wire import MAX_VERSION, PROTOCOL, WireError, read_note, read_sha256, speaks_this_protocol

logger = logging.getLogger(__name__)

MAX_PULL = 500
MAX_PUSH = 200
MAX_HASHES = 1000
# A change number, kept in a BigIntegerField: a larger one reached the database, whose refusal was a 500.
MAX_SEQ = 2**62


def device_view(view):
    """The view, for a request that carries a device's valid token; a 401 saying why otherwise.

    The token is checked before the view's read snapshot (api_view) begins: noting the device's
    use is a write, which a GET's snapshot on PostgreSQL would refuse when another request of the
    same device wrote that row meanwhile ("could not serialize access")."""
    answering = api_view(refusals_logged(view))

    @login_not_required
    @csrf_exempt
    @wraps(view)
    def authenticated(request, *args, **kwargs):
        if not getattr(settings, "NOTEDESK_SERVER", False):
            return error_response(request, 404, "This is a Notedesk device: it syncs with a server, and is not one.")
        from embedded_site.devices.tokens import bearer_token, device_for_token, refused_device  # a server's app

        token = bearer_token(request.headers.get("Authorization", ""))
        if not token:
            logger.warning("Sync refused a request from %s without a device token.", request.META.get("REMOTE_ADDR"))
            return error_response(request, 401, "Sync needs a device token: send it as `Authorization: Bearer <token>`.")
        device = device_for_token(token)
        if device is None:
            whose, message = refused_device(token)
            logger.warning("Sync refused a request from %s with %s.", request.META.get("REMOTE_ADDR"), whose)
            return error_response(request, 401, message)
        request.device = device
        days.journal(device.owner)  # a write, for the pull answer to name it: before the snapshot
        return answering(request, device.owner, *args, **kwargs)

    return authenticated


def refusals_logged(view):
    """The view, its refusals logged with the device and the reason (never a note's text: the
    reasons name a field and a limit), so the host can tell why someone's device does not sync."""

    @wraps(view)
    def logging_refusals(request, owner, *args, **kwargs):
        try:
            return view(request, owner, *args, **kwargs)
        except ApiError as error:
            logger.warning("Sync refused %s %s from device %d (%r of %s): %d %s", request.method, request.path,
                           request.device.pk, request.device.name, owner.username, error.status, error.message)
            raise

    return logging_refusals


class PullForm(forms.Form):
    since = forms.IntegerField(min_value=0, max_value=MAX_SEQ)
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_PULL)


@require_http_methods(["GET", "POST"])
@device_view
def changes(request, owner):
    if request.method == "POST":
        return push(request, owner)
    query = valid(PullForm(request.GET))
    return JsonResponse({"protocol": PROTOCOL, **protocol.changes_since(owner, query["since"], query["limit"] or 100)})


def push(request, owner):
    payload = json_object(request)
    if not speaks_this_protocol(payload.get("protocol", PROTOCOL)):
        raise ApiError(400, protocol_mismatch(payload["protocol"]))
    listed = payload.get("changes")
    if not isinstance(listed, list) or len(listed) > MAX_PUSH:
        raise ApiError(400, f"changes: must be a list of at most {MAX_PUSH} changes.")
    read = [read_change(item, f"change {number}") for number, item in enumerate(listed, start=1)]
    client = read_client(payload.get("client"))
    if client and not protocol.client_numbered(owner, *client):
        raise ApiError(409, "This device has made fewer changes than it had when it last pushed: its data folder "
                       "was restored from an older copy. It starts afresh, with a new client id.", start_afresh=True)
    results = []
    for change in read:
        try:
            results.append(protocol.apply_change(owner, change))
        except store.MissingContent as error:
            raise ApiError(409, f"{error} Upload it to /api/sync/v1/contents/<sha256>/ first.",
                           results=results) from None
    return JsonResponse({"protocol": PROTOCOL, "device": request.device.name, "results": results})


def protocol_mismatch(theirs: object) -> str:
    if type(theirs) is not int:
        return f"protocol: must be a version number; this server speaks version {PROTOCOL}. Nothing was applied."
    return (f"This server speaks sync protocol version {PROTOCOL}, and this device version {theirs}: "
            "update Notedesk on the server, or on the device, whichever is older. Nothing was applied.")


@login_not_required
@csrf_exempt
def other_protocol(request, version: int, rest: str):
    if version == PROTOCOL or not getattr(settings, "NOTEDESK_SERVER", False):
        raise Http404
    return error_response(request, 404, protocol_mismatch(version), protocol=PROTOCOL)


def read_client(raw: object) -> tuple[str, int] | None:
    """The pushing device's client id and the last change number it has made (docs/sync.md);
    None from a device that does not send them."""
    if raw is None:
        return None
    if (not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not 0 < len(raw["id"]) <= 100
            or not isinstance(raw.get("last_seq"), int) or isinstance(raw["last_seq"], bool)
            or not 0 <= raw["last_seq"] <= MAX_SEQ):
        raise ApiError(400, "client: must be {\"id\": text of 1 to 100 characters, \"last_seq\": a whole number "
                       f"from 0 to {MAX_SEQ}}}.")
    return raw["id"], raw["last_seq"]


def read_change(item: object, where: str) -> dict:
    try:
        if not isinstance(item, dict):
            raise WireError(f"{where}: must be an object")
        change_id, base = item.get("change_id"), item.get("base_version")
        if not isinstance(change_id, str) or not 0 < len(change_id) <= 100:
            raise WireError(f"{where}: change_id: must be text of 1 to 100 characters")
        if base is not None and (not isinstance(base, int) or isinstance(base, bool) or not 1 <= base <= MAX_VERSION):
            raise WireError(f"{where}: base_version: must be a version number, or null for a note new to the server")
        return {"change_id": change_id, "base_version": base, "note": read_note(item.get("note"), where)}
    except WireError as error:
        raise ApiError(400, str(error)) from None


@require_POST
@device_view
def missing_contents(request, owner):
    """Of the SHA-256 hashes listed, those the server has no content for."""
    listed = json_object(request).get("sha256")
    if not isinstance(listed, list) or len(listed) > MAX_HASHES:
        raise ApiError(400, f"sha256: must be a list of at most {MAX_HASHES} hashes.")
    try:
        hashes = [read_sha256(item, f"sha256 {number}") for number, item in enumerate(listed, start=1)]
    except WireError as error:
        raise ApiError(400, str(error)) from None
    return JsonResponse({"protocol": PROTOCOL, "missing": [sha for sha in dict.fromkeys(hashes) if not blobs.has_content(owner, sha)]})


@require_http_methods(["GET", "PUT"])
@device_view
def content(request, owner, sha256):
    if request.method == "PUT":
        try:
            blobs.receive(owner, sha256, within_limit(iter(lambda: request.read(blobs.CHUNK), b"")))
        except blobs.ContentMismatch as error:
            raise ApiError(400, str(error)) from None
        return JsonResponse({"protocol": PROTOCOL, "sha256": sha256}, status=201)
    name = blobs.find_content(owner, sha256)
    if name is None:
        raise ApiError(404, f"There is no content {sha256}.")
    return FileResponse(blobs.storage().open(name, "rb"), content_type="application/octet-stream")


def within_limit(chunks):
    """The chunks of an uploaded content, up to the size of the largest attachment (a 413 past it)."""
    limit, size = settings.NOTEDESK_MAX_ATTACHMENT_SIZE, 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"A content is at most {limit // (1024 * 1024)} MB, as an attachment is.")
        yield chunk
