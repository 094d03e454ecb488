from django.apps import AppConfig


class DesktopShellConfig(AppConfig):
    name = "django_desktop_shell"
    verbose_name = "Desktop shell"

    def ready(self):
        from django_desktop_shell import checks  # noqa: F401  (registers the system checks)
