"""The app's identity: one table, `[tool.desktop-shell]` in the project's pyproject.toml.

Everything that names the app reads it: the window title and loading view, the data folder, the
lock, channel and log file names, the cookies, `--help` and `--version`, and every installer.
The version is the project's own `[project] version`. A packaged build carries the file.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TABLE = "desktop-shell"
REQUIRED = ("name", "app-id", "settings")
KNOWN = {*REQUIRED, "description", "icon", "categories", "keywords", "start-path", "health-path", "data-files", "homepage",
         "menu", "file-types", "url-schemes", "update-url", "javascript-jit", "keep-start-page", "leave-out",
         "collect-all"}
APP_ID = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)+$")
MENU_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
MIME_TYPE = re.compile(r"^[a-z]+/[a-z0-9][a-z0-9.+-]*$")
EXTENSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$")
MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{1,31}$")
# Schemes an app must never claim: the browser's and the OS's own.
RESERVED_SCHEMES = {"http", "https", "file", "ftp", "mailto", "data", "javascript", "about", "blob", "ws", "wss"}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# The trusted root of the update repository, beside pyproject.toml (`make keys` writes it; the
# build bundles it when update-url is set): docs/updates.md.
UPDATE_ROOT_FILE = "update-root.json"


class IdentityError(Exception):
    """The identity table is missing or wrong; the message says what to write."""


@dataclass(frozen=True)
class Identity:
    name: str  # what people see: "Notedesk"
    app_id: str  # reverse DNS, unique per app: "org.notedesk.Notedesk"
    version: str
    settings: str  # the Django settings module
    project_dir: Path
    description: str = ""
    icon: str = ""  # an SVG, relative to the project
    categories: tuple[str, ...] = ()  # freedesktop.org main and additional categories
    keywords: tuple[str, ...] = ()
    start_path: str = "/"  # where the window opens
    health_path: str = ""  # "": the shell's own health check
    data_files: tuple[str, ...] = ()  # folders or files, relative to the project, that the build bundles
    homepage: str = ""
    menu: str = ""  # "module:ATTRIBUTE" holding the menu bar (django_desktop_shell.menus); "": none
    file_types: tuple["FileType", ...] = ()  # the files the app opens: the installers register them
    url_schemes: tuple[str, ...] = ()  # scheme://… links the app handles: the installers register them
    licence: str = ""  # [project] license
    maintainer: str = ""  # "Name <email>": [project] maintainers' first with an email, else authors'
    update_url: str = ""  # "": no updates; else the signed update repository (docs/updates.md)
    javascript_jit: bool = True  # False: the window's JavaScript engine without its JIT (less memory, slower scripts)
    keep_start_page: bool = False  # True: the window shows the last run's start page before Django starts (process/start_page.py)
    leave_out: tuple[str, ...] = ()  # modules the build does not ship: a server's own code, development commands
    # Packages of which the build ships only part (leave-out's {all-of = …, but = […]}): Pygments' lexers
    leave_out_but: tuple["LeftOutBut", ...] = ()
    collect_all: tuple[str, ...] = ()  # packages the build ships whole: modules loaded by name, data files

    @property
    def icon_file(self) -> Path | None:
        """The icon's SVG, when the app names one and it is there (a build may leave it out)."""
        icon = self.project_dir / self.icon if self.icon else None
        return icon if icon and icon.is_file() else None

    @property
    def slug(self) -> str:
        """The program's name: the command, the log file, cookie and channel prefixes ("notedesk"). A name
        in another script (Arabic, Greek, Chinese) gives none, so the app-id's last part does
        (org.example.Shop: "shop"): an empty one named the log `.log` and the host `<label>..localhost`."""
        return program_name(self.name) or program_name(self.app_id.rsplit(".", 1)[1])

    @property
    def env_prefix(self) -> str:
        return self.slug.upper().replace("-", "_")

    @property
    def cookie_prefix(self) -> str:
        return self.slug.replace("-", "_")

    def cookie_name(self, kind: str, port: int) -> str:
        """The name of the app's cookie of this kind ("launch", "csrftoken", …) on this port."""
        return f"{self.cookie_prefix}_{kind}_{port}"

    def ships(self, module: str) -> bool:
        """Whether the build ships `module`, as leave-out says: so that an app that loads a module by
        name offers the same choice run from its source, where every module is there, as built."""
        return not (any(module == name or module.startswith(name + ".") for name in self.leave_out)
                    or any(entry.leaves_out(module) for entry in self.leave_out_but))


