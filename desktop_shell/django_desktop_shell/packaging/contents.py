"""What desktop_app.spec puts in the bundle beyond what PyInstaller's analysis finds, decided from
the project's pyproject.toml and its settings (site_facts.py) by plain functions, so that the
decisions are tested without a build."""

import ast
import importlib.machinery
import importlib.util
import json
import os
import pkgutil
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path, PurePath

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from django_desktop_shell.translations import project_apps_catalogue_folders, uncompiled_catalogues

SITE_FACTS = Path(__file__).resolve().parent / "site_facts.py"
ADMIN = "django.contrib.admin"
SHELL_APP = __name__.split(".")[0]  # the shell, whose app this package is part of
POSTGRES_APP = "django.contrib.postgres"
POSTGRES_ENGINE = "django.db.backends.postgresql"
TEST_MODULES = frozenset({"tests", "test", "testing"})
IMPORTED_CONTRIB = re.compile(r"^\s*(?:from|import)\s+django\.contrib\.(\w+)", re.M)
SHELL_DISTRIBUTION = "django-desktop-shell"
TRANSLATION_SOURCES = ["**/*.po"]  # Django reads the compiled .mo files beside them


class BuildError(Exception):
    """The project cannot be packaged as it is; the message says what to change."""


def manage(project_dir: Path, data_dir: str, *args: str) -> str:
    """Run a Django management command on the source tree, as `launcher.py manage` does. Its
    data folder is the build's own, empty: what the launcher says of it (the migrations pending
    on its new database) is not about the developer's, so it is shown only if the command fails."""
    command = [sys.executable, str(project_dir / "launcher.py"), "--data-dir", data_dir, "manage", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise BuildError(f"`{project_dir / 'launcher.py'} manage {args[0]}` failed (status {result.returncode}):\n"
                         f"{result.stderr.rstrip()}")
    return result.stdout


def site_facts(project_dir: Path, data_dir: str) -> dict:
    return json.loads(manage(project_dir, data_dir, "shell", "--no-imports", "--command",
                             SITE_FACTS.read_text(encoding="utf-8")))


def declared_dependencies(project_dir: Path) -> list[str]:
    with open(project_dir / "pyproject.toml", "rb") as file:
        return tomllib.load(file).get("project", {}).get("dependencies", [])


def distributions_required(requirements: list[str]) -> set[str]:
    """The distributions the requirements name and, as installed here, the ones those require in
    turn (extras and environment markers followed), by canonical name."""
    names = set()
    followed = set()
    pending = [(Requirement(text), {""}) for text in requirements]
    while pending:
        requirement, extras_asked = pending.pop()
        if requirement.marker and not any(requirement.marker.evaluate({"extra": extra}) for extra in extras_asked):
            continue
        name = canonicalize_name(requirement.name)
        names.add(name)
        if (name, frozenset(requirement.extras)) in followed:
            continue
        followed.add((name, frozenset(requirement.extras)))
        try:
            requires = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here: what it requires is unknown
        pending += [(Requirement(text), requirement.extras or {""}) for text in requires]
    return names


def started_packages(started: list[str], distributions: set[str], hooked: set[str]) -> list[str]:
    """The top-level packages of the project's dependencies that Django imported as it started
    (`started`, site_facts.py), but Django and the shell, and those a PyInstaller hook of their own
    puts in (`hooked`: Pillow's loads its plugins, and whole it would bring numpy). Each goes in
    whole, as an installed app does: a library loads modules of its own by the dotted paths of its
    defaults, which no setting names (django-tasks' backend; Django REST framework's permission
    classes, which Wagtail imports), and the built app stopped at its first start without them."""
    owners = metadata.packages_distributions()
    return sorted({top for top in (name.split(".")[0] for name in started) if top not in ("django", SHELL_APP, *hooked)
                   and any(canonicalize_name(owner) in distributions for owner in owners.get(top, []))})


def packages_that_go_in_whole(settings_module: str, site: dict, distributions: set[str], hooked: set[str]) -> list[str]:
    """The packages whose every module goes in, as Django finds modules by dotted paths or by listing
    a package's files (migrations, template tags, commands): the settings' top-level package, every
    installed app, each package of migrations MIGRATION_MODULES names for an app (cookiecutter-django's
    sites migrations, left out of the build, stopped its built app at its first start: "Migration
    socialaccount.0001_initial dependencies reference nonexistent parent node ('sites', '0001_initial')"),
    the libraries the password hashers load by name (argon2), and the dependencies' packages Django
    imported as it started (site_facts.py's facts)."""
    return [settings_module.split(".")[0], *site["apps"], *site["migration_packages"], *site["hasher_libraries"],
            *started_packages(site["started_modules"], distributions, hooked)]


def required_libraries(packages: list[str], dependencies: set[str]) -> list[str]:
    """The top-level modules of the libraries that those of the project's `dependencies` (canonical
    names) that own `packages` (those that go in whole) require, and those require in turn, but
    Django's and the shell's, which the build chooses of itself: a library loads them by name when
    it first needs them (django-compressor its minifiers, "rcssmin.cssmin"), out of PyInstaller's
    sight, and the built app answered 500. Not those of the project's own distribution, if it is
    installed: its requirements are its server's too (psycopg), and go in only as its modules import them."""
    owners = metadata.packages_distributions()
    own = {owner for package in packages for owner in owners.get(package.split(".")[0], [])
           if canonicalize_name(owner) in dependencies}
    required = (distributions_required(sorted(own)) - {canonicalize_name(name) for name in own}
                - distributions_required([SHELL_DISTRIBUTION, "Django"]))
    return sorted(top for top, names in owners.items() if any(canonicalize_name(name) in required for name in names))


def is_installed(distribution: str) -> bool:
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


# What importlib.metadata reads (a version, entry points, the packages a distribution provides),
# and the licences that a binary redistribution has to carry; not RECORD (Django's is 450 KB), the
# SBOMs some wheels ship (~0.5 MB each for filelock and platformdirs), nor lists of authors.
LICENCE_TEXTS = r"(licenses|licences)/.*(LICEN[CS]E|COPYING|NOTICE).*|(LICEN[CS]E|COPYING|NOTICE).*"
KEPT_METADATA = re.compile(rf"^(METADATA|PKG-INFO|entry_points\.txt|top_level\.txt|{LICENCE_TEXTS})$")
LICENCE_TEXT = re.compile(rf"^({LICENCE_TEXTS})$")
METADATA_FILES = ("METADATA", "PKG-INFO")


def metadata_files(folders: list[tuple[str, str]], out: Path) -> list[tuple[str, str]]:
    """The files of the installed metadata folders (copy_metadata's (source, destination) pairs)
    that the built app reads, each with the folder it goes to in the bundle. A METADATA file goes
    in without its body, the project's description (defusedxml's whole README): written to `out`."""
    files = []
    for source, destination in folders:
        for path in sorted(Path(source).rglob("*")):
            name = path.relative_to(source)
            if not path.is_file() or not KEPT_METADATA.match(name.as_posix()):
                continue
            if name.as_posix() in METADATA_FILES:
                headers = out / destination / name
                headers.parent.mkdir(parents=True, exist_ok=True)
                headers.write_text(path.read_text(encoding="utf-8").partition("\n\n")[0] + "\n", encoding="utf-8")
                path = headers
            files.append((str(path), str(PurePath(destination, name.parent))))
    return files


def app_uses_pillow(project_dir: Path, site: dict) -> bool:
    """Whether the running app needs PIL: the project, or one of its dependencies, requires Pillow,
    or a model has an ImageField. Otherwise Pillow is only the build's icon renderer."""
    return site["image_fields"] or "pillow" in distributions_required(declared_dependencies(project_dir))


def place_in_project(project_dir: Path, path: Path) -> Path | None:
    """The path relative to the project, as written or with its links resolved; None if outside."""
    for candidate in (Path(os.path.normpath(path)), path.resolve()):
        if candidate.is_relative_to(project_dir):
            return candidate.relative_to(project_dir)
    return None


def module_collection_modes(settings_module: str) -> dict[str, str]:
    """PyInstaller's collection mode for the settings: in the archive, and their source files too,
    at their place in the bundle. Settings find the project from their own file, and many resolve
    it strictly (cookiecutter-django's `BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent`):
    a module only in the archive has no file at its `__file__`, and the app would stop at its first
    start with FileNotFoundError. Split settings (config.settings.desktop) bring their package of
    settings (config.settings: base.py, which desktop.py imports); a settings module of the
    project's package (mysite.settings) comes alone, the rest of the project staying compiled."""
    parts = settings_module.split(".")
    return {".".join(parts[:-1]) if len(parts) > 2 else settings_module: "pyz+py"}


def project_module_files(project_dir: Path, packages: list[str], left_out: list[str] = ()) -> list[Path]:
    """The project's own modules that go in: its launcher and the files of those packages that
    live in the project (third-party apps are analysed by PyInstaller as they are), tests and
    the modules it leaves out aside."""
    files = {project_dir / "launcher.py"}
    for package in packages:
        place = project_dir.joinpath(*package.split("."))
        if place.is_dir():
            files.update(path for path in place.rglob("*.py")
                         if "tests" not in path.relative_to(place).with_suffix("").parts)  # as is_run_time_module
        elif place.with_suffix(".py").is_file():
            files.add(place.with_suffix(".py"))
    return sorted(path for path in files if path.is_file() and not is_left_out(dotted_name(project_dir, path), left_out))


def dotted_name(folder: Path, path: Path, package: str = "") -> str:
    """The dotted name of the module at `path`, a file under `folder`, the folder of `package` (or
    of the project's top-level modules)."""
    parts = path.relative_to(folder).with_suffix("").parts
    return ".".join([*([package] if package else []), *(parts[:-1] if parts[-1] == "__init__" else parts)])


def left_out_imported_by(files: list[Path], left_out: list[str], libraries: frozenset[str] = frozenset(),
                         started: list[str] = ()) -> set[str]:
    """Of the modules the build leaves out, those Django imported as it started (`started`,
    site_facts.py), those the files import, directly or through the modules of `libraries` (their
    top-level names) that they import in turn, and those that a module so needed imports:
    django-ninja's settings and Wagtail's coreutils import django.test, which imports unittest and
    xml.dom, and each of them left out failed the import only in the built app ("No module named
    'django.test'"). A library's modules that nothing imports (its test helpers) do not count."""
    needed, visited = set(left_out).intersection(started), set()
    pending = [(path, None) for path in files] + [(file, module) for module in needed for file in module_files(module)]
    while pending:
        path, package = pending.pop()
        for name in imported_names(path, package or "", when_imported=package is not None):
            left = next((module for module in left_out if name == module or name.startswith(module + ".")), None)
            if left is not None:
                if left not in needed:
                    needed.add(left)
                    pending += [(file, left) for file in module_files(left)]
                continue
            parts = name.split(".")
            if parts[0] not in libraries:
                continue
            for depth in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
                module = ".".join(parts[:depth])
                if module not in visited:
                    visited.add(module)
                    pending += [(file, module if file.name == "__init__.py" else module.rpartition(".")[0])
                                for file in module_source(module)]
    return needed


def imported_names(path: Path, package: str, when_imported: bool = False) -> set[str]:
    """The modules a file imports, relative imports resolved against its package; for `from a import
    b`, a.b too, which may be a module. `when_imported`: only those its import runs, not those its
    functions import when called (defusedxml's defuse_stdlib() imports xmlrpc, which no app calls)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return set()  # PyInstaller reports it
    names = set()
    for node in (statements_run_on_import(tree) if when_imported else ast.walk(tree)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if not package:
                    continue
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def statements_run_on_import(tree: ast.AST):
    """The nodes of a module that run as it is imported: all but the bodies of its functions."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        pending += [child for child in ast.iter_child_nodes(node)
                    if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]


