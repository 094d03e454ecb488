"""A GeoDjango project: its SpatiaLite database (django.contrib.gis.db.backends.spatialite) is a
SQLite file with spatial tables, and gets all a SQLite one gets."""

import os
import sqlite3
import subprocess
import sys
import sysconfig
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.shell.test_checks import launch, log_of_a_launch, set_before_the_defaults

SPATIALITE = "django.contrib.gis.db.backends.spatialite"


def test_a_spatialite_database_is_kept_in_the_data_folder_as_a_sqlite_one_is(tmp_path):
    """A SpatiaLite database stayed where the settings named it (db.sqlite3 beside the code, read-only
    once installed) in SQLite's default journal, and the launch warned that it was a server the
    person's computer had none of."""
    from django_desktop_shell import runtime
    from django_desktop_shell.settings import SQLITE_OPTIONS, desktop_settings

    ours = runtime.current
    runtime.configure(runtime.Runtime(identity=ours.identity, data_dir=tmp_path, port=8765))
    try:
        namespace = {"DATABASES": {"default": {"ENGINE": SPATIALITE, "NAME": "/opt/survey/db.sqlite3"}}}
        desktop_settings(namespace)
    finally:
        runtime.configure(ours)
    database = namespace["DATABASES"]["default"]
    assert database["ENGINE"] == SPATIALITE
    assert database["NAME"] == tmp_path / f"{ours.identity.slug}.sqlite3"
    assert database["OPTIONS"]["init_command"] == SQLITE_OPTIONS["init_command"]


LOADS_SPATIALITE = ("import sqlite3; connection = sqlite3.connect(':memory:'); "
                    "connection.enable_load_extension(True); connection.load_extension('mod_spatialite')")
SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")


def python_loading_spatialite() -> str | None:
    """The Python the launches below run on: its sqlite3 must load extensions and find mod_spatialite
    (build/linux/system-packages.sh test installs it). This one's, or else the system's of the same
    version, given this one's packages: pyenv builds sqlite3 without extensions unless configured
    with --enable-loadable-sqlite-extensions, and the tests' virtualenv may be pyenv's."""
    for python in (sys.executable, str(SYSTEM_PYTHON)):
        if Path(python).exists() and subprocess.run([python, "-c", LOADS_SPATIALITE], capture_output=True).returncode == 0:
            return python
    return None


GEO_PYTHON = python_loading_spatialite()


def geo_env(app_env: dict) -> dict:
    if GEO_PYTHON == sys.executable:
        return app_env
    # The system's Python reads no .pth file of this one's site-packages: the shell's editable install among them.
    paths = [str(ROOT / "desktop_shell"), str(ROOT), *dict.fromkeys(sysconfig.get_path(name) for name in ("purelib", "platlib"))]
    return {**app_env, "PYTHONPATH": os.pathsep.join(filter(None, [app_env.get("PYTHONPATH"), *paths]))}


GEO_SITE = """
INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.gis"]
DATABASES = {"default": {"ENGINE": "django.contrib.gis.db.backends.spatialite", "NAME": BASE_DIR / "db.sqlite3"}}
"""


NEEDS_SPATIALITE = pytest.mark.skipif(GEO_PYTHON is None, reason="needs SpatiaLite and a Python whose sqlite3 loads "
                                                                  "extensions")


@NEEDS_SPATIALITE
def test_a_geodjango_project_s_database_is_migrated_and_backed_up_with_its_spatial_tables(polls_copy, tmp_path, app_env):
    set_before_the_defaults(polls_copy, GEO_SITE)
    data_dir = tmp_path / "data"
    for _ in range(2):  # the second copies the database the first made, as every migrate does one with data
        result = subprocess.run([GEO_PYTHON, str(polls_copy / "launcher.py"), "--data-dir", str(data_dir), "manage",
                                 "migrate"], capture_output=True, text=True, env=geo_env(app_env), timeout=120)
        assert result.returncode == 0, result.stderr
        assert "desktop.W017" not in result.stderr
    assert not (polls_copy / "db.sqlite3").exists()
    backups = sorted((data_dir / "backups").glob("polls-*.sqlite3"))  # named by their time: the last is the newest
    with closing(sqlite3.connect(f"{backups[-1].as_uri()}?mode=ro", uri=True)) as reading:
        tables = {name for name, in reading.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"geometry_columns", "spatial_ref_sys", "polls_question"} <= tables


