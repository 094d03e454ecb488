from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "embedded_site.sync"
    verbose_name = "Sync"

    def ready(self):
        from django_desktop_shell.signals import database_ready

        database_ready.connect(self.start_syncing, dispatch_uid="sync-start")

    @staticmethod
    def start_syncing(**kwargs):
        """At each launch of a device that has a server: the background sync (worker.py). The
        worker and its HTTP client are imported only then: a launch without a server skips them."""
        from embedded_site.sync.connection import read_connection

        if read_connection():
            from embedded_site.sync import worker

            worker.start_if_connected()