def module_source(module: str) -> list[Path]:
    """The source file of one module, found without importing anything of its package."""
    top, *rest = module.split(".")
    spec = installed_spec(top)
    if spec is None or not rest:
        return source_file(spec)
    for folder in spec.submodule_search_locations or []:
        place = Path(folder).joinpath(*rest)
        for candidate in (place.with_suffix(".py"), place / "__init__.py"):
            if candidate.is_file():
                return [candidate]
    return []


def module_files(module: str) -> list[Path]:
    """The source files of a module, or of a package and its submodules, tests aside (test helpers
    such as django.contrib.staticfiles.testing and wagtail.test import django.test, which a running
    app never needs for them); none for a module not installed here or with no source."""
    spec = installed_spec(module)
    folders = [Path(folder) for folder in spec.submodule_search_locations or []] if spec else []
    if folders:
        return [path for folder in folders for path in folder.rglob("*.py")
                if TEST_MODULES.isdisjoint(path.relative_to(folder).with_suffix("").parts)]
    return source_file(spec)


def package_modules(package: str, keep) -> list[str]:
    """The names of a package's modules and subpackages that `keep` takes, found from its files
    without importing any: PyInstaller's collect_submodules imports each subpackage to list it, and
    left out the whole of one that reads Django's settings as it is imported (django-compressor's
    filters, which it loads by the dotted paths of its defaults: the built app answered 500)."""
    spec = installed_spec(package)
    if spec is None or not keep(package):
        return []
    names, pending = [package], [(package, spec.submodule_search_locations or [])]
    while pending:
        parent, folders = pending.pop()
        for module in pkgutil.iter_modules(folders, prefix=f"{parent}."):
            if keep(module.name):
                names.append(module.name)
                if module.ispkg:
                    pending.append((module.name, [os.path.join(folder, module.name.rpartition(".")[2]) for folder in folders]))
    return sorted(names)