SURVEY_APP = {
    "__init__.py": "",
    "models.py": """from django.contrib.gis.db import models


class Site(models.Model):
    location = models.PointField()
    area = models.PolygonField(null=True)
""",
    "admin.py": """from django.contrib.gis import admin

from .models import Site

admin.site.register(Site, admin.GISModelAdmin)
""",
    "migrations/__init__.py": "",
    "migrations/0001_initial.py": """import django.contrib.gis.db.models.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    operations = [migrations.CreateModel(name="Site", fields=[
        ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("location", django.contrib.gis.db.models.fields.PointField(srid=4326)),
        ("area", django.contrib.gis.db.models.fields.PolygonField(null=True, srid=4326)),
    ])]
""",
}


def log_of_a_launch_with_the_survey_app(polls_copy, tmp_path, app_env, admin: str = SURVEY_APP["admin.py"]) -> str:
    for name, text in {**SURVEY_APP, "admin.py": admin}.items():
        (polls_copy / "survey" / name).parent.mkdir(parents=True, exist_ok=True)
        (polls_copy / "survey" / name).write_text(text)
    set_before_the_defaults(polls_copy, GEO_SITE + 'INSTALLED_APPS = [*INSTALLED_APPS, "survey"]\n')
    return log_of_a_launch(polls_copy, tmp_path, geo_env(app_env), python=GEO_PYTHON)


@NEEDS_SPATIALITE
def test_the_launch_warns_that_the_admin_s_openlayers_map_is_refused(polls_copy, tmp_path, app_env):
    """GISModelAdmin's map loads OpenLayers from cdn.jsdelivr.net and starts it from an inline
    script: the policy refused both, the map was blank and its field's text box hidden, so a site's
    point could not be entered in the admin, and nothing at the launch said why."""
    log = log_of_a_launch_with_the_survey_app(polls_copy, tmp_path, app_env)
    assert "The admin edits survey.Site.location, survey.Site.area with Django's OpenLayers map (OSMWidget)" in log
    assert "(desktop.W058)" in log


@NEEDS_SPATIALITE
def test_an_admin_that_chooses_its_widgets_by_the_person_still_starts_and_is_warned_of_its_map(polls_copy, tmp_path, app_env):
    """desktop.W058 asks each admin for its fields' widgets without a request: an admin reading
    request.user there (read-only fields for staff, say) raised in the check, and the app did not start."""
    by_the_person = SURVEY_APP["admin.py"].replace("admin.site.register(Site, admin.GISModelAdmin)", """
@admin.register(Site)
class SiteAdmin(admin.GISModelAdmin):
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        kwargs.setdefault("disabled", not request.user.is_superuser)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
""")
    log = log_of_a_launch_with_the_survey_app(polls_copy, tmp_path, app_env, admin=by_the_person)
    assert "The admin edits survey.Site.location, survey.Site.area with Django's OpenLayers map (OSMWidget)" in log
    assert "(desktop.W058)" in log


NO_EXTENSIONS = not hasattr(sqlite3.Connection, "enable_load_extension")


@pytest.mark.skipif(not NO_EXTENSIONS, reason="needs a Python whose sqlite3 loads no extension (pyenv's, by default)")
def test_a_spatialite_project_on_a_python_whose_sqlite_loads_no_extension_stops_saying_which_python_and_what_to_use(
        polls_copy, tmp_path, app_env):
    """pyenv builds sqlite3 without extensions, so SpatiaLite cannot be loaded: a launch, and the
    build's first command (`manage collect_bundle_static`), stopped on "Unexpected error:
    ImproperlyConfigured: SpatiaLite requires SQLite to be configured to allow extension loading"."""
    set_before_the_defaults(polls_copy, GEO_SITE)
    build_command = ["manage", "collect_bundle_static", str(tmp_path / "static")]
    for result in (launch(polls_copy, tmp_path / "data", app_env),
                   subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                                   *build_command], capture_output=True, text=True, env=app_env, timeout=60)):
        assert result.returncode != 0
        assert "Unexpected error" not in result.stderr
        assert f"this Python's sqlite3 ({sys.executable}) cannot load extensions" in result.stderr
        assert "--enable-loadable-sqlite-extensions" in result.stderr and "(desktop.E022)" in result.stderr
