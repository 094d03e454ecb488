from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.functional import lazy


class DesktopShellConfig(AppConfig):
    name = "django_desktop_shell"
    verbose_name = "Desktop shell"

    def ready(self):
        from django_desktop_shell import checks  # noqa: F401  (registers the system checks)

        point_the_admins_view_site_at_the_start_page()


def point_the_admins_view_site_at_the_start_page() -> None:
    """The admin's "View site" leads to its site_url, / unless the project set another: a project
    whose start-path is /polls/ has nothing at /, and the window, which has no address bar, showed
    a 404. It leads to the start page instead, and is left out where the start page is the admin's
    own index (a back office used only through the admin), which it led back to. A site_url a
    project's admin module sets is kept, whether it runs before this (the shell's app added last)
    or after."""
    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib import admin

    if admin.site.site_url == "/":
        admin.site.site_url = lazy(view_site_address, str)(getattr(settings, "DESKTOP_START_PATH", "/"))


def view_site_address(start_path: str) -> str:
    """Read as each admin page is drawn, once the URLconf, which may import the admin, is loaded."""
    from django.contrib import admin
    from django.urls import Resolver404, resolve

    try:
        start_page = resolve(start_path)
    except Resolver404:
        return start_path
    return "" if (start_page.namespace, start_page.url_name) == (admin.site.name, "index") else start_path