def installed_spec(module: str):
    try:
        return importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None


def source_file(spec) -> list[Path]:
    return [Path(spec.origin)] if spec and spec.origin and spec.origin.endswith(".py") else []


def editable_source_folders() -> list[str]:
    """The source folders of the packages installed with `pip install -e` through an import hook
    (setuptools' default: a finder in site-packages, not the folder on sys.path), for PyInstaller's
    analysis, which finds no module through such a hook (its issue 7524): the shell installed so
    built an app without the shell's modules, which stopped at once ("No module named
    'django_desktop_shell.process'"). A package in a folder of another name cannot be found from a
    folder, and stops the build saying how to install it."""
    on_path = {Path(entry).resolve() for entry in sys.path if entry}
    folders = []
    for distribution in metadata.distributions():
        if not json.loads(distribution.read_text("direct_url.json") or "{}").get("dir_info", {}).get("editable"):
            continue
        for name in (distribution.read_text("top_level.txt") or "").split():
            spec = installed_spec(name)
            if spec is None or spec.origin is None:
                continue
            place = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
            if place.parent.resolve() in on_path:
                continue
            if place.stem != name:
                raise BuildError(f"{name} is installed in editable mode from {place}, a folder of another name, where "
                                 "the build cannot find it: install it with `pip install --config-settings "
                                 "editable_mode=compat -e` or from its wheel, then build again.")
            folders.append(str(place.parent))
    return list(dict.fromkeys(folders))


