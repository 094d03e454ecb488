"""Notedesk's URLconf with uploads served by Django's static() view, as many projects add in
DEBUG (`urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)`)."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("embedded_site.urls")),
]
