"""Devices: a logged-in person creates, lists and revokes them, on a page and over the API; a
token is shown once, kept only hashed, and stops working when revoked."""

import hashlib
import re

import pytest

from embedded_site.devices.models import Device
from embedded_site.devices.tokens import device_for_token, new_device
from tests.notes.conftest import XHR, Api
from tests.server_mode import HttpsClient, make_user


@pytest.fixture
def api(client):
    return Api(client)


def test_a_device_made_over_the_api_gets_a_token_once_kept_only_as_its_hash(api, server_user):
    response = api.post("/api/devices/", {"name": "Work laptop"})
    assert response.status_code == 201
    token = response.json()["token"]
    device = Device.objects.get(pk=response.json()["id"])
    assert device.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Device.objects.values_list()))
    listed = api.get("/api/devices/").json()["devices"]
    assert [(item["name"], item["revoked_at"]) for item in listed] == [("Work laptop", None)]
    assert "token" not in listed[0] and "token_hash" not in listed[0]
    found = device_for_token(token)
    assert (found.pk, found.owner, found.last_used is not None) == (device.pk, server_user, True)


def test_a_revoked_or_unknown_token_finds_no_device(api):
    created = api.post("/api/devices/", {"name": "Old phone"}).json()
    assert api.delete(f"/api/devices/{created['id']}/").json()["revoked_at"] is not None
    assert device_for_token(created["token"]) is None
    assert device_for_token("ndt_" + "x" * 43) is None
    assert device_for_token("") is None
    assert device_for_token("é" * 500) is None


def test_a_device_name_is_required_and_bad_input_is_a_400_that_says_so(api):
    response = api.post("/api/devices/", {"name": ""})
    assert response.status_code == 400 and "name" in response.json()["fields"]
    assert api.post("/api/devices/", {"name": 12}).status_code == 400
    assert not Device.objects.exists()


def test_another_users_devices_are_neither_listed_nor_revocable(api, db):
    bob = HttpsClient(headers={"Origin": "https://testserver"})
    bob.force_login(make_user("bob"))
    bobs = Api(bob).post("/api/devices/", {"name": "Bob's desktop"}).json()
    assert api.get("/api/devices/").json() == {"devices": []}
    assert api.delete(f"/api/devices/{bobs['id']}/").status_code == 404
    assert device_for_token(bobs["token"]) is not None


def test_the_devices_page_creates_shows_the_token_once_and_revokes(client):
    client.handler.enforce_csrf_checks = True
    page = client.get("/devices/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    created = client.post("/devices/", {"name": "Home desktop", "csrfmiddlewaretoken": token})
    shown = re.search(rb'id="newDeviceToken" readonly value="([^"]+)"', created.content).group(1).decode()
    device = device_for_token(shown)
    assert device.name == "Home desktop"
    again = client.get("/devices/")
    assert shown.encode() not in again.content and b"Home desktop" in again.content
    revoked = client.post(f"/devices/{device.pk}/revoke/", {"csrfmiddlewaretoken": token})
    assert revoked.status_code == 302
    assert device_for_token(shown) is None
    assert b"revoked" in client.get("/devices/").content


def test_the_devices_api_needs_a_login(anonymous_client, db):
    assert anonymous_client.get("/api/devices/", **XHR).status_code == 401


def test_a_deactivated_persons_device_is_told_its_account_is_deactivated_not_that_its_token_is_unknown(server_user):
    """Until this, it was told "This device token is unknown or was revoked. Create a new
    device on the server.", which sent the person after a new token that would not work either."""
    _, token = new_device(server_user, "Laptop")
    server_user.is_active = False
    server_user.save()
    response = HttpsClient().get("/api/sync/v1/changes/?since=0", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["error"].startswith("The account this device syncs with is deactivated on the server")
    revoked = HttpsClient().get("/api/sync/v1/changes/?since=0", HTTP_AUTHORIZATION="Bearer ndt_never-made", HTTP_ACCEPT="application/json")
    assert revoked.json()["error"] == "This device token is unknown or was revoked. Create a new device on the server."
