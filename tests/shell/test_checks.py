"""The shell refuses an unsafe start, loudly: each system check breaks a copy of examples/polls'
settings the way a developer might, and the launch stops with the message that says what to change."""

import contextlib
import http.client
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import SITES, exit_code_within, start_site_headless

SETTINGS = "mysite/settings.py"
APPLY_DEFAULTS = "desktop_settings(globals())\n"


def set_before_the_defaults(project, lines: str) -> None:
    settings = project / SETTINGS
    settings.write_text(settings.read_text(encoding="utf-8").replace(APPLY_DEFAULTS, lines + APPLY_DEFAULTS),
                        encoding="utf-8")


def launch(project, data_dir, env, *args):
    return subprocess.run([sys.executable, str(project / "launcher.py"), "--headless", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize(("line", "message"), [
    ("DEBUG = True", "DEBUG is on without --dev"),
    ("DEBUG = True\nSILENCED_SYSTEM_CHECKS = ['desktop.E003']", "DEBUG is on without --dev"),  # an error cannot be silenced
    ("SECRET_KEY = 'django-insecure-shared-by-every-install'", "SECRET_KEY is written in the settings"),
    ("ALLOWED_HOSTS = ['*']", "ALLOWED_HOSTS allows '*'"),
    ("CSRF_TRUSTED_ORIGINS = ['https://evil.example']", "CSRF_TRUSTED_ORIGINS trusts 'https://evil.example'"),
    ("DESKTOP_ALLOWED_HOSTS = DESKTOP_ALLOWED_HOSTS + ['evil.example:80']", "DESKTOP_ALLOWED_HOSTS allows 'evil.example:80'"),
    ("DESKTOP_SESSION_HOST = DESKTOP_ALLOWED_HOSTS[0]", "DESKTOP_SESSION_HOST is '127.0.0.1:"),
    ("ALLOWED_HOSTS = ALLOWED_HOSTS + ['polls.localhost']", "ALLOWED_HOSTS allows 'polls.localhost'"),
    ("DATABASES['default']['NAME'] = BASE_DIR / 'db.sqlite3'", "outside the data folder"),
    ("SESSION_COOKIE_SAMESITE = 'Lax'", "SESSION_COOKIE_SAMESITE='Lax'"),
    ("CSRF_COOKIE_HTTPONLY = False", "CSRF_COOKIE_HTTPONLY=False"),
    ("MESSAGE_STORAGE = 'django.contrib.messages.storage.cookie.CookieStorage'", "MESSAGE_STORAGE="),
    ("ALLOWED_HOSTS = ['localhost', '127.0.0.1']", "ALLOWED_HOSTS leaves out '"),
    ("MEDIA_ROOT = BASE_DIR / 'media'", "Uploaded files (MEDIA_ROOT) go to"),
    # A second storage, for originals kept apart: its uploads went beside the code, with no word.
    ("STORAGES['originals'] = {'BACKEND': 'django.core.files.storage.FileSystemStorage', "
     "'OPTIONS': {'location': BASE_DIR / 'originals'}}", "Uploaded files (STORAGES['originals']) go to"),
    ("SECURE_SSL_REDIRECT = True", "SECURE_SSL_REDIRECT is on, but the app is served over plain HTTP"),
    ("SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True", "SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE are on"),
    ("SECURE_CONTENT_TYPE_NOSNIFF = False", "SECURE_CONTENT_TYPE_NOSNIFF=False"),
    ("X_FRAME_OPTIONS = 'SAMEORIGIN'", "X_FRAME_OPTIONS='SAMEORIGIN'"),
    ("SECURE_REFERRER_POLICY = 'unsafe-url'", "SECURE_REFERRER_POLICY='unsafe-url'"),
    ("MIDDLEWARE = MIDDLEWARE[1:]", "MIDDLEWARE is missing django_desktop_shell.headers.SecurityHeadersMiddleware"),
    ("MIDDLEWARE = MIDDLEWARE[::-1]", "has the shell's middleware after the site's own"),
])
def test_a_setting_that_undoes_a_desktop_default_stops_the_start_saying_what_to_change(
    polls_copy, tmp_path, app_env, line, message
):
    with (polls_copy / SETTINGS).open("a", encoding="utf-8") as settings:
        settings.write(f"{line}\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert "polls: The settings cannot be used for a desktop app:" in result.stderr
    assert message in result.stderr
    assert "desktop_settings(globals())" in result.stderr  # the hint says how to fix it
    assert "READY" not in result.stdout


def test_a_cache_backend_that_cannot_be_imported_stops_the_start_naming_it(polls_copy, tmp_path, app_env):
    """A cache backend misspelt in the settings let the app start, and every page that used the
    cache answered 500."""
    with (polls_copy / SETTINGS).open("a", encoding="utf-8") as settings:
        settings.write("CACHES = {'default': {'BACKEND': 'polls.caches.SharedCache'}}\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert ("CACHES['default']['BACKEND'] is 'polls.caches.SharedCache', which cannot be imported "
            "(No module named 'polls.caches')") in result.stderr
    assert "READY" not in result.stdout


def test_a_models_file_field_with_a_storage_beside_the_code_stops_the_start_naming_the_field(polls_copy, tmp_path, app_env):
    """Uploads to a field's own storage went beside the code, which a packaged app deletes as it
    quits (the one-file binary) or cannot write (/opt, Program Files): every upload was lost."""
    with (polls_copy / "polls" / "models.py").open("a", encoding="utf-8") as models:
        models.write("\n\nfrom django.conf import settings\nfrom django.core.files.storage import FileSystemStorage\n\n\n"
                     "class Scan(models.Model):\n"
                     "    original = models.FileField(storage=FileSystemStorage(location=settings.BASE_DIR / 'scans'))\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert (f"Uploaded files (the storage of polls.Scan.original) go to {(polls_copy / 'scans').resolve()}, outside the "
            "data folder") in result.stderr


@pytest.mark.parametrize("threads", ["0", "'8'"])
def test_a_server_thread_count_that_is_not_a_whole_number_above_0_stops_the_start(polls_copy, tmp_path, app_env, threads):
    with (polls_copy / SETTINGS).open("a", encoding="utf-8") as settings:
        settings.write(f"DESKTOP_SERVER_THREADS = {threads}\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert f"polls: DESKTOP_SERVER_THREADS is {threads}: it must be a whole number, 1 or more." in result.stderr


def test_settings_without_the_desktop_defaults_stop_the_start(polls_copy, tmp_path, app_env):
    settings = polls_copy / SETTINGS
    settings.write_text(settings.read_text(encoding="utf-8").replace(APPLY_DEFAULTS, ""), encoding="utf-8")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert "does not apply the desktop defaults" in result.stderr


def test_the_project_s_own_manage_py_with_the_shell_in_installed_apps_runs_as_before(polls_copy, app_env):
    """A project that lists the shell in its INSTALLED_APPS, as any app it installs: its own
    `manage.py check`, `test` and `runserver` stopped on desktop.E001 ("MIDDLEWARE is missing
    django_desktop_shell.headers.SecurityHeadersMiddleware…"), whose hint said to call
    desktop_settings(), which the settings did: only a desktop launch applies the defaults."""
    set_before_the_defaults(polls_copy, "INSTALLED_APPS = [*INSTALLED_APPS, 'django_desktop_shell']\n")
    own = {name: value for name, value in app_env.items() if name != "DJANGO_SETTINGS_MODULE"}  # the tests' own
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=polls_copy, capture_output=True, text=True,
                            env=own, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("init", ["mysite/settings/__init__.py", "mysite/settings"])  # a folder without __init__.py too
def test_a_settings_package_named_for_the_settings_says_to_name_a_module_of_it(polls_copy, tmp_path, app_env, init):
    """cookiecutter-django's settings are a package, config/settings/ (base.py, local.py,
    production.py): `settings = "config.settings"` was answered "Add at its end: …", which sent
    the developer to an empty __init__.py, where the two lines apply the defaults to no settings."""
    package = polls_copy / "mysite" / "settings"
    package.mkdir()
    (polls_copy / SETTINGS).rename(package / "base.py")
    if init.endswith(".py"):
        (package / "__init__.py").write_text("")
    (package / "production.py").write_text("from .base import *  # noqa\n")
    result = launch(polls_copy, tmp_path / "data", app_env)  # its pyproject.toml names mysite.settings
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"polls: The settings module mysite.settings is a package ({init}), not the module of "
        "your settings: name one of its modules in pyproject.toml's settings (mysite.settings.base, "
        "mysite.settings.production). With split settings, one of the app's own is clearest, mysite.settings.desktop, "
        "holding `from .base import *` and, last, the desktop defaults:\n"
        "    from django_desktop_shell.settings import desktop_settings\n"
        "    desktop_settings(globals())")


READS_THE_DATABASE_FROM_THE_ENVIRONMENT = """import os
from django.core.exceptions import ImproperlyConfigured

if "POSTGRES_DB" not in os.environ:  # what django-environ's env.str("POSTGRES_DB") raises
    raise ImproperlyConfigured("Set the POSTGRES_DB environment variable")
"""


@pytest.mark.parametrize("command", [(), ("manage", "check")])
def test_settings_that_need_an_environment_variable_stop_the_start_saying_what_to_set_where(
        polls_copy, tmp_path, app_env, command):
    """cookiecutter-django's base.py reads its database from POSTGRES_DB or DATABASE_URL, which a
    person's computer has none of: the first launch said "Unexpected error: ImproperlyConfigured: Set
    the POSTGRES_DB environment variable.", as if the shell had failed."""
    settings = polls_copy / SETTINGS
    settings.write_text(READS_THE_DATABASE_FROM_THE_ENVIRONMENT + settings.read_text(encoding="utf-8"), encoding="utf-8")
    env = {name: value for name, value in app_env.items() if name not in ("POSTGRES_DB", "DATABASE_URL")}
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                             *(command or ("--headless",))], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "polls: The settings module mysite.settings stopped as it was read: Set the POSTGRES_DB environment variable. "
        "A person's computer has none of your servers' environment variables, nor their .env file: set what the "
        "settings read from it in the module the app starts with, before it imports the others "
        "(os.environ[\"DATABASE_URL\"] = \"sqlite:///polls.sqlite3\": the shell puts the file in the data folder), or "
        "give each env() a default (docs/shipping-your-django-app.md, \"Split settings and django-environ\").")


def test_a_setting_django_refuses_as_it_reads_them_stops_the_start_naming_it_not_the_environment(
        polls_copy, tmp_path, app_env):
    """Django checks a few settings' types as it reads the module (LOCALE_PATHS must be a list): that
    refusal was told as if the settings had asked for an environment variable."""
    with (polls_copy / SETTINGS).open("a", encoding="utf-8") as settings:
        settings.write('LOCALE_PATHS = str(BASE_DIR / "locale")\n')
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "polls: The settings module mysite.settings cannot be used: The LOCALE_PATHS setting must be a list or a tuple.")


