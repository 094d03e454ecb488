"""`manage collect_bundle_static DIR`: every app's static files into DIR, for a packaged build
(which serves them from the bundle's collected_static/)."""

from django.core.management import BaseCommand, call_command
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Collect the static files of every installed app into DIR, for a packaged build."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        with override_settings(STATIC_ROOT=directory):
            call_command("collectstatic", interactive=False, clear=True, verbosity=0)
