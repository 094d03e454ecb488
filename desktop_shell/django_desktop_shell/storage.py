"""The storage of the site's uploaded files (STORAGES["default"], desktop_settings sets it): Django's
FileSystemStorage, but a save that fails on the way (a full disk, a drive pulled out) removes what
it had written of the file. Django's own leaves it under the file's name: a 600 MB upload to a disk
with 400 MB free left 400 MB in MEDIA_ROOT, the disk stayed full, and nothing named the file.
"""

import os
import threading
from contextlib import suppress
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db.models import FileField
from django.utils.module_loading import import_string


class WholeFileSystemStorage(FileSystemStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saving = threading.local()  # the names a save has tried, in order: its file has the last one

    def _save(self, name, content):
        self.saving.names = [name]
        try:
            return super()._save(name, content)
        except BaseException:
            # Each name is created exclusively (FileExistsError sends the save on to the next one),
            # so a file at the last name tried is this save's; one that replaces files is left alone.
            if not self._allow_overwrite and self.OS_OPEN_FLAGS & os.O_EXCL:
                with suppress(OSError):  # the save's own error is the one to tell (its folder a file, a drive gone)
                    Path(self.path(self.saving.names[-1])).unlink(missing_ok=True)
            raise
        finally:
            del self.saving.names

    def get_available_name(self, name, max_length=None):
        available = super().get_available_name(name, max_length)
        if hasattr(self.saving, "names"):  # called by _save, its first name taken
            self.saving.names.append(available)
        return available


def file_system_storages():
    """(where it is named, its folder) for each storage on the file system that uploads go to:
    STORAGES' (static files aside) and the one a model's FileField names with storage=."""
    for alias, options in settings.STORAGES.items():
        if alias != "staticfiles" and issubclass(import_string(options["BACKEND"]), FileSystemStorage):
            named = "location" in options.get("OPTIONS", {}) or alias != "default"
            yield f"STORAGES[{alias!r}]" if named else "MEDIA_ROOT", Path(storages[alias].location).resolve()
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, FileField) and field.storage is not default_storage \
                    and isinstance(field.storage, FileSystemStorage):
                yield f"the storage of {model._meta.label}.{field.name}", Path(field.storage.location).resolve()
