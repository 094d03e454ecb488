"""Device tokens: made once, shown once, kept only as their SHA-256.

A token is 32 random bytes, so a plain hash is enough: nothing can be guessed from it, and a
token can be found by its hash in one indexed lookup (a salted, slow hash would need a scan).
"""

import hashlib
import secrets

from django.utils import timezone

from embedded_site.devices.models import Device

TOKEN_PREFIX = "ndt_"  # says what it is, in a config file or a leaked log
MAX_TOKEN_LENGTH = 100


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_device(owner, name: str) -> tuple[Device, str]:
    """The new device and its token, which nothing can show again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return Device.objects.create(owner=owner, name=name, token_hash=token_hash(raw)), raw


def bearer_token(authorization: str) -> str:
    """The token of an `Authorization: Bearer <token>` header; "" for any other."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def live_device(raw: str) -> Device | None:
    """The device a token belongs to, with its owner; None for a token that is unknown, revoked,
    or whose owner can no longer log in."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.isascii():
        return None
    device = Device.objects.select_related("owner").filter(token_hash=token_hash(raw), revoked_at__isnull=True).first()
    return device if device is not None and device.owner.is_active else None


REVOKED = "This device token is unknown or was revoked. Create a new device on the server."
DEACTIVATED = ("The account this device syncs with is deactivated on the server: ask the server's host to "
               "reactivate it. Your notes stay on this device.")


def refused_device(raw: str) -> tuple[str, str]:
    """Why a token is refused: for the server's log, whose it is (a revoked device, a deactivated
    person's, or none known); and for the device, what to do."""
    if raw and len(raw) <= MAX_TOKEN_LENGTH and raw.isascii():
        device = Device.objects.select_related("owner").filter(token_hash=token_hash(raw)).first()
        if device is not None and device.revoked_at is not None:
            return f"the token of device {device.pk} ({device.name!r} of {device.owner.username}), revoked {device.revoked_at:%Y-%m-%d %H:%M} UTC", REVOKED
        if device is not None:
            return f"the token of device {device.pk} ({device.name!r} of {device.owner.username}, whose account is deactivated)", DEACTIVATED
    return "a token this server never made", REVOKED


def device_for_token(raw: str) -> Device | None:
    """live_device(), noting the token's use."""
    device = live_device(raw)
    if device is None:
        return None
    device.last_used = timezone.now()
    Device.objects.filter(pk=device.pk).update(last_used=device.last_used)
    return device


def revoke(owner, device_id: int) -> Device | None:
    """The owner's device, revoked (a revoked one stays listed, with when); None if they have no such device."""
    device = Device.objects.owned_by(owner).filter(pk=device_id).first()
    if device is not None and device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
    return device
