import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django_desktop_shell.packaging import PROJECT_ENV, spec_for

MISSING_PYINSTALLER = 'Packaging needs PyInstaller, which is not installed: pip install "django-desktop-shell[packaging]"'


def main(project_dir: str, dist_dir: str) -> int:
    if importlib.util.find_spec("PyInstaller") is None:
        print(MISSING_PYINSTALLER, file=sys.stderr)
        return 2
    project = Path(project_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="desktop-shell-build-") as work:
        return subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--clean", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(Path(dist_dir).resolve()), "--workpath", work, str(spec_for(project))],
            env={**os.environ, PROJECT_ENV: str(project)},
        ).returncode


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m django_desktop_shell.packaging PROJECT_DIR DIST_DIR")
    sys.exit(main(*sys.argv[1:]))
