from django.apps import AppConfig


class AjaxPatternsConfig(AppConfig):
    name = "embedded_site.ajax_patterns"
    verbose_name = "AJAX patterns"
