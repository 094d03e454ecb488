"""`manage collect_bundle_static DIR`: every app's static files into DIR, for a packaged build
(which serves them from the bundle's collected_static/), with what an asset pipeline makes of them
ahead of time: django-sass-processor's CSS, django-compressor's offline output and its manifest."""

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Collect the static files of every installed app into DIR, for a packaged build."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        with override_settings(STATIC_ROOT=directory, COMPRESS_ROOT=directory):
            call_command("collectstatic", interactive=False, clear=True, verbosity=0)
            # The built app compiles no SCSS (django-sass-processor does only with DEBUG on): its
            # `{% sass_src %}` names the CSS, which has to be in the bundle.
            if apps.is_installed("sass_processor"):
                call_command("compilescss", use_storage=True, verbosity=0)
            # After the CSS: a `{% compress %}` block may name it.
            if apps.is_installed("compressor") and settings.COMPRESS_ENABLED and settings.COMPRESS_OFFLINE:
                call_command("compress", verbosity=0)
