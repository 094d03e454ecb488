"""A URLconf with a view that fails, to see what a person gets from an unhandled exception."""

from django.urls import include, path


def broken_view(request):
    raise RuntimeError("boom: the view failed")


urlpatterns = [
    path("broken/", broken_view),
    path("", include("embedded_site.urls")),
]