def test_a_template_that_loads_a_remote_asset_is_a_warning_naming_it(polls_copy, tmp_path, app_env):
    template = polls_copy / "polls" / "templates" / "polls" / "index.html"
    template.write_text('<link rel="stylesheet" href="https://cdn.example/bulma.css">\n' + template.read_text())
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    assert f"The template {template} loads https://cdn.example/bulma.css" in log
    assert "Download it into your app's static/ folder" in log


def test_a_remote_source_in_the_content_security_policy_is_a_warning_naming_it(polls_copy, tmp_path, app_env):
    with (polls_copy / SETTINGS).open("a", encoding="utf-8") as settings:
        settings.write('CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], '
                       '"img-src": ["\'self\'", "https://images.example"]}}\n')
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    assert "CONTENT_SECURITY_POLICY's img-src allows 'https://images.example'" in log
    assert "Vendor the asset into static/" in log


@pytest.mark.parametrize("limit", [None, "DESKTOP_MAX_REQUEST_BODY = 20 * 1024 * 1024 + MULTIPART_OVERHEAD"])
def test_a_model_that_takes_files_without_a_body_limit_set_is_a_warning_saying_the_app_refuses_larger_uploads(
    polls_copy, tmp_path, app_env, limit
):
    with (polls_copy / "polls" / "models.py").open("a", encoding="utf-8") as models:
        models.write("\n\nclass Attachment(models.Model):\n    file = models.FileField(upload_to='attachments/')\n")
    if limit:
        set_before_the_defaults(polls_copy, f"from django_desktop_shell.settings import MULTIPART_OVERHEAD\n{limit}\n")
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    warned = ("polls.Attachment.file takes uploads, but DESKTOP_MAX_REQUEST_BODY is not set: the app refuses any "
              "request larger than 2.6\xa0MB with a 413")
    assert (warned in log) is (limit is None)


