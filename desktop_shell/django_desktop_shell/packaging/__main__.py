import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django_desktop_shell.packaging import INSTALLERS, PROJECT_ENV, spec_for

MISSING_PYINSTALLER = 'Packaging needs PyInstaller, which is not installed: pip install "django-desktop-shell[packaging]"'


def installer_command(dist: Path, project: Path, work: str) -> list[str]:
    """This OS's installer script (packaging/installers/), run on the bundles just built."""
    if sys.platform == "win32":
        return ["powershell", "-NoProfile", "-ExecutionPolicy", "Bypass", "-File", str(INSTALLERS / "windows.ps1"),
                "-Dist", str(dist), "-Project", str(project), "-Work", work, "-Python", sys.executable]
    script = "macos.sh" if sys.platform == "darwin" else "linux.sh"
    return ["bash", str(INSTALLERS / script), str(dist), str(project), work]


def main(project_dir: str, dist_dir: str, installers: bool = False) -> int:
    if importlib.util.find_spec("PyInstaller") is None:
        print(MISSING_PYINSTALLER, file=sys.stderr)
        return 2
    project, dist = Path(project_dir).resolve(), Path(dist_dir).resolve()
    # The Python archive compressed as hard as zlib goes (PyInstaller's default is 6; its
    # bootloader archive is 9 already): ~60 kB smaller, and unpacked as fast. Its bytecode compiled
    # without the column ranges Python 3.11 keeps for each instruction (PyInstaller compiles in its
    # own process, which reads PYTHONNODEBUGRANGES as it starts): a third smaller. They draw the ^^^
    # under a traceback's failing expression, beside its source line, which a bundle does not carry.
    env = {**os.environ, PROJECT_ENV: str(project), "PYTHON": sys.executable, "PYINSTALLER_ZLIB_COMPRESSION_LEVEL": "9",
           "PYTHONNODEBUGRANGES": "1"}
    with tempfile.TemporaryDirectory(prefix="desktop-shell-build-") as work:
        status = subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--clean", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(dist), "--workpath", work, str(spec_for(project))],
            env=env,
        ).returncode
        if status or not installers:
            return status
        # The installers take the icons the spec rendered into the work folder.
        return subprocess.run(installer_command(dist, project, work), env=env).returncode


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m django_desktop_shell.packaging",
                                     description="Build the project's one-file and one-folder bundles into DIST_DIR.")
    parser.add_argument("project_dir", metavar="PROJECT_DIR", help="the folder of the project's pyproject.toml")
    parser.add_argument("dist_dir", metavar="DIST_DIR")
    parser.add_argument("--installers", action="store_true",
                        help="then this OS's installers around them: Linux .tar.gz and .deb, Windows setup.exe "
                             "(Inno Setup 6), macOS .dmg")
    arguments = parser.parse_args()
    sys.exit(main(arguments.project_dir, arguments.dist_dir, arguments.installers))
