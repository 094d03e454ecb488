# Run by app.spec inside `launcher.py manage shell --command`: prints, as JSON, what the
# bundle needs to know about the configured Django site.
import importlib.util
import json
import re
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import ImageField
from django.utils.module_loading import import_string
from django.utils.translation import to_locale

from django_desktop_shell.settings import SPATIALITE, read_only_sqlite, read_only_sqlite_path

# What Django imported as it started, libraries' imports included: those go in whatever the build
# would leave out. Taken first: find_spec() below imports the packages of the dotted paths it looks up.
started = sorted(sys.modules)
DOTTED = re.compile(r"[A-Za-z_]\w*(\.\w+)+")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def module_of(path):
    """The module a dotted setting names: the path itself, or all but its last part."""
    for candidate in (path, path.rpartition(".")[0]):
        try:
            if importlib.util.find_spec(candidate):
                return candidate
        except (ImportError, ValueError):
            pass
    return None


# Django imports these by dotted path (MIDDLEWARE, ROOT_URLCONF, template backends …), out of
# PyInstaller's sight. Django's defaults point into Django itself, which goes in whole.
dotted = {module_of(text) for name in dir(settings) if name.isupper() and settings.is_overridden(name)
          for text in strings(getattr(settings, name)) if DOTTED.fullmatch(text)}
# Django's cache and template back ends, by the dotted paths that choose them, Django's default
# cache among them: the others stay out of the build.
backends = {module_of(text) for name in ("CACHES", "TEMPLATES") for text in strings(getattr(settings, name))
            if DOTTED.fullmatch(text)}
# A cache back end of the site's own brings Django's that it subclasses: left out, a DatabaseCache
# subclass's module could not be imported in the built app.
backends |= {cls.__module__ for cache in settings.CACHES.values() for cls in import_string(cache["BACKEND"]).__mro__[1:]
             if cls.__module__.startswith("django.core.cache.backends.") and cls.__module__ != "django.core.cache.backends.base"}
# The languages the app may speak: LANGUAGE_CODE's, and those of the project's LANGUAGES
# (LocaleMiddleware picks one of them from the system's language or a language switch); Django's
# default LANGUAGES, every language it has, is not the project's choice. Each as Django's locale
# folders name it, and its general language, which Django falls back on (pt_BR, pt).
codes = [settings.LANGUAGE_CODE]
if settings.USE_I18N and settings.is_overridden("LANGUAGES"):
    codes += [code for code, _name in settings.LANGUAGES]
languages = sorted({name for code in codes for name in (to_locale(code), to_locale(code).split("_")[0])})

# Django's list of common passwords goes in for a CommonPasswordValidator, or a validator of the
# project's own made from it, which the settings name by the project's module alone. Imported
# here, after `started`: what the build asked about is not what Django imported as it started.
from django.contrib.auth.password_validation import CommonPasswordValidator  # noqa: E402

password_validators = [import_string(validator["NAME"]) for validator in settings.AUTH_PASSWORD_VALIDATORS]
common_passwords = any(issubclass(validator, CommonPasswordValidator) for validator in password_validators)

# The library a password hasher loads by name as it first hashes (Argon2PasswordHasher's argon2,
# cookiecutter-django's first hasher): out of PyInstaller's sight, and every sign-up of the built app
# answered 500 ("Couldn't load 'Argon2PasswordHasher' algorithm library: No module named 'argon2'").
hasher_libraries = set()
for hasher in settings.PASSWORD_HASHERS:
    library = getattr(import_string(hasher), "library", None)
    if library:
        hasher_libraries.add(library[1] if isinstance(library, tuple) else library)


def libraries_loaded_by_name():
    """The system libraries GeoDjango opens by name as it runs (GDAL, GEOS, and SpatiaLite, which
    SQLite loads as an extension), by file name: no file of the bundle links against them, so
    nothing else tells the installers that the app needs them."""
    if not apps.is_installed("django.contrib.gis"):
        return []
    from django.contrib.gis.gdal.libgdal import lgdal
    from django.contrib.gis.geos.libgeos import lgeos

    names = [Path(lgdal._name).name, Path(lgeos._name).name]
    if any(database["ENGINE"] == SPATIALITE for database in settings.DATABASES.values()):
        names.append("mod_spatialite.so")
    return names


print(json.dumps({
    "apps": [config.name for config in apps.get_app_configs()],  # module paths, not AppConfig paths
    "languages": languages,
    "locale_paths": [str(folder) for folder in settings.LOCALE_PATHS],
    "engines": [database["ENGINE"] for database in settings.DATABASES.values()],
    "libraries_loaded_by_name": libraries_loaded_by_name(),
    "shipped_databases": [str(read_only_sqlite_path(database)) for database in settings.DATABASES.values()
                          if read_only_sqlite(database)],
    "static_dirs": [str(folder if isinstance(folder, (str, Path)) else folder[1]) for folder in settings.STATICFILES_DIRS],
    "template_dirs": [str(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])],
    "image_fields": any(isinstance(field, ImageField) for model in apps.get_models() for field in model._meta.fields),
    "dotted_paths": sorted(dotted - {None}),
    # Packages of migrations for apps whose own are elsewhere (cookiecutter-django's sites app's, in
    # <project>/contrib/sites/migrations): Django lists them by their files, as it does an app's.
    "hasher_libraries": sorted(hasher_libraries),
    "migration_packages": sorted({package for package in settings.MIGRATION_MODULES.values() if package}),
    "backends": sorted(backends - {None}),
    "started_modules": started,
    "common_passwords": common_passwords,
}))
