# A runtime hook (desktop_app.spec's runtime_hooks): run in the built app before its launcher.
import pyimod02_importers

from django_desktop_shell.process.own_archive import keep_reading_this_version

keep_reading_this_version(pyimod02_importers.pyz_archive)