@pytest.mark.parametrize("compiled", [False, True])
def test_a_translation_never_compiled_is_a_warning_naming_it(polls_copy, tmp_path, app_env, compiled):
    """French pages showed in English, the .po beside no .mo (`*.mo` in .gitignore), and nothing said why."""
    messages = polls_copy / "polls" / "locale" / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text('msgid "What\'s up?"\nmsgstr "Quoi de neuf ?"\n', encoding="utf-8")
    if compiled:
        subprocess.run(["msgfmt", "-o", str(messages / "django.mo"), str(messages / "django.po")], check=True)
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    warned = f"{messages / 'django.po'}: not compiled (no .mo file beside it), so pages in that language show untranslated"
    assert (warned in log) is not compiled
    assert ("Run `python manage.py compilemessages`" in log) is not compiled


@pytest.mark.parametrize("start_path", [None, "/polls", "/polls/"])
def test_a_start_path_the_urlconf_has_no_page_for_is_a_warning_naming_the_admin_s_path(
        polls_copy, tmp_path, app_env, start_path):
    """An admin-only project (startproject's urls.py: admin/ alone) that followed the guide, no
    start-path set, opened its window on "Not Found", with no address bar to go anywhere else."""
    pyproject = polls_copy / "pyproject.toml"
    declared = 'start-path = "/polls/"\n'
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        declared, f'start-path = "{start_path}"\n' if start_path else ""), encoding="utf-8")
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    warned = ("The window opens at /, where your URLconf (mysite.urls) has no page: it shows \"Not Found\", and the "
              "window has no address bar to go anywhere else.")
    assert (warned in log) is (start_path is None)
    assert ('Set start-path = "/admin/" for your admin' in log) is (start_path is None)


def test_a_start_page_that_django_s_flat_pages_serve_is_no_warning(polls_copy, tmp_path, app_env):
    """A project whose home page is a flat page (django.contrib.flatpages' fallback middleware
    answers every path its URLconf does not) was told its window would show "Not Found" there."""
    pyproject = polls_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('start-path = "/polls/"\n', ""), encoding="utf-8")
    set_before_the_defaults(polls_copy, "INSTALLED_APPS = [*INSTALLED_APPS, 'django.contrib.sites', 'django.contrib.flatpages']\n"
                            "SITE_ID = 1\n"
                            "MIDDLEWARE = [*MIDDLEWARE, 'django.contrib.flatpages.middleware.FlatpageFallbackMiddleware']\n")
    assert "has no page" not in log_of_a_launch(polls_copy, tmp_path, app_env)


def test_a_library_s_translation_in_a_virtualenv_inside_the_project_is_no_warning(polls_copy, tmp_path, app_env):
    """The build leaves an installed library's catalogues alone (they come compiled, or are not the
    developer's to compile); the launch warned of one in the project's own .venv, as if the project's."""
    site_packages = polls_copy / ".venv" / "lib" / "python3.11" / "site-packages"
    messages = site_packages / "tagging_lib" / "locale" / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (site_packages / "tagging_lib" / "__init__.py").write_text("")
    (messages / "django.po").write_text('msgid "Tag"\nmsgstr "Étiquette"\n', encoding="utf-8")
    set_before_the_defaults(polls_copy, "INSTALLED_APPS = [*INSTALLED_APPS, 'tagging_lib']\n")
    env = {**app_env, "PYTHONPATH": os.pathsep.join(filter(None, [str(site_packages), app_env.get("PYTHONPATH")]))}
    assert "not compiled" not in log_of_a_launch(polls_copy, tmp_path, env)


