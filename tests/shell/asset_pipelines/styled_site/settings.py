"""A site whose stylesheets and scripts go through the asset pipelines docs/shipping-your-django-app.md
names: django-compressor's `{% compress %}` blocks (compressed as pages use them, or ahead with
STYLED_OFFLINE=1) and django-sass-processor's `{% sass_src %}`, and with STYLED_MANIFEST=1 a
manifest storage, as production settings often have."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles", "compressor", "sass_processor", "styled"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
ROOT_URLCONF = "styled_site.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "compressor.finders.CompressorFinder",
    "sass_processor.finders.CssFinder",
]
COMPRESS_OFFLINE = os.environ.get("STYLED_OFFLINE") == "1"
if os.environ.get("STYLED_MANIFEST") == "1":
    STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}

from django_desktop_shell.settings import desktop_settings  # noqa: E402

desktop_settings(globals())
