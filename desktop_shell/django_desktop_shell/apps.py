from django.apps import AppConfig, apps
from django.conf import settings


class DesktopShellConfig(AppConfig):
    name = "django_desktop_shell"
    verbose_name = "Desktop shell"

    def ready(self):
        from django_desktop_shell import checks  # noqa: F401  (registers the system checks)

        point_the_admins_view_site_at_the_start_page()


def point_the_admins_view_site_at_the_start_page() -> None:
    """The admin's "View site" leads to its site_url, / unless the project set another: a project
    whose start-path is /polls/ has nothing at /, and the window, which has no address bar, showed
    a 404. It leads to the start page instead; a site_url a project's admin module sets is kept,
    whether it runs before this (the shell's app added last) or after."""
    start_path = getattr(settings, "DESKTOP_START_PATH", "/")
    if start_path == "/" or not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib import admin

    if admin.site.site_url == "/":
        admin.site.site_url = start_path
