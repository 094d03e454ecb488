"""Error answers: JSON `{"error": …}` for AJAX requests, a short readable page otherwise.

The page is the site's own 404.html, 403.html, 400.html or 500.html if it has one, rendered as
Django's default error views render it (whether the error came from Django or was raised in a
view). Otherwise it is the template "desktop_shell/error.html": the site's own if it has one (to
match its look), else the shell's, rendered without a request context: an error page must not
need the database, CSRF or a session.
"""

import functools
import logging
import re
import sys
from html import escape
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine, TemplateDoesNotExist, loader
from django.template.defaultfilters import filesizeformat
from django.utils import translation

ERROR_TEMPLATE = "desktop_shell/error.html"
SEND_AGAIN_TEMPLATE = "desktop_shell/send_again.html"
# The fields whose values the "Not sent yet" page leaves out of its HTML, as Django's forms never
# render a password back: a POST does not say which inputs were type="password".
SECRET_FIELD_NAME = re.compile(r"pass(word|wd|phrase)|secret|token", re.IGNORECASE)
SITE_ERROR_TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 500: "500.html"}  # django.views.defaults' names
SHELL_TEMPLATES = Path(__file__).resolve().parent / "templates"
logger = logging.getLogger(__name__)


def tell_the_developer(text: str) -> None:
    """With --dev (DEBUG on) the developer is at the terminal: what the log says of a mistake in
    their code is printed there too, as runserver prints it."""
    if settings.DEBUG:
        print(f"{settings.DESKTOP_APP_NAME}: {text}", file=sys.stderr, flush=True)


