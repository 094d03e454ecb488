from django.apps import AppConfig


class AjaxPatternsConfig(AppConfig):
    name = "embedded_site.ajax_patterns"
    verbose_name = "AJAX patterns"

    def ready(self):
        from embedded_site.ajax_patterns import self_test  # noqa: F401  (registers its --self-test check)
