"""Screenshots for a person to look at, taken by the drivers once the screen has settled."""

import subprocess
from pathlib import Path


def grab() -> bytes:
    return subprocess.run(["import", "-window", "root", "ppm:-"], capture_output=True, check=True, timeout=30).stdout


def screenshot(path: Path) -> None:
    """The screen once two grabs in a row are alike, saved as a PNG."""
    previous, latest = None, grab()
    while latest != previous:
        previous, latest = latest, grab()
    subprocess.run(["convert", "ppm:-", str(path)], input=latest, check=True, timeout=30)
