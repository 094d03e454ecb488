from django.apps import AppConfig


class OpenWithConfig(AppConfig):
    name = "embedded_site.open_with"
    verbose_name = "Files and links opened from outside"
