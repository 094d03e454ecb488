"""What desktop_settings() moves into the person's data folder, seen from a launch of a copy of
examples/polls whose settings name it elsewhere."""

import subprocess
import sys

from tests.shell.test_checks import set_before_the_defaults

USE_THE_CACHE = "from django.core.cache import caches; caches['files'].set('report', 'built'); print(caches['files'].get('report'))"


def test_a_file_cache_beside_the_code_is_kept_in_the_data_folder(polls_copy, tmp_path, app_env):
    """A FileBasedCache at BASE_DIR / 'cache' worked under runserver, and in the installed app
    (/opt/<slug>, which the person may not write) every view that set it answered 500."""
    set_before_the_defaults(polls_copy, "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}, "
                                        "'files': {'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', "
                                        "'LOCATION': BASE_DIR / 'cache'}}\n")
    data_dir = tmp_path / "data"
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(data_dir), "manage",
                             "shell", "-c", USE_THE_CACHE], capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("\nbuilt\n")
    assert not (polls_copy / "cache").exists()
    assert any((data_dir / "cache" / "files").iterdir())