def program_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class LeftOutBut:
    """A leave-out entry `{all-of = "pygments.lexers", but = ["python", "rust"]}`: every module of
    the package but those named (the package's own `__init__` goes in)."""

    package: str
    kept: tuple[str, ...]  # the modules named in `but`, by their dotted names: "pygments.lexers.python"

    def leaves_out(self, module: str) -> bool:
        return module.startswith(self.package + ".") and not any(
            module == kept or module.startswith(kept + ".") or kept.startswith(module + ".") for kept in self.kept)


@dataclass(frozen=True)
class FileType:
    """A kind of file the app opens (`app FILE`, double-click, Open with)."""

    mime_type: str  # "text/markdown"
    extensions: tuple[str, ...]  # without the dot: ("md", "markdown")
    description: str = ""


def load(project_dir: Path) -> Identity:
    path = project_dir / "pyproject.toml"
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        raise IdentityError(f"{path} is missing: the desktop shell reads the app's identity from it.") from None
    except tomllib.TOMLDecodeError as error:
        raise IdentityError(f"{path} is not valid TOML: {error}.") from None
    table = document.get("tool", {}).get(TABLE)
    if not isinstance(table, dict):
        raise IdentityError(f"{path} has no [tool.{TABLE}] table. Add one with at least: {', '.join(REQUIRED)}.")
    missing = [key for key in REQUIRED if not isinstance(table.get(key), str) or not table[key].strip()]
    if missing:
        raise IdentityError(f"[tool.{TABLE}] in {path} needs {', '.join(missing)}.")
    if not APP_ID.match(table["app-id"]):
        raise IdentityError(f"app-id {table['app-id']!r} in {path} must be reverse DNS, such as org.example.MyApp.")
    version = document.get("project", {}).get("version")
    if not isinstance(version, str):
        raise IdentityError(f"{path} needs a version in its [project] table.")
    for key in ("start-path", "health-path"):
        if key in table and not (isinstance(table[key], str) and table[key].startswith("/")):
            raise IdentityError(f"{key} in {path} must be a path starting with '/'.")
    if "menu" in table and not (isinstance(table["menu"], str) and MENU_REFERENCE.match(table["menu"])):
        raise IdentityError(f"menu in {path} must name where the menu is, as module:ATTRIBUTE.")
    file_types = parse_file_types(path, table.get("file-types", []))
    url_schemes = parse_url_schemes(path, table.get("url-schemes", []))
    if "update-url" in table:
        check_update_url(table["update-url"], path)
    for key, default in (("javascript-jit", True), ("keep-start-page", False)):
        if not isinstance(table.get(key, default), bool):
            raise IdentityError(f"{key} in {path} must be true or false.")
    for key, example in (("leave-out", "mysite.server_settings"), ("collect-all", "reportlab")):
        names = table.get(key, [])
        if not (isinstance(names, list) and all(isinstance(name, str) and MODULE.match(name) or key == "leave-out"
                                                and is_left_out_but(name) for name in names)):
            raise IdentityError(f'{key} in {path} must be a list of modules, such as ["{example}"]'
                                + ('; or, to ship part of a package, {all-of = "pygments.lexers", but = ["python", "rust"]}.'
                                   if key == "leave-out" else "."))
    unknown = sorted(set(table) - KNOWN)
    if unknown:
        raise IdentityError(f"[tool.{TABLE}] in {path} has unknown keys: {', '.join(unknown)}. Known: {', '.join(sorted(KNOWN))}.")
    return Identity(
        name=table["name"].strip(), app_id=table["app-id"], version=version, settings=table["settings"],
        project_dir=project_dir, description=table.get("description", document["project"].get("description", "")),
        icon=table.get("icon", ""), categories=tuple(table.get("categories", ())), keywords=tuple(table.get("keywords", ())),
        start_path=table.get("start-path", "/"), health_path=table.get("health-path", ""), data_files=tuple(table.get("data-files", ())), homepage=table.get("homepage", ""),
        menu=table.get("menu", ""), file_types=file_types, url_schemes=url_schemes,
        licence=licence_of(document["project"]), maintainer=maintainer_of(document["project"]), update_url=table.get("update-url", "").rstrip("/"),
        javascript_jit=table.get("javascript-jit", True), keep_start_page=table.get("keep-start-page", False),
        leave_out=tuple(name for name in table.get("leave-out", ()) if isinstance(name, str)),
        leave_out_but=tuple(LeftOutBut(entry["all-of"], tuple(f"{entry['all-of']}.{name}" for name in entry["but"]))
                            for entry in table.get("leave-out", ()) if isinstance(entry, dict)),
        collect_all=tuple(table.get("collect-all", ())),
    )