class RequestRefused(Exception):
    """Raise it anywhere below a view: the answer is `status` with `message`, in the request's form."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def size_in_english(size: int) -> str:
    """A size for the shell's messages, which are English: "2.5 MB" whatever language the site's
    page is in (filesizeformat follows it, and a French page read "larger than the limit of 2,4 MB")."""
    with translation.override("en"):
        return filesizeformat(size)


def wants_json(request: HttpRequest) -> bool:
    """Whether the request's errors are JSON. One whose Accept names HTML and not JSON wants a page,
    under DESKTOP_JSON_PATH_PREFIXES or with X-Requested-With: a navigation, or DRF's browsable
    API's forms, which jQuery sends with that header and which show the page that comes back (its
    errors beside the fields) and otherwise go to the address again, losing them and what was typed."""
    accept = request.headers.get("Accept", "")
    if "application/json" in accept or request.path.startswith("/_desktop/"):
        return True
    if "text/html" in accept:
        return False
    return (request.path.startswith(settings.DESKTOP_JSON_PATH_PREFIXES)
            or request.headers.get("X-Requested-With") == "XMLHttpRequest")


def error_response(request: HttpRequest, status: int, message: str, *, outsider: bool = False,
                   **extra) -> HttpResponse:
    """The error in the request's form. An `outsider` (a request the Host check or the launch gate
    refuses) never gets the site's own 4xx template: it renders with the request, so the site's
    context processors and template tags would run for it and their data (a base.html's list of
    the person's records) would be its answer. It gets the shell's page, which the site's
    desktop_shell/error.html may replace (rendered without the request)."""
    if wants_json(request):
        return JsonResponse({"error": message, **extra}, status=status)
    page = None if outsider else site_error_page(request, status, message)
    if page is None:
        title = f"{status} {HTTPStatus(status).phrase}"
        # The way back is the app's start page: a project whose start-path is /invoices/ may
        # answer / with a 404, and the 404 page's link led to itself.
        context = {"title": title, "message": message, "app_name": settings.DESKTOP_APP_NAME,
                   "start_path": settings.DESKTOP_START_PATH,
                   "back_path": None if outsider else page_it_came_from(request)}
        try:
            page = render_shell_page(ERROR_TEMPLATE, context, site_may_override=True)
        except (TemplateDoesNotExist, OSError):  # the app's files removed under it (app_files.py): words alone
            page = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
    return HttpResponse(page, status=status)


def page_it_came_from(request: HttpRequest) -> str | None:
    """The app's page the request came from (its Referer, when the app's own), for the error
    page's "Go back": the window has no Back button, and the page of a form refused as too large
    is where a smaller file is chosen. A link and not history.back(): the Content-Security-Policy
    refuses inline scripts, and an error page must work without the shell's static files."""
    referer = urlsplit(request.headers.get("Referer", ""))
    try:
        own = referer.scheme == request.scheme and referer.netloc == request.get_host()
    except DisallowedHost:
        return None
    if not own or not referer.path.startswith("/"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def site_error_page(request: HttpRequest, status: int, message: str) -> str | None:
    """The site's own error template for `status`, with the context Django's default views give
    it; None if it has none, or if rendering it failed (logged: the shell's page is shown)."""
    name = SITE_ERROR_TEMPLATES.get(status)
    if name is None:
        return None
    try:
        template = loader.get_template(name)
    except TemplateDoesNotExist:
        return None
    except Exception:
        logger.exception("The site's %s could not be read; the shell's error page was shown instead", name)
        return None
    try:
        if status == 404:
            return template.render({"request_path": quote(request.path), "exception": message}, request)
        if status == 403:
            return template.render({"exception": message}, request)
        return template.render()
    except Exception:
        logger.exception("The site's %s could not be rendered; the shell's error page was shown instead", name)
        return None


def render_shell_page(name: str, context: dict, *, site_may_override: bool = False) -> str:
    if site_may_override:
        try:
            return loader.render_to_string(name, context)
        except TemplateDoesNotExist:
            pass
    return shell_engine().get_template(name).render(Context(context))


@functools.cache
def shell_engine() -> Engine:
    """The shell's own pages render here, whatever template set-up the site has."""
    return Engine(dirs=[str(SHELL_TEMPLATES)], libraries={"static": "django.templatetags.static"})


def bad_request(request, exception=None):
    return error_response(request, 400, "The request could not be understood.")


def permission_denied(request, exception=None):
    return error_response(request, 403, "You are not allowed to do that.")


def page_not_found(request, exception=None):
    return error_response(request, 404, f"Nothing is at {request.path}.")


def server_error(request):
    return error_response(request, 500, "Something went wrong on our side. It has been logged.")


def csrf_failure(request, reason=""):
    """A page's form sent with a token older than the CSRF cookie (rotated by a login since the
    page was loaded: Back to a half-filled form, then Save) gets what it sent back, with a fresh
    token, to send again: the window has no Reload, and a form shown again by Back holds the old
    token, so what the person had typed was lost. Only a form of the app's own pages (its Origin the
    app's) gets it: a form another site sent, which the server mode (and a browser's launch) can be
    sent, would otherwise become the app's own with a fresh token, one click on "Send it again" away.
    A password (SECRET_FIELD_NAME) is not written into the page: the person types it again."""
    own_origin = f"{request.scheme}://{request.get_host()}"
    if request.method == "POST" and request.POST and not wants_json(request) and request.headers.get("Origin") == own_origin:
        context = {
            "app_name": settings.DESKTOP_APP_NAME, "start_path": settings.DESKTOP_START_PATH,
            "action": request.get_full_path(), "csrf_token": get_token(request),
            "fields": [(name, value) for name, values in request.POST.lists() if not SECRET_FIELD_NAME.search(name)
                       for value in values],
            "secrets": [name for name in request.POST if SECRET_FIELD_NAME.search(name) and name != "csrfmiddlewaretoken"],
            "files": [upload.name for uploads in request.FILES.lists() for upload in uploads[1]],
        }
        return HttpResponse(render_shell_page(SEND_AGAIN_TEMPLATE, context), status=403)
    return error_response(
        request, 403, "The security token was missing or wrong. Reload the page and try again."
    )
