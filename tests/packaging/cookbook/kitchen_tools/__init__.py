"""A library of the cookbook's, not an installed app, that its models import as Django starts, as
Wagtail's dependencies do: django-tasks imports django-stubs-ext, which imports the syndication
and sitemaps apps, and Wagtail's images import django.test's signals."""

from django.contrib.syndication.views import Feed
from django.test.signals import setting_changed

__all__ = ["Feed", "setting_changed"]
