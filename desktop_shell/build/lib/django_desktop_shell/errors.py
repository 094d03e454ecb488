"""Error answers: JSON `{"error": …}` for AJAX requests, a short readable page otherwise.

The page is the template "desktop_shell/error.html": the site's own if it has one (to match its
look), else the shell's. It is rendered without a request context: an error page must not need
the database, CSRF or a session.
"""

import functools
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import Context, Engine, TemplateDoesNotExist, loader

ERROR_TEMPLATE = "desktop_shell/error.html"
SHELL_TEMPLATES = Path(__file__).resolve().parent / "templates"


class RequestRefused(Exception):
    """Raise it anywhere below a view: the answer is `status` with `message`, in the request's form."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith(("/_desktop/", *settings.DESKTOP_JSON_PATH_PREFIXES))
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or "application/json" in request.headers.get("Accept", "")
    )


def error_response(request: HttpRequest, status: int, message: str, **extra) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message, **extra}, status=status)
    title = f"{status} {HTTPStatus(status).phrase}"
    context = {"title": title, "message": message, "app_name": settings.DESKTOP_APP_NAME}
    return HttpResponse(render_shell_page(ERROR_TEMPLATE, context, site_may_override=True), status=status)


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
    return error_response(
        request, 403, "The security token was missing or wrong. Reload the page and try again."
    )
