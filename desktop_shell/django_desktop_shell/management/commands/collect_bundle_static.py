"""`manage collect_bundle_static DIR`: every app's static files into DIR, for a packaged build
(which serves them from the bundle's collected_static/), with what an asset pipeline makes of them
ahead of time: django-sass-processor's CSS, django-compressor's offline output and its manifest."""

import tempfile

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Collect the static files of every installed app into DIR, for a packaged build."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        with tempfile.TemporaryDirectory() as compiled:
            # The built app compiles no SCSS (django-sass-processor does only with DEBUG on): its
            # `{% sass_src %}` names the CSS, which is compiled here to be collected with the rest,
            # so that a manifest storage names it too.
            if apps.is_installed("sass_processor"):
                with override_settings(STATIC_ROOT=compiled):
                    call_command("compilescss", use_storage=True, verbosity=0)
            with override_settings(STATIC_ROOT=directory, COMPRESS_ROOT=directory,
                                   STATICFILES_DIRS=[*settings.STATICFILES_DIRS, compiled]):
                call_command("collectstatic", interactive=False, clear=True, verbosity=0)
                if apps.is_installed("compressor") and settings.COMPRESS_ENABLED and settings.COMPRESS_OFFLINE:
                    call_command("compress", verbosity=0)
