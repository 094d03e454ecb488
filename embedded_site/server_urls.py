"""A server's URLs (server_settings.py): the desktop's, with logging in and out and devices."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from embedded_site import accounts
from embedded_site.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

urlpatterns = [
    path("accounts/login/", login_not_required(accounts.login), name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    path("", include("embedded_site.devices.urls")),
    *urlpatterns,
]
