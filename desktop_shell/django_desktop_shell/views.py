"""The shell's own pages, under /_desktop/ (ShellRoutesMiddleware routes them): the health check
the launcher polls, the self-test's probe page, which any site passes, and the page's print to
PDF."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from django_desktop_shell import native

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


PDF_NAME = re.compile(r"^[^/\\\x00-\x1f]{1,120}\.pdf$")


@require_POST
def clipboard_image(request):
    """The image on the system clipboard, as image/png; 204 if it holds none. A POST, CSRF-checked,
    which the page sends when the person pastes: in the window, whose web view gives a page's paste
    event no image (409 elsewhere: a browser does)."""
    if native.functions is None:
        return error_response(request, 409, "A browser gives the page a pasted image itself.")
    png = native.functions.clipboard_image()
    if png is None:
        return HttpResponse(status=204)
    return HttpResponse(png, content_type="image/png")


@require_POST
def print_to_pdf(request):
    """{"suggested_name": "Note.pdf"} (CSRF-checked): the native save dialog, then the window's
    page, with its print stylesheet, written to the chosen path: {"path": …}, or {"path": null}
    if the person cancelled. Only in the window (409 elsewhere: a page there calls window.print())."""
    try:
        suggested = json.loads(request.body or b"{}").get("suggested_name", "Page.pdf")
    except (ValueError, AttributeError, RecursionError):
        return error_response(request, 400, "Send {\"suggested_name\": \"Name.pdf\"} as JSON.")
    if not (isinstance(suggested, str) and PDF_NAME.match(suggested)):
        suggested = "Page.pdf"
    if native.functions is None:
        return error_response(request, 409, "Printing to a PDF file is for the app's window: use the browser's print dialog.")
    path = native.functions.choose_save_path(suggested, ("PDF document (*.pdf)",))
    if path is None:
        return JsonResponse({"path": None})
    path = path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")
    try:
        native.functions.print_to_pdf(Path(path))
    except native.PrintFailed as error:
        return error_response(request, 500, str(error))
    return JsonResponse({"path": str(path)})
