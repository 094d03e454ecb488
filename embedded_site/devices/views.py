"""Devices, for the person logged in: a page (list, create, revoke) and the same in JSON under
/api/devices/ (docs/server.md). A new device's token is in the answer that creates it, and
never again."""

from django import forms
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from embedded_site.devices import tokens
from embedded_site.devices.models import DEVICE_NAME_MAX_LENGTH, Device
from embedded_site.notes.api import ApiError, api_view, json_object, valid
from embedded_site.notes.forms import NoteTextField


class DeviceForm(forms.Form):
    name = NoteTextField(max_length=DEVICE_NAME_MAX_LENGTH, label="Device name")


def device_payload(device: Device) -> dict:
    return {
        "id": device.pk,
        "name": device.name,
        "created": device.created.isoformat(),
        "last_used": device.last_used.isoformat() if device.last_used else None,
        "revoked_at": device.revoked_at.isoformat() if device.revoked_at else None,
    }


def owned_devices(owner):
    return Device.objects.owned_by(owner).order_by("revoked_at", "-created", "-pk")


@require_http_methods(["GET", "POST"])
def device_page(request):
    form, token = DeviceForm(), None
    if request.method == "POST":
        form = DeviceForm(request.POST)
        if form.is_valid():
            _, token = tokens.new_device(request.user, form.cleaned_data["name"])
            form = DeviceForm()
    status = 400 if form.errors else 200
    return render(request, "devices/devices.html", {"form": form, "token": token, "devices": owned_devices(request.user)}, status=status)


@require_POST
def revoke_from_page(request, device_id):
    tokens.revoke(request.user, device_id)
    return redirect("devices:page")


@require_http_methods(["GET", "POST"])
@api_view
def device_collection(request):
    if request.method == "POST":
        device, token = tokens.new_device(request.user, valid(DeviceForm(json_object(request)))["name"])
        return JsonResponse({**device_payload(device), "token": token}, status=201)
    return JsonResponse({"devices": [device_payload(device) for device in owned_devices(request.user)]})


@require_http_methods(["DELETE"])
@api_view
def device_detail(request, device_id):
    device = tokens.revoke(request.user, device_id)
    if device is None:
        raise ApiError(404, f"There is no device {device_id}.")
    return JsonResponse(device_payload(device))
