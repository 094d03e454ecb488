"""A server's URLs (server_settings.py): the desktop's, with logging in and out, devices, and the
shell's health check and CSP report address under the server's rules (shell_routes.py)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from django_desktop_shell.process.site import SHELL_HEALTH_PATH
from django_desktop_shell.settings import CSP_REPORT_PATH

from embedded_site import accounts, shell_routes
from embedded_site.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

urlpatterns = [
    path("accounts/login/", login_not_required(accounts.login), name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    path("", include("embedded_site.devices.urls")),
    path(SHELL_HEALTH_PATH.removeprefix("/"), shell_routes.health, name="health"),
    path(CSP_REPORT_PATH.removeprefix("/"), shell_routes.csp_report, name="csp_report"),
    *urlpatterns,
]
