"""Logging in to a Notedesk server (server_settings.py): Django's auth views, every other page
behind the login, and failed logins limited per user name and per client address.

The limit counts failures in Django's cache for a window of LIMIT_WINDOW seconds: past
LIMIT_PER_USERNAME for one name, or LIMIT_PER_ADDRESS from one address, a login is answered 429
with Retry-After until the window ends, without checking the password. A successful login
clears its name's count.
"""

import logging
import math
import time
import unicodedata
from hashlib import sha256
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.http import HttpRequest
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from django_desktop_shell.errors import error_response, wants_json
from django_desktop_shell.middleware import declared_length, request_from_headers, wsgi_answer
from django_desktop_shell.settings import MULTIPART_OVERHEAD

LIMIT_WINDOW = 15 * 60
LIMIT_PER_USERNAME = 5
LIMIT_PER_ADDRESS = 20
# The largest body read from a sender who is neither logged in nor a device: the login form's.
ANONYMOUS_BODY_LIMIT = 64 * 1024
logger = logging.getLogger(__name__)


def largest_body() -> int:
    """The largest request body the server reads: an import's file and its form."""
    return settings.NOTEDESK_MAX_IMPORT_SIZE + MULTIPART_OVERHEAD


def body_refusal(environ: dict):
    """The server's check of a request's body from its headers, before waitress keeps a byte of
    it (django_desktop_shell.process.server.BodyGuard): waitress would otherwise write a stranger's
    body, up to the largest an import may send, to a temporary file before the login check refuses
    the request. A body over ANONYMOUS_BODY_LIMIT (or of unknown length) from a sender with neither
    a logged-in session nor a live device token is a 401, its connection closed unread; any body
    over largest_body() is a 413. None: read it."""
    request = request_from_headers(environ)
    length = declared_length(environ)
    small = length is not None and length <= ANONYMOUS_BODY_LIMIT
    known = small or known_sender(request)
    if not known:
        response = error_response(request, 401, "Log in first: a request this large is read only from a signed-in "
                                                "browser or a device with its token.")
    elif length is not None and length > largest_body():  # a chunked body waitress bounds as it comes
        response = error_response(request, 413, f"The request is larger than {filesizeformat(largest_body())}, "
                                                "the most this server takes.")
    else:
        return None
    return wsgi_answer(request, response), known


def body_unkept(environ: dict, error: OSError):
    """The answer to a body the server's disk could not hold while it came (waitress spools a large
    one to a temporary file): a 503 that asks to try later, and the folder named in the log alone."""
    request = request_from_headers(environ)
    logger.error("Refused %s %s (503): its body could not be kept in a temporary file while it came: %s",
                 request.method, request.path, error)
    return wsgi_answer(request, error_response(request, 503, "The server could not keep the upload: it is short of "
                                                             "room just now. Try again later."))


def known_sender(request: HttpRequest) -> bool:
    """A logged-in session, or a live device token (the sync API's)."""
    from embedded_site.devices.tokens import bearer_token, live_device

    if not connection.in_atomic_block:  # in waitress's own thread, outside any request: its connection may be stale
        close_old_connections()
    if token := bearer_token(request.headers.get("Authorization", "")):
        return live_device(token) is not None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return bool(session_key) and import_module(settings.SESSION_ENGINE).SessionStore(session_key).get(SESSION_KEY) is not None


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, except that an API call without a login gets a 401 in JSON, not the login page."""

    def handle_no_permission(self, request, view_func):
        if wants_json(request):
            return error_response(request, 401, "Log in to use the notes API: your session has ended.")
        return super().handle_no_permission(request, view_func)


def failure_keys(request) -> list[tuple[str, int]]:
    """The cache keys that count this login's failures, each with its limit."""
    # As Django's login form reads the name (UsernameField: NFKC), so that no other spelling of it
    # (ａlice, ᵃlice) gets tries of its own; then casefolded, as names differing in case count as one.
    username = unicodedata.normalize("NFKC", request.POST.get("username", "").strip()).casefold()
    address = request.META.get("REMOTE_ADDR", "")
    return [
        ("login-failures:name:" + sha256(username.encode()).hexdigest(), LIMIT_PER_USERNAME),
        ("login-failures:address:" + address, LIMIT_PER_ADDRESS),
    ]


def seconds_blocked(keys: list[tuple[str, int]]) -> int:
    """How long until one more (a login tried, a CSP report) is taken: 0 if it is now."""
    now = time.time()
    waits = [
        counted["until"] - now
        for key, limit in keys
        if (counted := cache.get(key)) and counted["events"] >= limit
    ]
    return math.ceil(max(waits)) if waits else 0


def count(keys: list[tuple[str, int]]) -> None:
    """One more event (a failed login, a CSP report) on each key, within its window."""
    now = time.time()
    for key, _ in keys:
        counted = cache.get(key) or {"events": 0, "until": now + LIMIT_WINDOW}
        counted["events"] += 1
        cache.set(key, counted, max(1, math.ceil(counted["until"] - now)))


def login_tried(request) -> str:
    """Which login a log line is about: an account's name, never what was typed otherwise (a
    password typed in the name's field, the most common slip, would be in the log)."""
    name = unicodedata.normalize("NFKC", request.POST.get("username", "").strip())
    user_model = get_user_model()
    if name and user_model._default_manager.filter(**{user_model.USERNAME_FIELD: name}).exists():
        return f"the account {name!r}"
    return "a name that is no account's"


class LoginView(auth_views.LoginView):
    """Failed logins, and those refused for too many, are a WARNING line each, with the client's
    address (a tool such as fail2ban can act on it): until this, the log said nothing of a login
    that failed, and of one refused only "Too Many Requests: /accounts/login/"."""

    def post(self, request, *args, **kwargs):
        keys = failure_keys(request)
        if wait := seconds_blocked(keys):
            logger.warning("A login to %s from %s was refused unchecked: too many failed logins within %d minutes.",
                           login_tried(request), request.META.get("REMOTE_ADDR"), LIMIT_WINDOW // 60)
            response = render(
                request, "registration/too_many_attempts.html", {"minutes": math.ceil(wait / 60)}, status=429
            )
            response["Retry-After"] = str(wait)
            response._has_been_logged = True  # django.utils.log.log_response: the line above says more
            return response
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            cache.delete(keys[0][0])
        else:
            logger.warning("A login to %s from %s failed.", login_tried(request), request.META.get("REMOTE_ADDR"))
            count(keys)
        return response


login = LoginView.as_view(redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()
