"""A URLconf with views that fail (to see what a person gets from an unhandled exception), are
slow (a page, a download) or redirect, over Notedesk's own."""

import time

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.urls import include, path
from django.views.generic import RedirectView


def broken_view(request):
    raise RuntimeError("boom: the view failed")


def missing_view(request):
    raise Http404("no such thing")


def forbidden_view(request):
    raise PermissionDenied


def form_view(request):
    """A form's POST that saves: says what it was sent."""
    return HttpResponse(f"saved {request.POST['customer']}: {', '.join(request.POST.getlist('line'))}")


def refuses_in_html_view(request):
    return HttpResponseBadRequest("<p>That is not a poll.</p>")


def refuses_as_a_problem_view(request):
    """An API's error in RFC 9457's JSON (application/problem+json), as DRF's add-ons write them."""
    return JsonResponse({"title": "Invalid poll", "detail": "A poll needs a question."}, status=400,
                        content_type="application/problem+json")


def slow_view(request):
    time.sleep(3)
    return HttpResponse("late")


SLOW_DOWNLOAD_PARTS, SLOW_DOWNLOAD_PART = 40, bytes(64 * 1024)


def slow_download(request):
    """2.5 MB over 8 s, as a report a view writes as it goes."""
    def parts():
        for _ in range(SLOW_DOWNLOAD_PARTS):
            time.sleep(0.2)
            yield SLOW_DOWNLOAD_PART

    response = StreamingHttpResponse(parts(), content_type="application/octet-stream")
    response["Content-Length"] = SLOW_DOWNLOAD_PARTS * len(SLOW_DOWNLOAD_PART)
    response["Content-Disposition"] = 'attachment; filename="report.bin"'
    return response


urlpatterns = [
    path("broken/", broken_view),
    path("raises-404/", missing_view),
    path("raises-403/", forbidden_view),
    path("refuses-in-html/", refuses_in_html_view),
    path("refuses-as-a-problem/", refuses_as_a_problem_view),
    path("slow/", slow_view),
    path("slow-download/", slow_download),
    path("invoice/", form_view),
    path("redirects-to-broken/", RedirectView.as_view(url="/broken/")),
    path("redirects-home/", RedirectView.as_view(url="/")),
    path("", include("embedded_site.urls")),
]

handler400 = "django_desktop_shell.errors.bad_request"
handler403 = "django_desktop_shell.errors.permission_denied"
handler404 = "django_desktop_shell.errors.page_not_found"
handler500 = "django_desktop_shell.errors.server_error"
