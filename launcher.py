"""Notedesk: the notes app, started by the desktop shell (the identity is in pyproject.toml)."""

from pathlib import Path

from django_desktop_shell.process import launcher

if __name__ == "__main__":
    launcher.run_and_exit(Path(__file__).resolve().parent)
