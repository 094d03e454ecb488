"""A URLconf with a view that fails, to see what a person gets from an unhandled exception."""

from django.http import Http404
from django.urls import include, path


def broken_view(request):
    raise RuntimeError("boom: the view failed")


def missing_view(request):
    raise Http404("no such thing")


urlpatterns = [
    path("broken/", broken_view),
    path("raises-404/", missing_view),
    path("", include("embedded_site.urls")),
]

handler400 = "django_desktop_shell.errors.bad_request"
handler403 = "django_desktop_shell.errors.permission_denied"
handler404 = "django_desktop_shell.errors.page_not_found"
handler500 = "django_desktop_shell.errors.server_error"
