"""A URLconf with views that fail (to see what a person gets from an unhandled exception), are
slow or redirect, over Notedesk's own."""

import time

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import include, path
from django.views.generic import RedirectView


def broken_view(request):
    raise RuntimeError("boom: the view failed")


def missing_view(request):
    raise Http404("no such thing")


def forbidden_view(request):
    raise PermissionDenied


def refuses_in_html_view(request):
    return HttpResponseBadRequest("<p>That is not a poll.</p>")


def slow_view(request):
    time.sleep(3)
    return HttpResponse("late")


urlpatterns = [
    path("broken/", broken_view),
    path("raises-404/", missing_view),
    path("raises-403/", forbidden_view),
    path("refuses-in-html/", refuses_in_html_view),
    path("slow/", slow_view),
    path("redirects-to-broken/", RedirectView.as_view(url="/broken/")),
    path("redirects-home/", RedirectView.as_view(url="/")),
    path("", include("embedded_site.urls")),
]

handler400 = "django_desktop_shell.errors.bad_request"
handler403 = "django_desktop_shell.errors.permission_denied"
handler404 = "django_desktop_shell.errors.page_not_found"
handler500 = "django_desktop_shell.errors.server_error"
