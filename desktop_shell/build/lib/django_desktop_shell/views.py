"""The shell's own pages, under /_desktop/ (ShellRoutesMiddleware routes them): the health check
the launcher polls, and the self-test's probe page, which any site passes."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_http_methods

from django_desktop_shell.errors import error_response, render_shell_page


@require_GET
def health(request):
    """What the launcher polls before it opens the window, and a page may poll after."""
    return JsonResponse({"status": "ok"})


@require_GET
def probe(request):
    context = {"app_name": settings.DESKTOP_APP_NAME, "csrf_token": get_token(request), "echo_url": f"{request.path}echo"}
    return HttpResponse(render_shell_page("desktop_shell/probe.html", context))


@require_http_methods(["GET", "POST"])
def probe_echo(request):
    """Echo `echo` back: from the query for a GET, from the form for a (CSRF-checked) POST."""
    echo = (request.GET if request.method == "GET" else request.POST).get("echo", "")
    if not echo or len(echo) > 100:
        return error_response(request, 400, "Send 'echo' with 1 to 100 characters.")
    return JsonResponse({"echo": f"{request.method} {echo}"})