def is_left_out_but(entry) -> bool:
    """Whether a leave-out entry is an {all-of = "package", but = ["module", …]} table, well written."""
    return (isinstance(entry, dict) and set(entry) == {"all-of", "but"} and isinstance(entry["all-of"], str)
            and MODULE.match(entry["all-of"]) is not None and isinstance(entry["but"], list)
            and all(isinstance(name, str) and MODULE.match(name) for name in entry["but"]))


def parse_file_types(path: Path, raw) -> tuple[FileType, ...]:
    example = 'file-types = [{mime-type = "text/markdown", extensions = ["md"], description = "Markdown document"}]'
    if not isinstance(raw, list):
        raise IdentityError(f"file-types in {path} must be a list of tables, such as {example}.")
    file_types = []
    for number, entry in enumerate(raw, start=1):
        where = f"file-types entry {number} in {path}"
        if not isinstance(entry, dict) or set(entry) - {"mime-type", "extensions", "description"}:
            raise IdentityError(f"{where} must be a table of mime-type, extensions and description, such as {example}.")
        mime_type, extensions = entry.get("mime-type"), entry.get("extensions")
        if not (isinstance(mime_type, str) and MIME_TYPE.match(mime_type)):
            raise IdentityError(f"{where}: mime-type must be a MIME type such as text/markdown, not {mime_type!r}.")
        if not (isinstance(extensions, list) and extensions and all(isinstance(e, str) and EXTENSION.match(e) for e in extensions)):
            raise IdentityError(f"{where}: extensions must be a non-empty list of extensions without the dot, such as [\"md\"].")
        if not isinstance(entry.get("description", ""), str):
            raise IdentityError(f"{where}: description must be text.")
        file_types.append(FileType(mime_type, tuple(e.lower() for e in extensions), entry.get("description", "")))
    return tuple(file_types)


def parse_url_schemes(path: Path, raw) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(scheme, str) and URL_SCHEME.match(scheme) for scheme in raw):
        raise IdentityError(f"url-schemes in {path} must be a list of lower-case scheme names, such as [\"myapp\"].")
    reserved = sorted(set(raw) & RESERVED_SCHEMES)
    if reserved:
        raise IdentityError(f"url-schemes in {path} cannot claim {', '.join(reserved)}: the browser and the OS handle those.")
    return tuple(raw)


def licence_of(project: dict) -> str:
    licence = project.get("license", "")
    if isinstance(licence, dict):
        licence = licence.get("text", "") or (f"See {licence['file']}" if "file" in licence else "")
    return licence if isinstance(licence, str) else ""


def maintainer_of(project: dict) -> str:
    people = [person for key in ("maintainers", "authors") if isinstance(project.get(key), list)
              for person in project[key] if isinstance(person, dict) and isinstance(person.get("email"), str)]
    return f"{people[0].get('name') or people[0]['email']} <{people[0]['email']}>" if people else ""


def check_update_url(url, path: Path) -> None:
    """https://, or http:// to this machine only (a test repository): the metadata is signed either
    way, but https also hides what is downloaded and stops a network from holding updates back."""
    where = f"update-url in {path}"
    if not isinstance(url, str) or not url:
        raise IdentityError(f"{where} must be the address of the update repository, such as https://example.org/updates.")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise IdentityError(f"{where} must be an https:// address, such as https://example.org/updates; got {url!r}.")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise IdentityError(f"{where} must use https:// (http:// is accepted for 127.0.0.1 and localhost only, for tests); got {url!r}.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise IdentityError(f"{where} must be a plain address with no query, fragment or password; got {url!r}.")
