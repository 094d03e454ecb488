# Run by app.spec inside `launcher.py manage shell --command`: prints, as JSON, what the
# bundle needs to know about the configured Django site.
import importlib.util
import json
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import ImageField

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
print(json.dumps({
    "apps": [config.name for config in apps.get_app_configs()],  # module paths, not AppConfig paths
    "language": settings.LANGUAGE_CODE,
    "engines": [database["ENGINE"] for database in settings.DATABASES.values()],
    "static_dirs": [str(folder if isinstance(folder, (str, Path)) else folder[1]) for folder in settings.STATICFILES_DIRS],
    "template_dirs": [str(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])],
    "image_fields": any(isinstance(field, ImageField) for model in apps.get_models() for field in model._meta.fields),
    "dotted_paths": sorted(dotted - {None}),
}))
