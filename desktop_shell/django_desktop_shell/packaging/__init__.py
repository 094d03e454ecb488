"""Packaging any project that adopts the shell: a PyInstaller spec driven by the project's
identity table and its settings (every installed app's modules, migrations, templates and
package data; the collected static files; the TEMPLATES DIRS and LOCALE_PATHS folders and the identity's
data-files: contents.py), its Django hook, and the icons rendered from the identity's SVG.
It needs the shell's `packaging` extra: pip install "django-desktop-shell[packaging]".

    python -m django_desktop_shell.packaging PROJECT_DIR DIST_DIR [--installers]

builds DIST_DIR/<slug> (one file) and DIST_DIR/<slug>-dir/ (one folder), and with --installers
this OS's installers around them (installers/: the .tar.gz and the .deb, the Inno Setup
setup.exe, the .dmg). A project's own app.spec may exec() SPEC instead, to add to it.

    python -m django_desktop_shell.packaging.identity PROJECT_DIR --format sh|json|github

prints the names the installer scripts need, all from the identity (see identity.py here).
"""

from pathlib import Path

SPEC = Path(__file__).resolve().parent / "desktop_app.spec"
INSTALLERS = Path(__file__).resolve().parent / "installers"
PROJECT_ENV = "DESKTOP_SHELL_PROJECT"
# The shell's modules that run on the developer's machine, never in the app: packaging, the test
# helpers (with them came django.test), and the update keys and releases (with them came TUF's
# signing backends, cryptography and boto3: 40 MB). The update client goes in only for an
# identity with an update-url (the spec adds it).
BUILD_TIME_MODULES = (
    "django_desktop_shell.packaging",
    "django_desktop_shell.testing",
    "django_desktop_shell.updates.keys",
    "django_desktop_shell.updates.release",
    "django_desktop_shell.updates.client",
)


def spec_for(project_dir: Path) -> Path:
    """The project's own app.spec, which adds to the shell's, or the shell's."""
    project_spec = project_dir / "app.spec"
    return project_spec if project_spec.is_file() else SPEC
