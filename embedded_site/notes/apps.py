from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "embedded_site.notes"
    verbose_name = "Notes"