def start_copy(project, tmp_path, env, *args, python=sys.executable):
    process = subprocess.Popen(
        [python, str(project / "launcher.py"), "--headless", "--data-dir", str(tmp_path / "data"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    line = process.stdout.readline()
    assert line.startswith("READY "), process.stderr.read()
    return process, line.split(" ", 1)[1].strip()


def log_of_a_launch(project, tmp_path, env, python=sys.executable) -> str:
    """What a launch of the project, stopped once ready, wrote in its log (the checks' warnings)."""
    process, _ = start_copy(project, tmp_path, env, python=python)
    process.terminate()
    assert exit_code_within(process, 5) == 0
    return (tmp_path / "data" / "logs" / "polls.log").read_text()


@pytest.mark.parametrize("site", list(SITES))
def test_dev_mode_turns_debug_on_but_never_shows_django_s_debug_page(site, tmp_path, app_env):
    process, launch_url = start_site_headless(site, tmp_path / "data", app_env, "--dev")
    try:
        parts = urlsplit(launch_url)
        connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
        connection.request("GET", "/nowhere/", headers={"Authorization": f"Bearer {parts.query.split('=')[1].split('&')[0]}"})
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status == 404
        assert b"NOARCHIVE" not in body and b"URLconf" not in body and b"Nothing is at /nowhere/." in body
    finally:
        process.terminate()
        assert exit_code_within(process, 5) == 0


def test_the_log_says_which_of_the_project_s_settings_the_desktop_defaults_replaced(polls_copy, tmp_path, app_env):
    process, _ = start_copy(polls_copy, tmp_path, app_env)
    process.terminate()
    assert exit_code_within(process, 5) == 0
    replaced = [line.split("setting: ", 1)[1] for line in (tmp_path / "data" / "logs" / "polls.log").read_text().splitlines()
                if "Desktop default applied over the project's setting" in line]
    assert "DEBUG (was True)" in replaced
    assert "SECRET_KEY" in replaced  # named, never shown
    assert "ALLOWED_HOSTS (was [])" in replaced
    assert f"DATABASES['default']['NAME'] (now in the data folder: {tmp_path / 'data' / 'polls.sqlite3'})" in replaced
    assert not any("django-insecure" in line for line in replaced)


def test_a_second_sqlite_database_goes_to_the_data_folder_with_its_tables(polls_copy, tmp_path, app_env):
    """A project with an archive in a second SQLite database was refused (desktop.E005, "Leave
    DATABASES['archive']['NAME'] to the shell", which left it where it was); moved by hand after
    the defaults, it started with no tables in it, and each page reading it was a 500."""
    set_before_the_defaults(polls_copy, "DATABASES['archive'] = {'ENGINE': 'django.db.backends.sqlite3', "
                            "'NAME': BASE_DIR / 'archive.sqlite3'}\n")
    process, _ = start_copy(polls_copy, tmp_path, app_env)
    process.terminate()
    assert exit_code_within(process, 5) == 0
    archive = tmp_path / "data" / "polls.archive.sqlite3"
    with contextlib.closing(sqlite3.connect(archive)) as database:
        tables = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "polls_question" in tables
    assert not (polls_copy / "archive.sqlite3").exists()
    assert f"DATABASES['archive']['NAME'] (now in the data folder: {archive})" in (
        tmp_path / "data" / "logs" / "polls.log").read_text()


SHIPPED_CATALOGUE = ("DATABASES['catalogue'] = {'ENGINE': 'django.db.backends.sqlite3', "
                     "'NAME': (BASE_DIR / 'catalogue.sqlite3').as_uri() + '?mode=ro', 'OPTIONS': {'uri': True}}\n")


def ship_a_catalogue(project) -> Path:
    """A prebuilt SQLite file of reference data beside the code, as a project ships it."""
    catalogue = project / "catalogue.sqlite3"
    with contextlib.closing(sqlite3.connect(catalogue)) as database, database:
        database.execute("CREATE TABLE plant (name TEXT)")
        database.executemany("INSERT INTO plant VALUES (?)", [("sage",), ("thyme",)])
    return catalogue


# Django opens every SQLite NAME as a URI: OPTIONS' 'uri' is not needed, and a project may leave it out.
@pytest.mark.parametrize("catalogue_settings", [SHIPPED_CATALOGUE, SHIPPED_CATALOGUE.replace(", 'OPTIONS': {'uri': True}", "")])
def test_a_read_only_database_shipped_with_the_app_is_read_where_it_lies_and_never_written(
        polls_copy, tmp_path, app_env, catalogue_settings):
    """A catalogue shipped with the app, opened read-only as SQLite and Django have it (a `file:` URI
    with mode=ro), was replaced by a new, empty file in the data folder, and migrated: every page
    reading it was a 500 ("no such table: plant"). So was one without OPTIONS = {'uri': True},
    which Django opens as read-only all the same."""
    catalogue = ship_a_catalogue(polls_copy)
    shipped = catalogue.read_bytes()
    set_before_the_defaults(polls_copy, catalogue_settings)
    process, _ = start_copy(polls_copy, tmp_path, app_env)
    process.terminate()
    assert exit_code_within(process, 5) == 0
    counted = subprocess.run(
        [sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"), "manage", "shell", "--verbosity", "0", "-c",
         "from django.db import connections; print(connections['catalogue'].cursor().execute('SELECT count(*) FROM plant').fetchone()[0])"],
        capture_output=True, text=True, env=app_env, timeout=60)
    assert counted.stdout.strip() == "2", counted.stderr
    assert catalogue.read_bytes() == shipped
    assert [path.name for path in polls_copy.glob("catalogue.sqlite3*")] == ["catalogue.sqlite3"]  # no -wal, no -shm
    assert not list((tmp_path / "data").glob("polls.catalogue*"))


def test_a_read_only_database_in_wal_mode_stops_the_start_as_the_installed_app_could_not_open_it(
    polls_copy, tmp_path, app_env
):
    """A catalogue left in WAL mode opened from the source, and from the read-only install folder
    (/opt/polls) every page reading it answered 500: "unable to open database file"."""
    catalogue = ship_a_catalogue(polls_copy)
    with contextlib.closing(sqlite3.connect(catalogue)) as database:
        database.execute("PRAGMA journal_mode=WAL")
    set_before_the_defaults(polls_copy, SHIPPED_CATALOGUE)
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert f"The read-only database 'catalogue', {catalogue}, is in WAL mode" in result.stderr
    assert "(desktop.E019) Ship it in SQLite's default journal mode: sqlite3 catalogue.sqlite3 'PRAGMA journal_mode=DELETE'" in result.stderr


def test_a_read_only_database_in_wal_mode_opened_immutable_starts(polls_copy, tmp_path, app_env):
    """immutable=1 has SQLite read a WAL-mode file without the -shm file a read-only install folder
    would refuse it (mode=ro alone cannot): no test had it, and a check that refused it too passed."""
    catalogue = ship_a_catalogue(polls_copy)
    with contextlib.closing(sqlite3.connect(catalogue)) as database:
        database.execute("PRAGMA journal_mode=WAL")
    set_before_the_defaults(polls_copy, SHIPPED_CATALOGUE.replace("?mode=ro", "?immutable=1"))
    process, _ = start_copy(polls_copy, tmp_path, app_env)
    process.terminate()
    assert exit_code_within(process, 5) == 0


def test_a_large_read_only_database_is_not_read_into_memory_at_each_launch(polls_copy, tmp_path, app_env):
    """The check of a shipped catalogue's journal mode read the whole file to look at one byte of
    its header: an 800 MB catalogue took 800 MB of memory and 0.5 s (3.5 s from a cold disk) at
    every launch. Here a 4 GB one, the launch allowed 1.5 GB of address space (it needs ~0.65 GB)."""
    catalogue = ship_a_catalogue(polls_copy)
    with catalogue.open("r+b") as file:
        file.truncate(4 * 1024 ** 3)  # sparse: 4 GB to read, nothing written on the disk
    set_before_the_defaults(polls_copy, SHIPPED_CATALOGUE)
    address_space = 1536 * 1024 ** 2
    process = subprocess.Popen(
        [sys.executable, str(polls_copy / "launcher.py"), "--headless", "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**app_env, "MALLOC_ARENA_MAX": "2"},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space)))
    try:
        line = process.stdout.readline()
        assert line.startswith("READY "), process.communicate(timeout=10)[1]
    finally:
        process.terminate()
    assert exit_code_within(process, 5) == 0


def test_migrating_a_read_only_database_is_refused_saying_why(polls_copy, tmp_path, app_env):
    """`manage migrate --database catalogue` said "Unexpected error: MigrationSchemaMissing: Unable
    to create the django_migrations table (attempt to write a readonly database)"."""
    ship_a_catalogue(polls_copy)
    set_before_the_defaults(polls_copy, SHIPPED_CATALOGUE)
    migrated = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                               "manage", "migrate", "--database", "catalogue"],
                              capture_output=True, text=True, env=app_env, timeout=60)
    assert migrated.returncode == 1
    assert migrated.stderr == (f"polls: The database 'catalogue' is opened read-only ({(polls_copy / 'catalogue.sqlite3').as_uri()}"
                               "?mode=ro): it is data shipped with the app, which nothing migrates; its tables are those "
                               "it was built with.\n")


@pytest.mark.parametrize(("name", "message"), [
    ("'file:catalogue.sqlite3?mode=ro'",
     "The read-only database 'catalogue' is at 'catalogue.sqlite3', relative to the working directory"),
    ("(BASE_DIR / 'catalogue.sqlite3').as_uri() + '?immutable=1'", "catalogue.sqlite3, which does not exist"),
])
def test_a_read_only_database_the_app_would_not_find_stops_the_start(polls_copy, tmp_path, app_env, name, message):
    set_before_the_defaults(polls_copy, "DATABASES['catalogue'] = {'ENGINE': 'django.db.backends.sqlite3', "
                            f"'NAME': {name}, 'OPTIONS': {{'uri': True}}}}\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert message in result.stderr
    assert "(desktop.E019) Name it from the code's own folder" in result.stderr


def test_a_shipped_database_in_a_plain_path_that_its_router_leaves_empty_in_the_data_folder_stops_the_start(
    polls_copy, tmp_path, app_env
):
    """The same catalogue named by its plain path was moved to the data folder as a new file, where
    its router lets no migration make a table: the app started, and every page reading it was a 500."""
    ship_a_catalogue(polls_copy)
    (polls_copy / "mysite" / "routers.py").write_text(
        "class CatalogueRouter:\n"
        "    def allow_migrate(self, db, app_label, **hints):\n"
        "        return db != 'catalogue'\n", encoding="utf-8")
    set_before_the_defaults(polls_copy, "DATABASES['catalogue'] = {'ENGINE': 'django.db.backends.sqlite3', "
                            "'NAME': BASE_DIR / 'catalogue.sqlite3'}\nDATABASE_ROUTERS = ['mysite.routers.CatalogueRouter']\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert (f"The database 'catalogue' is the file {polls_copy / 'catalogue.sqlite3'}, with tables (plant), but the app "
            f"opens {tmp_path / 'data' / 'polls.catalogue.sqlite3'} in the data folder instead") in result.stderr
    assert "(desktop.E020) If it is data shipped with the app and only read, open it read-only where it is" in result.stderr


def test_a_database_other_than_sqlite_is_a_warning_saying_what_the_shell_does_not_do_for_it(polls_copy, tmp_path, app_env):
    """A project's PostgreSQL alias started without a word: nothing said that it was not checked,
    backed up or migrated at start, as the SQLite ones are, or that a person's computer has no such server."""
    set_before_the_defaults(polls_copy, "DATABASES['warehouse'] = {'ENGINE': 'django.db.backends.postgresql', "
                            "'NAME': 'warehouse', 'HOST': 'db.example.com'}\n")
    process, _ = start_copy(polls_copy, tmp_path, app_env)
    process.terminate()
    assert exit_code_within(process, 5) == 0
    said = process.stderr.read()
    assert ("polls: warning: The database 'warehouse' is django.db.backends.postgresql (db.example.com): a person's "
            "computer has no such server") in said
    assert "no check at start, no backups, no migrations at start" in said


def test_manage_migrate_of_one_database_copies_that_one_alone(polls_copy, tmp_path, app_env):
    """`manage migrate --database archive` copied both databases to the backups, and so did each plain
    `manage migrate`: with the newest five copies of each kept, a few runs pushed out the copies of
    the days before of a database no command had touched."""
    set_before_the_defaults(polls_copy, "DATABASES['archive'] = {'ENGINE': 'django.db.backends.sqlite3', "
                            "'NAME': BASE_DIR / 'archive.sqlite3'}\n")
    manage = [sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"), "manage"]

    def migrate(*args):
        assert subprocess.run([*manage, "migrate", *args], capture_output=True, env=app_env, timeout=60).returncode == 0

    migrate()
    migrate("--database", "archive")
    backups = tmp_path / "data" / "backups"
    made_before = set(backups.glob("*.sqlite3"))
    migrate("--database", "archive")
    assert [path.name.split("-")[0] for path in set(backups.glob("*.sqlite3")) - made_before] == ["polls.archive"]


def test_manage_says_which_of_two_databases_have_migrations_pending(polls_copy, tmp_path, app_env):
    """With a second database, `manage` counted both databases' migrations as "pending on this
    database", where `manage migrate` alone migrates only the default."""
    set_before_the_defaults(polls_copy, "DATABASES['archive'] = {'ENGINE': 'django.db.backends.sqlite3', "
                            "'NAME': BASE_DIR / 'archive.sqlite3'}\n")
    manage = [sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"), "manage"]
    assert subprocess.run([*manage, "migrate"], capture_output=True, env=app_env, timeout=60).returncode == 0
    listing = subprocess.run([*manage, "showmigrations", "polls"], capture_output=True, text=True, env=app_env, timeout=60)
    assert listing.stderr == ("polls: Migrations are pending (19 on 'archive'), and the databases are shown as they are; "
                              "starting the app applies them, or `manage migrate --database <alias>` for each (after a "
                              "backup).\n")


def test_production_settings_before_the_desktop_defaults_are_replaced_and_the_app_starts(polls_copy, tmp_path, app_env):
    set_before_the_defaults(polls_copy, "SECURE_SSL_REDIRECT = True\nSESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True\n"
                            "LOGGING = {'version': 1, 'handlers': {'file': {'class': 'logging.FileHandler', "
                            "'filename': BASE_DIR / 'polls.log'}}, 'root': {'handlers': ['file']}}\n")
    process, launch_url = start_copy(polls_copy, tmp_path, app_env)
    try:
        parts = urlsplit(launch_url)
        connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
        connection.request("GET", launch_url[len(f"http://{parts.netloc}"):], headers={"Host": parts.netloc})
        answer = connection.getresponse()
        assert answer.status == 302 and answer.getheader("Location") == "/polls/"  # not to https://
        assert "Secure" not in answer.getheader("Set-Cookie")
    finally:
        process.terminate()
        assert exit_code_within(process, 5) == 0
    replaced = (tmp_path / "data" / "logs" / "polls.log").read_text()
    assert "SECURE_SSL_REDIRECT (was True)" in replaced and "CSRF_COOKIE_SECURE (was True)" in replaced
    assert "LOGGING (every logger writes to the shell's log, in the data folder's logs/)" in replaced
    assert not (polls_copy / "polls.log").exists()


def test_without_the_desktop_defaults_the_refusal_is_said_once_even_with_a_console_logging_config(
        polls_copy, tmp_path, app_env):
    settings = polls_copy / SETTINGS
    console_logging = ('LOGGING = {"version": 1, "disable_existing_loggers": False, "handlers": {"console": '
                       '{"class": "logging.StreamHandler"}}, "root": {"handlers": ["console"], "level": "INFO"}}\n')
    settings.write_text(settings.read_text(encoding="utf-8").replace(APPLY_DEFAULTS, console_logging), encoding="utf-8")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert result.stderr.count("does not apply the desktop defaults") == 1, result.stderr
    assert result.stderr.startswith("polls: The settings module")  # no log lines of the shell before it


def test_a_manifest_storage_with_no_manifest_stops_the_start_saying_how_to_fix_it(polls_copy, tmp_path, app_env):
    """Production settings often name Django's manifest storage; from the source there is no
    manifest until collectstatic has run, and every page, the error page included, would be a 500."""
    set_before_the_defaults(polls_copy, "STATIC_ROOT = BASE_DIR / 'collected'\nSTORAGES = {'default': {'BACKEND': "
                            "'django.core.files.storage.FileSystemStorage'}, 'staticfiles': {'BACKEND': "
                            "'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert ("STORAGES['staticfiles'] is django.contrib.staticfiles.storage.ManifestStaticFilesStorage, which names every "
            f"static file by the manifest collectstatic writes, there is none at {polls_copy / 'collected' / 'staticfiles.json'}"
            ) in result.stderr
    assert "(desktop.E009)" in result.stderr

    collect = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--data-dir", str(tmp_path / "data"),
                              "manage", "collectstatic", "--noinput"], capture_output=True, text=True, env=app_env, timeout=60)
    assert collect.returncode == 0, collect.stderr
    result = subprocess.run([sys.executable, str(polls_copy / "launcher.py"), "--self-test", "--data-dir",
                             str(tmp_path / "data")], capture_output=True, text=True, env=app_env, timeout=60)
    assert result.returncode == 0, result.stderr


def test_a_manifest_storage_without_a_static_root_stops_the_start_saying_so(polls_copy, tmp_path, app_env):
    """Django's manifest storage reads its manifest as it is made, and without a STATIC_ROOT that
    raised inside the check: the start stopped with "Unexpected error: ImproperlyConfigured: You're
    using the staticfiles app without having set the STATIC_ROOT setting to a filesystem path.."."""
    set_before_the_defaults(polls_copy, "STORAGES = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'}, "
                            "'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n")
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert "Unexpected error" not in result.stderr
    assert ("STORAGES['staticfiles'] is django.contrib.staticfiles.storage.ManifestStaticFilesStorage, which names every "
            "static file by the manifest collectstatic writes, and STATIC_ROOT, where it would be, is not set") in result.stderr
    assert "(desktop.E009)" in result.stderr


def test_split_settings_that_set_their_own_values_after_the_defaults_are_told_which_module_to_apply_them_in(
        polls_copy, tmp_path, app_env):
    (polls_copy / "mysite" / "local_settings.py").write_text("from mysite.settings import *  # noqa\nDEBUG = True\n")
    pyproject = polls_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('settings = "mysite.settings"', 'settings = "mysite.local_settings"'))
    result = launch(polls_copy, tmp_path / "data", app_env)
    assert result.returncode == 1
    assert ("DEBUG is on without --dev: error pages would show source code and settings to any local program. (desktop.E003) "
            "Do not set DEBUG after desktop_settings(); start with --dev to turn it on. desktop_settings(globals()) ran in "
            "mysite.settings, and mysite.local_settings, the settings module the app starts with, sets its own values after "
            "it: call it at the end of mysite.local_settings instead.") in result.stderr


FORGOT_PASSWORD_VIEW = '''
from django.contrib.auth.views import PasswordResetView


class ForgotPassword(PasswordResetView):
    template_name = "registration/forgot.html"
'''


@pytest.mark.parametrize(("urls_added", "mail_settings", "page"), [
    ("    path('accounts/', include('django.contrib.auth.urls')),\n", "", "/accounts/password_reset/"),
    ("    path('accounts/', include('django.contrib.auth.urls')),\n", "EMAIL_HOST = 'smtp.example.com'\n", None),
    ("    path('help/forgot/', ForgotPassword.as_view(), name='forgot'),\n", "", "/help/forgot/"),
    # auth listed by its AppConfig, as startapp's apps.py names it: it was taken for no auth app, and nothing was said
    ("    path('accounts/', include('django.contrib.auth.urls')),\n",
     "INSTALLED_APPS = [name.replace('django.contrib.auth', 'django.contrib.auth.apps.AuthConfig') "
     "for name in INSTALLED_APPS]\n", "/accounts/password_reset/"),
])
def test_a_password_reset_form_with_no_mail_server_to_send_through_is_a_warning_saying_what_to_do(
        polls_copy, tmp_path, app_env, urls_added, mail_settings, page):
    """The person asking for a reset was told the e-mail was sent, and none ever came: a desktop has no
    mail server on localhost:25, Django's default. A project's own form, a subclass of Django's
    under a URL name of its own, went unwarned."""
    (polls_copy / "polls" / "forgot.py").write_text(FORGOT_PASSWORD_VIEW)
    urls = polls_copy / "mysite" / "urls.py"
    urls.write_text("from polls.forgot import ForgotPassword\n" + urls.read_text().replace(
        "    path('admin/', admin.site.urls),\n", "    path('admin/', admin.site.urls),\n" + urls_added))
    set_before_the_defaults(polls_copy, mail_settings)
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    warned = page is not None
    assert (f"The site has a password reset form ({page}) and sends its e-mail to a mail server on "
            "this computer (localhost:25)" in log) is warned
    assert ("`polls manage changepassword <name>`" in log) is warned


def test_a_password_reset_form_with_an_empty_mail_host_is_a_warning_too(polls_copy, tmp_path, app_env):
    """Settings that read the mail server from the environment (EMAIL_HOST = os.environ.get('EMAIL_HOST', ''))
    have none on a person's computer: Django connects nowhere ("please run connect() first"), the form
    says the e-mail was sent, and the launch said nothing, as the host was not one on this computer."""
    urls = polls_copy / "mysite" / "urls.py"
    urls.write_text(urls.read_text().replace("    path('admin/', admin.site.urls),\n", "    path('admin/', admin.site.urls),\n"
                                              "    path('accounts/', include('django.contrib.auth.urls')),\n"))
    set_before_the_defaults(polls_copy, "EMAIL_HOST = ''\n")
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    assert ("The site has a password reset form (/accounts/password_reset/) and sends its e-mail to no mail server: "
            "EMAIL_HOST is empty" in log)
    assert "`polls manage changepassword <name>`" in log


def install_allauth_accounts(project) -> None:
    """django-allauth's account app, in INSTALLED_APPS as cookiecutter-django lists it: the check reads
    only the settings and whether the app is installed, so an empty package of that name stands for it."""
    (project / "allauth" / "account").mkdir(parents=True)
    (project / "allauth" / "__init__.py").write_text("")
    (project / "allauth" / "account" / "__init__.py").write_text("")
    set_before_the_defaults(project, "INSTALLED_APPS = INSTALLED_APPS + ['allauth.account']\n")


@pytest.mark.parametrize(("verification", "mail_settings", "warned"), [
    ("ACCOUNT_EMAIL_VERIFICATION = 'mandatory'\n", "", "'mandatory'"),  # cookiecutter-django's
    ("ACCOUNT_EMAIL_VERIFICATION = True\n", "", "'mandatory'"),  # allauth's older spelling of it
    ("", "", "'optional'"),  # allauth's default
    ("ACCOUNT_EMAIL_VERIFICATION = 'none'\n", "", None),
    ("ACCOUNT_EMAIL_VERIFICATION = 'mandatory'\n", "EMAIL_HOST = 'smtp.example.com'\n", None),
])
def test_allauth_confirming_addresses_with_no_mail_server_is_a_warning_that_sign_up_fails(
        polls_copy, tmp_path, app_env, verification, mail_settings, warned):
    """A cookiecutter-django project signed a person up, sent the address's confirmation to
    localhost:25, and answered 500 (ConnectionRefusedError): no one could sign up, and with
    'mandatory' no one could log in, while the launch warned only of the password reset form."""
    install_allauth_accounts(polls_copy)
    set_before_the_defaults(polls_copy, verification + mail_settings)
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    said = (f"django-allauth confirms each address by e-mail (ACCOUNT_EMAIL_VERIFICATION is {warned}) and sends it to a "
            "mail server on this computer (localhost:25), which a person's computer does not have: signing up answers "
            "500 Internal Server Error")
    assert (said in log) is (warned is not None)
    assert ("ACCOUNT_EMAIL_VERIFICATION = \"none\" after desktop_settings()" in log) is (warned is not None)
    assert ("no one whose address is unconfirmed can log in" in log) is (warned == "'mandatory'")


def test_sessions_kept_only_in_the_app_s_memory_are_a_warning_saying_each_launch_logs_out(polls_copy, tmp_path, app_env):
    """The window kept its session cookie across launches, and the session it named had gone with the
    last run's memory: the person logged in at every launch."""
    set_before_the_defaults(polls_copy, "SESSION_ENGINE = 'django.contrib.sessions.backends.cache'\n")
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    assert ("SESSION_ENGINE keeps the sessions only in the cache 'default', a LocMemCache held in the app's memory: "
            "every quit ends every session" in log)
    assert "django.contrib.sessions.backends.cached_db" in log


@pytest.mark.parametrize(("realtime_settings", "warned"), [
    ("ASGI_APPLICATION = 'mysite.asgi.application'\n", True),
    ("", False),
])
def test_an_asgi_application_for_websockets_is_a_warning_that_the_window_s_websockets_never_connect(
        polls_copy, tmp_path, app_env, realtime_settings, warned):
    """A Channels project's page opened its websocket to the app, which answered 404 (the server is
    WSGI), and showed its live updates as never connecting, with nothing said at the launch."""
    set_before_the_defaults(polls_copy, realtime_settings)
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    assert ("ASGI_APPLICATION is 'mysite.asgi.application', but the desktop app serves the site over WSGI: a "
            "websocket the page opens is answered 404 and never connects" in log) is warned
    assert ("server-sent events" in log) is warned


@pytest.mark.parametrize(("task_settings", "warning"), [
    ("CELERY_BROKER_URL = 'redis://localhost:6379/0'\n", "redis://localhost:6379/0"),
    ("CELERY_BROKER_URL = 'amqp://app:s3cret@mq.example:5672//'\n", "amqp://app:***@mq.example:5672//"),
    ("CELERY_BROKER_URL = 'redis://localhost:6379/0'\nCELERY_TASK_ALWAYS_EAGER = True\n", None),
    ("", None),
])
def test_a_task_broker_with_no_worker_on_the_person_s_computer_is_a_warning_saying_what_to_do(
        polls_copy, tmp_path, app_env, task_settings, warning):
    """A view that queued a Celery task hung: .delay() retried the Redis broker the person's computer
    does not have ("Connection to Redis lost: Retry (8/20)"), and no worker would ever have run it."""
    set_before_the_defaults(polls_copy, task_settings)
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    assert "s3cret" not in log
    if warning:
        assert (f"CELERY_BROKER_URL sends tasks to {warning}, a broker and workers a person's computer does not have"
                in log)
        assert "Set CELERY_TASK_ALWAYS_EAGER = True after desktop_settings()" in log
    else:
        assert "CELERY_BROKER_URL" not in log


@pytest.mark.parametrize(("app", "queue_settings", "warning", "fix"), [
    ("django_q", "Q_CLUSTER = {'name': 'office', 'orm': 'default'}\n",
     "django-q2 (django_q) hands async_task() to a cluster (manage qcluster)", "Set Q_CLUSTER['sync'] = True"),
    ("django_q", "Q_CLUSTER = {'name': 'office', 'orm': 'default', 'sync': True}\n", None, None),
    ("django_rq", "RQ_QUEUES = {'default': {'HOST': 'localhost'}, 'mail': {'HOST': 'localhost', 'ASYNC': False}}\n",
     "django-rq puts jobs on the queues 'default' for an rqworker", "Set 'ASYNC': False in each of RQ_QUEUES' queues"),
    ("huey.contrib.djhuey", "HUEY = {'name': 'office'}\n",
     "Huey (huey.contrib.djhuey) hands tasks to a consumer (manage run_huey)", "Set HUEY['immediate'] = True"),
    ("huey.contrib.djhuey", "HUEY = {'name': 'office', 'immediate': True}\n", None, None),
])
def test_a_task_queue_other_than_celery_with_no_worker_is_a_warning_saying_what_to_do(
        polls_copy, tmp_path, app_env, app, queue_settings, warning, fix):
    """A view that queued a task with django-q2, django-rq or Huey answered at once, and the task
    never ran: no cluster, rqworker or consumer runs on a person's computer. The apps are stand-ins
    named as the real ones, which the test environment does not install."""
    names = app.split(".")
    polls_copy.joinpath(*names).mkdir(parents=True)
    for depth in range(1, len(names) + 1):
        polls_copy.joinpath(*names[:depth], "__init__.py").write_text("")
    set_before_the_defaults(polls_copy, f"INSTALLED_APPS += [{app!r}]\n{queue_settings}")
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    if warning:
        assert f"{warning}, which never runs on a person's computer: a queued task never runs." in log
        assert f"{fix} after desktop_settings()" in log
    else:
        assert "never runs on a person's computer" not in log


@pytest.mark.parametrize(("schedule_settings", "warning"), [
    ("CELERY_BEAT_SCHEDULE = {'prune': {'task': 'polls.tasks.prune', 'schedule': 3600.0}}\n",
     "CELERY_BEAT_SCHEDULE has 1 periodic job ('prune'), and no celery beat runs on a person's computer"),
    ("INSTALLED_APPS = INSTALLED_APPS + ['django_celery_beat']\n",
     "django_celery_beat is installed, its periodic tasks kept in the database, and no celery beat runs on a "
     "person's computer"),
    ("INSTALLED_APPS = INSTALLED_APPS + ['django_apscheduler']\n",
     "django_apscheduler is installed, its jobs kept in the database for a scheduler started by a command of the "
     "project's own, and no such command runs on a person's computer"),
    ("INSTALLED_APPS = INSTALLED_APPS + ['django_celery_beat.apps.BeatConfig']\n",  # listed by its AppConfig
     "django_celery_beat is installed, its periodic tasks kept in the database"),
    ("CELERY_BEAT_SCHEDULE = {}\n", None),
])
def test_a_celery_beat_schedule_is_a_warning_that_its_jobs_never_run(polls_copy, tmp_path, app_env, schedule_settings, warning):
    """The periodic jobs of a project's celery beat (in its settings, or django-celery-beat's tables)
    or of django-apscheduler never ran in the desktop app, and the launch said nothing. The packages
    are importable in each case: installed and not used is no warning."""
    for app in ["django_celery_beat", "django_apscheduler"]:
        (polls_copy / app).mkdir()
        (polls_copy / app / "__init__.py").write_text("")
    (polls_copy / "django_celery_beat" / "apps.py").write_text(
        "from django.apps import AppConfig\n\n\nclass BeatConfig(AppConfig):\n    name = 'django_celery_beat'\n")
    set_before_the_defaults(polls_copy, schedule_settings)
    log = log_of_a_launch(polls_copy, tmp_path, app_env)
    if warning:
        assert warning in log
        assert "database_ready" in log
    else:
        assert "desktop.W006" not in log


@pytest.mark.parametrize("silenced", [False, True])
def test_the_launch_says_the_checks_warnings_at_the_terminal_too(polls_copy, tmp_path, app_env, silenced):
    """A developer porting a Channels project ran `python launcher.py` and saw nothing at the terminal:
    the warning that the page's websocket would never connect was only in the log. One who had
    dealt with a warning and silenced it, as Django's checks are silenced, still saw it at every launch."""
    set_before_the_defaults(polls_copy, "ASGI_APPLICATION = 'mysite.asgi.application'\n"
                            + ("SILENCED_SYSTEM_CHECKS = ['desktop.W004']\n" if silenced else ""))
    process, _ = start_copy(polls_copy, tmp_path, app_env)
    process.terminate()
    assert exit_code_within(process, 5) == 0
    warning = "ASGI_APPLICATION is 'mysite.asgi.application'"
    assert (f"polls: warning: {warning}" in process.stderr.read()) is not silenced
    assert (warning in (tmp_path / "data" / "logs" / "polls.log").read_text()) is not silenced


@pytest.mark.parametrize(("login_apps", "warned"), [
    (["social_django"], "social-auth-app-django (social_django)"),
    ([], None),
    (["allauth", "allauth.socialaccount", "allauth.socialaccount.providers", "allauth.socialaccount.providers.github"],
     "django-allauth's social accounts (allauth.socialaccount.providers.github)"),
    # cookiecutter-django's: no provider, so no "Log in with …"; its users app imports allauth.socialaccount, and
    # leaving that out, as the warning said to, stopped the start ("allauth.socialaccount not installed").
    (["allauth", "allauth.socialaccount"], None),
])
def test_a_login_with_an_outside_provider_is_a_warning_saying_it_cannot_finish_in_the_window(
        polls_copy, tmp_path, app_env, login_apps, warned):
    """"Log in with <provider>" sent the provider's page to the system browser, whose redirect back
    got the launch gate's 403 page: the window stayed logged out, and nothing said why. The apps
    are stand-ins named as social-auth-app-django's and django-allauth's, which the test environment
    does not install."""
    for app in login_apps:
        package = polls_copy.joinpath(*app.split("."))
        package.mkdir()
        (package / "__init__.py").write_text("")
    set_before_the_defaults(polls_copy, f"INSTALLED_APPS += {[app for app in login_apps if app != 'allauth']}\n")
    process, launch_url = start_copy(polls_copy, tmp_path, app_env)
    process.terminate()
    terminal = process.communicate(timeout=5)[1]
    assert process.returncode == 0
    log = (tmp_path / "data" / "logs" / "polls.log").read_text()
    warning = (f"{warned} cannot log anyone in to the desktop app: its \"Log in with …\" "
               "opens the provider's page in the system browser, not in the window, and the provider sends the browser "
               f"back to http://127.0.0.1:{urlsplit(launch_url).port}/…, where the browser has no session")
    assert (warning in log) is (warned is not None)
    assert ("leave the provider's apps out of INSTALLED_APPS" in log) is (warned is not None)
    assert (f"polls: warning: {warning}" in terminal) is (warned is not None)  # the developer at the launcher sees it too
