from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "embedded_site.devices"
    verbose_name = "Devices"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from embedded_site.devices.people import remove_their_files

        pre_delete.connect(remove_their_files, sender=get_user_model(), dispatch_uid="remove_their_files")
