"""The shell's URLconf, used for paths under /_desktop/ only: the site's own URLconf never sees them.

None needs a login of the site's: each is behind the launch gate, as the window's own requests
(the health poll, the self-test's probe, printing, the update banner). Under Django's
LoginRequiredMiddleware they were sent to the site's login page, and the app never started: its
health check answered a redirect, or a 500 where LOGIN_URL is a URL name (the shell's URLconf
has none of the site's names).

The site's URLconf is in it for reverse() alone, so that the site's middleware may name the
site's URLs on the shell's answers: django-debug-toolbar, which puts {% url 'djdt:…' %} in every
HTML answer, made the health check answer 500, and the app never started."""

from django.conf import settings
from django.urls import Resolver404, URLResolver
from django.urls import path as django_path
from django.urls.resolvers import RoutePattern

from django_desktop_shell import errors, views
from django_desktop_shell.updates import views as updates


def path(route, view, name):
    # What django.contrib.auth's login_not_required sets, without importing an app the site may
    # not have (the build leaves it out of such a site's bundle).
    view.login_required = False
    return django_path(route, view, name=name)


class ReversingOnly(URLResolver):
    """A URLconf whose names reverse and whose paths never resolve: no view of the site's answers
    under /_desktop/ (a single-page app's catch-all would answer every path the shell has not)."""

    def resolve(self, path):
        raise Resolver404({"path": path})


urlpatterns = [
    path("_desktop/health", views.health, name="desktop_shell_health"),
    path("_desktop/probe/", views.probe, name="desktop_shell_probe"),
    path("_desktop/probe/echo", views.probe_echo, name="desktop_shell_probe_echo"),
    path("_desktop/print-to-pdf", views.print_to_pdf, name="desktop_shell_print_to_pdf"),
    path("_desktop/clipboard-image", views.clipboard_image, name="desktop_shell_clipboard_image"),
    path("_desktop/updates/", updates.page, name="desktop_shell_updates"),
    path("_desktop/updates/status", updates.status, name="desktop_shell_updates_status"),
    path("_desktop/updates/check", updates.check, name="desktop_shell_updates_check"),
    path("_desktop/updates/settings", updates.preferences, name="desktop_shell_updates_settings"),
    path("_desktop/updates/restart", updates.restart, name="desktop_shell_updates_restart"),
    path("_desktop/updates/dismiss", updates.dismiss, name="desktop_shell_updates_dismiss"),
    ReversingOnly(RoutePattern(""), settings.ROOT_URLCONF),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
