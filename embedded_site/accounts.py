"""Logging in to a Notedesk server (server_settings.py): Django's auth views, every other page
behind the login, and failed logins limited per user name and per client address.

The limit counts failures in Django's cache for a window of LIMIT_WINDOW seconds: past
LIMIT_PER_USERNAME for one name, or LIMIT_PER_ADDRESS from one address, a login is answered 429
with Retry-After until the window ends, without checking the password. A successful login
clears its name's count.
"""

import math
import time
from hashlib import sha256

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render

from django_desktop_shell.errors import error_response, wants_json

LIMIT_WINDOW = 15 * 60
LIMIT_PER_USERNAME = 5
LIMIT_PER_ADDRESS = 20


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, except that an API call without a login gets a 401 in JSON, not the login page."""

    def handle_no_permission(self, request, view_func):
        if wants_json(request):
            return error_response(request, 401, "Log in to use the notes API: your session has ended.")
        return super().handle_no_permission(request, view_func)


def failure_keys(request) -> list[tuple[str, int]]:
    """The cache keys that count this login's failures, each with its limit."""
    username = request.POST.get("username", "").strip().casefold()
    address = request.META.get("REMOTE_ADDR", "")
    return [
        ("login-failures:name:" + sha256(username.encode()).hexdigest(), LIMIT_PER_USERNAME),
        ("login-failures:address:" + address, LIMIT_PER_ADDRESS),
    ]


def seconds_blocked(keys: list[tuple[str, int]]) -> int:
    """How long until a login may be tried again: 0 if it may now."""
    now = time.time()
    waits = [
        counted["until"] - now
        for key, limit in keys
        if (counted := cache.get(key)) and counted["failures"] >= limit
    ]
    return math.ceil(max(waits)) if waits else 0


def count_failure(keys: list[tuple[str, int]]) -> None:
    now = time.time()
    for key, _ in keys:
        counted = cache.get(key) or {"failures": 0, "until": now + LIMIT_WINDOW}
        counted["failures"] += 1
        cache.set(key, counted, max(1, math.ceil(counted["until"] - now)))


class LoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        keys = failure_keys(request)
        if wait := seconds_blocked(keys):
            response = render(
                request, "registration/too_many_attempts.html", {"minutes": math.ceil(wait / 60)}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            cache.delete(keys[0][0])
        else:
            count_failure(keys)
        return response


login = LoginView.as_view(redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()
