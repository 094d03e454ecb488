from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "embedded_site.devices"
    verbose_name = "Devices"
