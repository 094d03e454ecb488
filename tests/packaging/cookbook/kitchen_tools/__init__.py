"""A library of the cookbook's, not an installed app, that its models import as Django starts, as
Wagtail's dependencies do: django-tasks imports django-stubs-ext, which imports the syndication
and sitemaps apps, and reads its own version from its installed metadata; Wagtail's images import
django.test's signals."""

from importlib import metadata

from django.contrib.syndication.views import Feed
from django.test.signals import setting_changed

WAITRESS_VERSION = metadata.version("waitress")  # a dependency of the cookbook, through the shell

__all__ = ["Feed", "WAITRESS_VERSION", "setting_changed"]
