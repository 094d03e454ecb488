"""The layout docs/shipping-your-django-app.md gives a single-page app: Vite's dist/ is a static
folder and the template folder of its index.html."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DIST = BASE_DIR / "dist"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.staticfiles"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "spa_site.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [DIST], "APP_DIRS": True}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [DIST]
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/assets/.+-[\w-]{8}\.\w+$"

from django_desktop_shell.settings import desktop_settings  # noqa: E402

desktop_settings(globals())
