from pathlib import Path

from django_desktop_shell.process import launcher

launcher.run_and_exit(Path(__file__).resolve().parent)
