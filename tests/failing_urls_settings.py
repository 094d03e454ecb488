"""Notedesk's settings on the URLconf whose views fail (tests/failing_urls.py), for a launch."""

from embedded_site.settings import *  # noqa: F403

ROOT_URLCONF = "tests.failing_urls"