def project_libraries(project_dir: Path) -> frozenset[str]:
    """The top-level import names of the libraries the project's dependencies bring (django-ninja's
    ninja, pydantic…), which PyInstaller analyses as they are. Not Django's, the shell's or those of
    the libraries the shell requires: the build chooses what goes in of them itself."""
    chosen_by_the_build = distributions_required([SHELL_DISTRIBUTION, "Django"])
    names = set()
    for name in distributions_required(declared_dependencies(project_dir)) - chosen_by_the_build:
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        names.update(PurePath(file).parts[0].removesuffix(".py") for file in distribution.files or []
                     if file.suffix == ".py" and ".dist-info" not in file.parts[0])
    return frozenset(names)


def contrib_apps_imported_by(apps: list[str]) -> set[str]:
    """The contrib apps the installed apps' code imports, which go in though the settings do not list
    them: Django's own apps import others (admin and auth import sites), and so do third-party ones
    (Django REST framework's schemas import admindocs: left out, every page of a site with an API
    router was a 500 in the built app alone, "No module named 'django.contrib.admindocs'"). Not the
    shell's own: it imports django.contrib.messages only to give a site that has that app its
    storage, and needs no other contrib app than the staticfiles a site lists."""
    named = set()
    for path in app_module_files([app for app in apps if app != SHELL_APP], apps):
        source = path.read_text("utf-8", errors="replace")
        named |= {f"django.contrib.{name}" for name in IMPORTED_CONTRIB.findall(source)}
    return named


