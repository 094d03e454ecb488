from django.apps import AppConfig
from django.db.backends.signals import connection_created


def add_search_fold(connection, **kwargs):
    """The word indexes' triggers and views fold the text with this function (migration 0023)."""
    if connection.vendor == "sqlite":
        from embedded_site.notes.search_folding import FOLD_FUNCTION, fold

        connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


class NotesConfig(AppConfig):
    name = "embedded_site.notes"
    verbose_name = "Notes"

    def ready(self):
        from django_desktop_shell.signals import app_stopping, database_ready

        database_ready.connect(self.tidy_at_start, dispatch_uid="notes-tidy-at-start")
        app_stopping.connect(self.stop_at_quit, dispatch_uid="notes-stop-at-quit")
        connection_created.connect(add_search_fold, dispatch_uid="notes-search-fold")

    @staticmethod
    def stop_at_quit(**kwargs):
        from embedded_site.notes.trash import stop_forgetting

        stop_forgetting()

    @staticmethod
    def tidy_at_start(**kwargs):
        """At each launch, before serving: nothing else writes the attachments folder yet, so a
        temporary file there is a write cut short. A `manage` command does not get here."""
        from embedded_site.notes.attachments import delete_discarded_files, remove_partial_files
        from embedded_site.notes.jobs import remove_job_leftovers
        from embedded_site.notes.launch_days import record_launch
        from embedded_site.notes.owners import local_owner
        from embedded_site.notes.revisions import prune_in_background
        from embedded_site.notes.trash import purge_expired_trash_at_launch

        local_owner()  # created now, outside any request's read-only transaction
        record_launch()
        purge_expired_trash_at_launch()
        remove_partial_files()
        delete_discarded_files()
        remove_job_leftovers()
        prune_in_background()  # old revisions: may take a while, so not before the first request
