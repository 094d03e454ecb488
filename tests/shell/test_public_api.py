"""What a project may import from the shell is what the package's docstring lists, and each name
listed is there: Notedesk and examples/polls, on the desktop, import nothing else."""

import ast
import importlib
import pkgutil
import re

import django_desktop_shell
from tests.conftest import ROOT

# Notedesk's server (docs/server.md) is built from the shell's server parts, not as a project adopts it.
NOTEDESK_SERVER_MODULES = {"serve.py", "server_settings.py", "server_urls.py", "accounts.py", "shell_routes.py"}
MODULES = {module.name for module in pkgutil.iter_modules(django_desktop_shell.__path__)}
LISTED = re.compile(r"(?<![\w./-])(?:[a-z_]+\.)*[A-Za-z_]+")


def listed_names() -> set[str]:
    """The names the docstring gives, each from a module of the package: "files.durable_file"."""
    return {f"django_desktop_shell.{name}" for name in LISTED.findall(django_desktop_shell.__doc__)
            if name.split(".")[0] in MODULES}


def resolves(name: str) -> bool:
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def imported_by_the_sites() -> dict[str, str]:
    """Each name of the shell's the two sites import (or name in a setting), with where."""
    found = {}
    sources = [*(ROOT / "embedded_site").rglob("*.py"), *(ROOT / "examples").rglob("*.py"), ROOT / "launcher.py"]
    for path in sources:
        if path.name in NOTEDESK_SERVER_MODULES and path.parent == ROOT / "embedded_site":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django_desktop_shell"):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    re.fullmatch(r"django_desktop_shell(\.\w+)+", node.value):
                names = [node.value]
            found.update(dict.fromkeys(names, str(path.relative_to(ROOT))))
    return found


def test_every_name_the_package_lists_is_there():
    assert [name for name in sorted(listed_names()) if not resolves(name)] == []


def test_the_sites_import_only_what_the_package_lists():
    listed = listed_names()
    modules = {name.rsplit(".", 1)[0] for name in listed if name.count(".") > 1}  # `from … import files`
    unlisted = {name: where for name, where in imported_by_the_sites().items() if name not in listed | modules}
    assert unlisted == {}