def app_module_files(packages: list[str], apps: list[str], left_out: list[str] = ()) -> list[Path]:
    """The files of those installed apps that go in, tests aside, their admin.py only with the
    admin installed (only the admin's autodiscovery imports them), and not those of modules the
    build leaves out (staticfiles' runserver, which would bring Django's runserver back in)."""
    return [path for package in packages for path in module_files(package)
            if (path.name != "admin.py" or ADMIN in apps) and not is_left_out(module_name(package, path), left_out)]


def module_name(package: str, path: Path) -> str:
    """The dotted name of a file of `package` (module_files' paths)."""
    spec = installed_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if path.is_relative_to(folder):
            return dotted_name(Path(folder), path, package)
    return package


def project_left_out(names: tuple[str, ...], dotted_paths: list[str], left_out_but: tuple = ()) -> list[str]:
    """The modules pyproject's leave-out names, checked: each must exist, and none may be one the
    settings name, which Django imports at run time. With them, those its {all-of, but} entries
    leave out (modules_left_out_but)."""
    names = [*named_modules("leave-out", names), *(module for entry in left_out_but for module in modules_left_out_but(entry))]
    named = [path for path in dotted_paths if is_left_out(path, names)]
    if named:
        raise BuildError(f"leave-out in pyproject.toml leaves out {', '.join(named)}, which the settings name: "
                         "Django imports it at run time. Take it out of leave-out, or out of the settings the app runs with.")
    return names


def modules_left_out_but(entry) -> list[str]:
    """The modules of a package that a leave-out entry {all-of = package, but = [...]} leaves out
    (identity.LeftOutBut): all but those it names, the package's own `__init__`, and what those
    import of the package, in turn, that leave-out would otherwise break in the built app alone
    (pygments.lexers imports its _mapping, and pygments.lexers.sql its _mysql_builtins). A package
    hooks take whole (Pygments' hook brings its 250 lexers: 1.75 MB) so goes in in part."""
    named_modules("leave-out", (entry.package, *entry.kept))
    prefix = entry.package + "."
    kept, pending = set(), [*entry.kept, *imports_under(prefix, entry.package, module_source(entry.package))]
    while pending:
        module = pending.pop()
        if module not in kept:
            kept.add(module)
            pending += imports_under(prefix, module, module_files(module))
    return [module for module in package_modules(entry.package, lambda name: True)
            if module.startswith(prefix) and not any(module == name or module.startswith(name + ".")
                                                     or name.startswith(module + ".") for name in kept)]


