"""Notedesk's URLconf ending in a single-page app's catch-all, as many a Vite or React project
ends its own: the page for every path no other view has (docs/shipping-your-django-app.md)."""

from django.http import HttpResponse
from django.urls import include, path, re_path

urlpatterns = [
    path("", include("embedded_site.urls")),
    re_path(r"^.*$", lambda request: HttpResponse("the single page")),
]