def imports_under(prefix: str, module: str, files: list[Path]) -> list[str]:
    """The modules whose names start with `prefix` that the files of `module` import, run on import
    or in a function."""
    names = []
    for path in files:
        name = module_name(module, path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        names += [imported for imported in imported_names(path, package) if imported.startswith(prefix) and is_module(imported)]
    return names


def named_modules(key: str, names: tuple[str, ...]) -> list[str]:
    """The modules pyproject's `key` names, each checked to exist."""
    for name in names:
        if not is_module(name):
            raise BuildError(f"{key} in pyproject.toml names {name}, which is not a module of the project or its libraries.")
    return list(names)


def is_module(name: str) -> bool:
    """Whether `name` is a module or package here, from source or compiled (lxml.objectify, an
    extension module, has no source file), found without importing anything of its package."""
    top, *rest = name.split(".")
    spec = installed_spec(top)
    if spec is None or not rest:
        return spec is not None
    for folder in spec.submodule_search_locations or []:
        place = Path(folder).joinpath(*rest)
        suffixes = importlib.machinery.all_suffixes()  # .py, .pyc and the extension modules'
        if place.is_dir() or any(place.with_name(place.name + suffix).is_file() for suffix in suffixes):
            return True
    return False


def is_left_out(module: str, left_out: list[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in left_out)


def named_project_paths(project_dir: Path, key: str, names: tuple[str, ...]) -> list[Path]:
    """The files or folders that pyproject.toml's `key` (icon, data-files) names, relative to the
    project. One that is not there stops the build: a missing data file was left out without a word,
    to fail only in the built app, and a missing icon stopped the build with resvg's traceback."""
    missing = [name for name in names if not (project_dir / name).exists()]
    if missing:
        raise BuildError(f"{key} in {project_dir / 'pyproject.toml'} names {', '.join(map(repr, missing))}, which "
                         f"{'is' if len(missing) == 1 else 'are'} not in the project: give each path relative to "
                         f"{project_dir}, then build again.")
    return [project_dir / name for name in names]


GIS_BACKENDS = "django.contrib.gis.db.backends."
GIS_BACKEND_BASES = {"spatialite": "sqlite3", "postgis": "postgresql", "mysql": "mysql", "oracle": "oracle"}


def contrib_apps_needed(apps: list[str], engines: list[str], started: list[str]) -> set[str]:
    """The contrib apps that go in: those the settings list and those the installed apps import,
    but django.contrib.postgres where no database is PostgreSQL. Its fields, lookups and search
    serve only that database (a module of a site's server, Django REST framework's compat), and it
    brings psycopg, and whatever psycopg's hooks collect (numpy), into the bundle: 9.97 → 28.7 MB
    for Notedesk, whose PostgreSQL search module is never imported on the desktop. And those
    Django imported as it started (`started`, site_facts.py), whoever imported them: django-tasks,
    which Wagtail imports, imports django-stubs-ext, which imports syndication and sitemaps; left
    out, the built app of a Wagtail site stopped at its first start."""
    needed = {*apps, *contrib_apps_imported_by(apps)}
    if POSTGRES_APP not in apps and POSTGRES_ENGINE not in engines:
        needed.discard(POSTGRES_APP)
    return needed | {".".join(name.split(".")[:3]) for name in started if name.startswith("django.contrib.")}


def database_backends_needed(engines: list[str]) -> set[str]:
    """The database back ends that go in: the engines', and for a GeoDjango one the back end of
    Django's that it extends (SpatiaLite's is SQLite's with spatial functions), which no engine names."""
    return {*engines, *(f"django.db.backends.{GIS_BACKEND_BASES[engine.rpartition('.')[2]]}" for engine in engines
                        if engine.startswith(GIS_BACKENDS))}


def template_folders(project_dir: Path, template_dirs: list[str]) -> list[Path]:
    """The TEMPLATES DIRS folders that exist. Each goes in at its place in the project, where the
    settings, finding it from their own file (BASE_DIR), look for it in the bundle; a folder outside
    the project would be looked for at its build-machine path, which the installed app lacks."""
    return project_folders(project_dir, template_dirs, "TEMPLATES DIRS", "templates")


def locale_folders(project_dir: Path, locale_paths: list[str]) -> list[Path]:
    """The LOCALE_PATHS folders (the project's own translations) that exist, as template_folders:
    left out, the installed app would speak only the language of its source strings."""
    return project_folders(project_dir, locale_paths, "LOCALE_PATHS", "locale")


def shipped_databases(project_dir: Path, paths: list[str]) -> list[Path]:
    """The SQLite files the settings open read-only, data shipped with the app: each goes in at its
    place in the project, where the settings, naming it from BASE_DIR, find it in the bundle."""
    files = [Path(path) for path in paths]
    for file in files:
        if place_in_project(project_dir, file) is None:
            raise BuildError(f"DATABASES opens {file} read-only, outside the project {project_dir}, so the installed app "
                             "would not have it: move the file into the project and name it from BASE_DIR, then build again.")
    return files


def translation_folders(project_dir: Path, locale_paths: list[str], apps: list[str]) -> list[Path]:
    """The folders of the project's own translations: its LOCALE_PATHS ones (locale_folders) and the
    `locale/` of each of its apps that lives in the project (an installed library's come compiled)."""
    return [*locale_folders(project_dir, locale_paths), *project_apps_catalogue_folders(project_dir, apps)]


def compiled_languages(project_dir: Path, folders: list[Path]) -> list[str]:
    """The languages the project's own translations are in (`<folder>/<language>/LC_MESSAGES/`), each
    with its general language (pt_BR, pt), as Django's locale folders name them: Django's own go in
    for them too, or a page in one of them would show Django's words (form errors, the admin, dates)
    in English. A catalogue there that was never compiled (a `.po` with no `.mo` beside it: `*.mo`
    in .gitignore, and no compilemessages before the build) stops the build: Django reads only the
    `.mo`, and the installed app would have shown that language's pages untranslated, without a word."""
    uncompiled = uncompiled_catalogues(folders)
    if uncompiled:
        names = ", ".join(str(place_in_project(project_dir, path) or path) for path in uncompiled)
        raise BuildError(f"{names}: not compiled (no .mo file beside it), so the installed app would show that "
                         f"language untranslated. Run `python manage.py compilemessages` (it needs GNU gettext's "
                         f"msgfmt), then build again.")
    names = {path.parent.parent.name for folder in folders for path in folder.glob("*/LC_MESSAGES/*.mo")}
    return sorted({*names, *(name.split("_")[0] for name in names)})


def is_translation_source(path: str) -> bool:
    """A `.po` catalogue in a locale folder: Django reads the `.mo` compiled from it, never the `.po`."""
    return PurePath(path).suffix == ".po" and PurePath(path).parent.name == "LC_MESSAGES"


def project_folders(project_dir: Path, named: list[str], setting: str, example: str) -> list[Path]:
    folders = [project_dir / folder for folder in named if (project_dir / folder).is_dir()]
    for folder in folders:
        if place_in_project(project_dir, folder) is None:
            raise BuildError(
                f"{setting} names {folder}, outside the project {project_dir}, so the installed app "
                f"would not have it: move the folder into the project and name it from BASE_DIR "
                f'(BASE_DIR / "{example}"), then build again.')
    return folders


def in_languages(destination: str, languages: list[str]) -> bool:
    """Whether a data file of Django's or of an app goes in: any file but a translation (a
    `locale/<name>/` one) of a language other than the app's (Django's locale names)."""
    parts = PurePath(destination).parts
    return "locale" not in parts[:-1] or parts[parts.index("locale") + 1] in languages


def project_data_files(project_dir: Path, entries: list[Path], static_dirs: list[str],
                       templates: list[Path] = ()) -> list[tuple[str, str]]:
    """Every file of the entries (files or folders of the project) at its place in the project, but
    for those in static folders, whose collected copy goes in instead. A template folder that is
    a static folder too, or lies in one (a Vite build's dist/, its index.html the page Django
    renders), goes in whole: the template loader reads it at its place."""
    static_folders = [Path(folder).resolve() for folder in static_dirs]
    template_folders = [folder.resolve() for folder in templates]

    def collected_instead(path: Path) -> bool:
        path = path.resolve()
        holding = [template for template in template_folders if path.is_relative_to(template)]
        return any(path.is_relative_to(static) and not any(template.is_relative_to(static) for template in holding)
                   for static in static_folders)

    files = []
    for entry in entries:
        place = place_in_project(project_dir, entry)
        if place is None:
            raise BuildError(f"{entry} is outside the project {project_dir}: data-files must lie inside it.")
        folder, place = (entry.parent, place.parent) if entry.is_file() else (entry, place)
        paths = [entry] if entry.is_file() else entry.rglob("*")
        files += [(str(path), str(place / path.parent.relative_to(folder))) for path in paths
                  if path.is_file() and not collected_instead(path)]
    return list(dict.fromkeys(files))
